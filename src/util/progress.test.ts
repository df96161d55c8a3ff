import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProgress, formatCount, formatDuration, formatRate, ProgressError } from './progress.ts';
import type { ProgressOptions } from './progress.ts';

function fakeStream(isTTY: boolean, columns?: number): { stream: NonNullable<ProgressOptions['stream']>; chunks: string[] } {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns,
    write(chunk: string | Uint8Array): boolean {
      chunks.push(String(chunk));
      return true;
    },
  } as unknown as NonNullable<ProgressOptions['stream']>;
  return { stream, chunks };
}

function fakeClock(startMs = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('formatDuration', () => {
  it('uses s, m+s and h+m forms', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(41_000)).toBe('41s');
    expect(formatDuration(41_400)).toBe('41s');
    expect(formatDuration(59_600)).toBe('1m00s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(3_599_700)).toBe('1h00m');
    expect(formatDuration(100 * 3_600_000)).toBe('100h00m');
    expect(formatDuration(Number.NaN)).toBe('?');
    expect(formatDuration(-5)).toBe('?');
  });

  it('always produces a well-formed string for any non-negative time', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e10, noNaN: true }), (ms) => {
        expect(formatDuration(ms)).toMatch(/^(\d{1,2}s|\d{1,2}m\d\ds|\d+h\d\dm)$/);
      }),
    );
  });
});

describe('formatRate and formatCount', () => {
  it('formats rates', () => {
    expect(formatRate(45.13)).toBe('45.1/s');
    expect(formatRate(250.4)).toBe('250/s');
    expect(formatRate(0.2)).toBe('12/min');
    expect(formatRate(0.01)).toBe('0.6/min');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(Number.NaN)).toBe('?/s');
  });

  it('formats extras compactly', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(1234)).toBe('1.2k');
    expect(formatCount(12_345)).toBe('12k');
    expect(formatCount(999_700)).toBe('1M');
    expect(formatCount(3_400_000)).toBe('3.4M');
    expect(formatCount(0.12345)).toBe('0.123');
    expect(formatCount(-2500)).toBe('-2.5k');
  });
});

describe('createProgress on a plain stream', () => {
  it('writes at most one line per interval and a final line on done', () => {
    const { stream, chunks } = fakeStream(false);
    const clock = fakeClock();
    const progress = createProgress({ label: 'imagine', total: 2000, stream, now: clock.now, intervalMs: 5000 });
    clock.advance(1000);
    progress.tick(10);
    expect(chunks).toEqual([]);
    clock.advance(4000);
    progress.tick(240, { tokens: 12_345 });
    expect(chunks).toEqual(['imagine  250/2000  12.5%  50.0/s  ETA 35s  tokens 12k\n']);
    clock.advance(1000);
    progress.tick(50);
    expect(chunks).toHaveLength(1);
    clock.advance(35_000);
    progress.tick(1700, { tokens: 99_000, cost: '$0.42' });
    progress.done({ tokens: 100_000 });
    progress.done();
    progress.tick(5);
    expect(chunks).toEqual([
      'imagine  250/2000  12.5%  50.0/s  ETA 35s  tokens 12k\n',
      'imagine  2000/2000  100.0%  48.8/s  ETA 0s  tokens 99k  cost $0.42\n',
      'imagine  2000/2000  100.0%  48.8/s  done in 41s  tokens 100k  cost $0.42\n',
    ]);
  });

  it('shows an unknown ETA before anything is done and copes with total 0', () => {
    const { stream, chunks } = fakeStream(false);
    const clock = fakeClock();
    const progress = createProgress({ label: 'x', total: 0, stream, now: clock.now, intervalMs: 10 });
    clock.advance(10);
    progress.tick(0);
    progress.done();
    expect(chunks).toEqual(['x  0/0  0/s  ETA 0s\n', 'x  0/0  0/s  done in 0s\n']);
    const other = fakeStream(false);
    const p2 = createProgress({ label: 'y', total: 5, stream: other.stream, now: clock.now, intervalMs: 10 });
    clock.advance(10);
    p2.tick(0);
    expect(other.chunks).toEqual(['y  0/5  0.0%  0/s  ETA ?\n']);
  });

  it('rejects a bad total', () => {
    expect(() => createProgress({ label: 'x', total: Number.NaN })).toThrow(ProgressError);
  });
});

describe('createProgress on a terminal', () => {
  it('redraws one line in place at most every 100 ms and ends it on done', () => {
    const { stream, chunks } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress({ label: 'l', total: 10, stream, now: clock.now });
    clock.advance(1000);
    progress.tick();
    clock.advance(50);
    progress.tick();
    clock.advance(50);
    progress.tick();
    progress.done();
    expect(chunks).toEqual([
      '\r\x1b[2Kl  1/10  10.0%  1.0/s  ETA 9s',
      '\r\x1b[2Kl  3/10  30.0%  2.7/s  ETA 3s',
      '\r\x1b[2Kl  3/10  30.0%  2.7/s  done in 1s\n',
    ]);
  });

  it('clears the progress line for other output and redraws it below', () => {
    const { stream, chunks } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress({ label: 'l', total: 4, stream, now: clock.now });
    const news = (line: string) => () => chunks.push(`${line}\n`);
    progress.aside(news('before any tick'));
    clock.advance(1000);
    progress.tick();
    progress.aside(news('ilql: done'));
    progress.done();
    progress.aside(news('after'));
    expect(chunks).toEqual(['before any tick\n', '\r\x1b[2Kl  1/4  25.0%  1.0/s  ETA 3s', '\r\x1b[2K', 'ilql: done\n', '\r\x1b[2Kl  1/4  25.0%  1.0/s  ETA 3s', '\r\x1b[2Kl  1/4  25.0%  1.0/s  done in 1s\n', 'after\n']);
    const plain = fakeStream(false);
    createProgress({ label: 'l', total: 4, stream: plain.stream, now: clock.now }).aside(() => plain.chunks.push('a line\n'));
    expect(plain.chunks).toEqual(['a line\n']);
  });

  it('cuts lines to the terminal width so the redraw does not wrap', () => {
    const { stream, chunks } = fakeStream(true, 12);
    const progress = createProgress({ label: 'a-long-label', total: 10, stream, now: fakeClock().now });
    progress.tick();
    expect(chunks[0]).toBe('\r\x1b[2Ka-long-labe');
  });
});
