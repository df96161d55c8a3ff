/**
 * Progress reporting for long jobs: count, percent, rate, ETA and caller-supplied extras such as
 * tokens or cost. On a terminal one line is redrawn in place; in logs (CI, files, pipes) a plain
 * line is written now and then so the log stays short but still shows the job is alive.
 *
 * @example
 * const progress = createProgress({ label: 'imagine', total: 2000 });
 * for (const task of tasks) { await run(task); progress.tick(1, { tokens: usedTokens }); }
 * progress.done({ tokens: usedTokens });
 * // imagine  123/2000  6.2%  45.1/s  ETA 41s  tokens 12k
 */
import { ReverieError } from '../errors.ts';

export type ProgressExtra = Record<string, string | number>;

export type ProgressOptions = {
  label: string;
  total: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Minimum gap between plain lines when the stream is not a terminal. */
  intervalMs?: number;
  now?: () => number;
};

export type Progress = {
  /** Count `n` more items (default 1). Extras are current values, not increments: the latest value per key is shown. */
  tick(n?: number, extra?: ProgressExtra): void;
  /** Write the final line. Later calls to `tick` or `done` do nothing. */
  done(extra?: ProgressExtra): void;
  /**
   * Runs `write`, which prints other news to the same terminal, with the progress line cleared
   * first and redrawn after, so the news gets lines of its own above it.
   */
  aside(write: () => void): void;
};

export class ProgressError extends ReverieError {
  override readonly name = 'ProgressError';
}

const TTY_REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[2K';

/** `41s`, `3m05s`, `1h02m`; `?` when unknown (negative, NaN or infinite). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Items per second, e.g. `45.1/s`; slow jobs read better per minute (`12/min`). */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return '?/s';
  if (perSecond === 0) return '0/s';
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  const perMinute = perSecond * 60;
  return perMinute >= 10 ? `${Math.round(perMinute)}/min` : `${perMinute.toFixed(1)}/min`;
}

const UNITS = ['', 'k', 'M', 'B', 'T'];

/** Compact numbers for extras: `950`, `1.2k`, `12k`, `3.4M`, `0.123`. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < UNITS.length - 1) {
    scaled /= 1000;
    unit++;
  }
  if (unit === 0) return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
  let text = Math.abs(scaled) < 10 ? scaled.toFixed(1).replace(/\.0$/, '') : String(Math.round(scaled));
  // 999.6k rounds to "1000k"; move it up a unit instead.
  if (text === '1000' && unit < UNITS.length - 1) {
    unit++;
    text = '1';
  }
  return `${text}${UNITS[unit]}`;
}

export function createProgress(options: ProgressOptions): Progress {
  const { label, total } = options;
  if (!Number.isFinite(total) || total < 0) {
    throw new ProgressError(`createProgress(${label}): total ${total} is not a finite number >= 0`, {
      hint: 'Pass the number of items the job will process.',
    });
  }
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const isTTY = stream.isTTY === true;
  const gapMs = isTTY ? TTY_REDRAW_MS : (options.intervalMs ?? 5000);
  const start = now();
  // A terminal shows the first tick at once; a log waits one interval so short jobs stay quiet.
  let lastWrite = isTTY ? -Infinity : start;
  let count = 0;
  let finished = false;
  const extras: ProgressExtra = {};

  const render = (at: number, final: boolean): string => {
    const elapsed = at - start;
    const rate = elapsed > 0 ? count / (elapsed / 1000) : Number.NaN;
    const parts = [label, `${count}/${total}`];
    if (total > 0) parts.push(`${((count / total) * 100).toFixed(1)}%`);
    parts.push(formatRate(rate));
    if (final) parts.push(`done in ${formatDuration(elapsed)}`);
    else if (count >= total) parts.push('ETA 0s');
    else parts.push(`ETA ${rate > 0 ? formatDuration(((total - count) / rate) * 1000) : '?'}`);
    for (const [key, value] of Object.entries(extras)) {
      parts.push(`${key} ${typeof value === 'number' ? formatCount(value) : value}`);
    }
    return parts.join('  ');
  };

  const write = (line: string, final: boolean): void => {
    if (!isTTY) {
      stream.write(`${line}\n`);
      return;
    }
    // A line wider than the terminal wraps, and `\r` would then redraw only its last row.
    const width = stream.columns;
    const fitted = width !== undefined && width > 1 && line.length >= width ? line.slice(0, width - 1) : line;
    stream.write(`${CLEAR_LINE}${fitted}${final ? '\n' : ''}`);
  };

  return {
    tick(n = 1, extra) {
      if (finished) return;
      count += n;
      if (extra !== undefined) Object.assign(extras, extra);
      const at = now();
      if (at - lastWrite < gapMs) return;
      lastWrite = at;
      write(render(at, false), false);
    },
    done(extra) {
      if (finished) return;
      finished = true;
      if (extra !== undefined) Object.assign(extras, extra);
      write(render(now(), true), true);
    },
    aside(print) {
      if (!isTTY || finished || lastWrite === -Infinity) {
        print();
        return;
      }
      stream.write(CLEAR_LINE);
      print();
      write(render(now(), false), false);
    },
  };
}
