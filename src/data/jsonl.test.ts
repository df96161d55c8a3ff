import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { appendJsonl, JsonlError, readJsonl, repairJsonl, writeJsonlAtomic } from './jsonl.ts';

const Row = z.object({ id: z.number(), turns: z.array(z.object({ role: z.enum(['user', 'agent']), text: z.string() })) });
type Row = z.infer<typeof Row>;
const row = (id: number): Row => ({ id, turns: [{ role: 'user', text: `hi\n"${id}"` }] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-jsonl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<JsonlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JsonlError);
  return error as JsonlError;
}

describe('appendJsonl + readJsonl', () => {
  it('round-trips rows across several appends, creating parent folders', async () => {
    const file = join(dir, 'nested', 'deeper', 'x.jsonl');
    await appendJsonl(file, [row(1), row(2)]);
    await appendJsonl(file, []);
    await appendJsonl(file, [row(3)]);
    expect(await readJsonl(file, Row)).toEqual([row(1), row(2), row(3)]);
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(4);
  });

  it('creates an empty file when given no rows', async () => {
    const file = join(dir, 'new', 'empty.jsonl');
    await appendJsonl(file, []);
    expect(await readJsonl(file, Row)).toEqual([]);
  });

  it('round-trips arbitrary JSON values', async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue()), async (values) => {
        const file = join(dir, `p${i++}.jsonl`);
        await appendJsonl(file, values);
        const back = await readJsonl(file, z.unknown());
        // JSON normalises -0 to 0, so compare through JSON.
        expect(JSON.stringify(back)).toBe(JSON.stringify(values));
      }),
      { numRuns: 30 },
    );
  });

  it('skips blank lines and tolerates CRLF and a missing final newline on a valid line', async () => {
    const file = join(dir, 'x.jsonl');
    await writeFile(file, `${JSON.stringify(row(1))}\r\n\n   \n${JSON.stringify(row(2))}`);
    expect(await readJsonl(file, Row)).toEqual([row(1), row(2)]);
  });

  it('reports invalid JSON with file:line and the parser message', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, `${JSON.stringify(row(1))}\n${JSON.stringify(row(2))}\n{"id": 3,,}\n${JSON.stringify(row(4))}\n`);
    const error = await caught(readJsonl(file, Row));
    expect(error.line).toBe(3);
    expect(error.file).toBe(file);
    expect(error.name).toBe('JsonlError');
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: invalid JSON: `));
    expect(error.message).toMatch(/JSON/);
    expect(error.hint).toBeTruthy();
  });

  it('names the zod path of a schema failure', async () => {
    const file = join(dir, 'schema.jsonl');
    await writeFile(file, `${JSON.stringify(row(1))}\n{"id":2,"turns":[{"role":"robot","text":"x"}]}\n`);
    const error = await caught(readJsonl(file, Row));
    expect(error.line).toBe(2);
    expect(error.message).toContain(`${file}:2: turns.0.role: Invalid option`);
  });

  it('reports a missing file as a JsonlError', async () => {
    const error = await caught(readJsonl(join(dir, 'nope.jsonl'), Row));
    expect(error.message).toContain('file not found');
  });

  it('refuses to write rows that are not JSON', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const file = join(dir, 'x.jsonl');
    await expect(appendJsonl(file, [row(1), undefined])).rejects.toThrow(/row 1 cannot be written as JSON/);
    await expect(appendJsonl(file, [cyclic])).rejects.toThrow(JsonlError);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });
});

describe('torn last line', () => {
  async function tornFile(): Promise<string> {
    const file = join(dir, 'torn.jsonl');
    await appendJsonl(file, [row(1), row(2)]);
    await appendFile(file, JSON.stringify(row(3)).slice(0, 17));
    return file;
  }

  it('is an error by default, pointing at the last line', async () => {
    const error = await caught(readJsonl(await tornFile(), Row));
    expect(error.line).toBe(3);
    expect(error.hint).toMatch(/repairJsonl/);
  });

  it('is skipped with allowTornLastLine', async () => {
    expect(await readJsonl(await tornFile(), Row, { allowTornLastLine: true })).toEqual([row(1), row(2)]);
  });

  it('does not excuse a bad line in the middle', async () => {
    const file = join(dir, 'mid.jsonl');
    await writeFile(file, `{"id":1\n${JSON.stringify(row(2))}\n`);
    expect((await caught(readJsonl(file, Row, { allowTornLastLine: true }))).line).toBe(1);
  });

  it('is cut off by repairJsonl, after which appends continue cleanly', async () => {
    const file = await tornFile();
    expect(await repairJsonl(file)).toEqual({ kept: 2, droppedTornBytes: 17 });
    expect(await repairJsonl(file)).toEqual({ kept: 2, droppedTornBytes: 0 });
    await appendJsonl(file, [row(3)]);
    expect(await readJsonl(file, Row)).toEqual([row(1), row(2), row(3)]);
  });
});

describe('repairJsonl', () => {
  it('handles missing, empty, newline-free and blank-line files', async () => {
    expect(await repairJsonl(join(dir, 'missing.jsonl'))).toEqual({ kept: 0, droppedTornBytes: 0 });
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '');
    expect(await repairJsonl(empty)).toEqual({ kept: 0, droppedTornBytes: 0 });
    const noNewline = join(dir, 'one.jsonl');
    await writeFile(noNewline, '{"a":');
    expect(await repairJsonl(noNewline)).toEqual({ kept: 0, droppedTornBytes: 5 });
    expect(await readFile(noNewline, 'utf8')).toBe('');
    const blanks = join(dir, 'blanks.jsonl');
    await writeFile(blanks, '{"a":1}\n\n  \r\n{"a":2}\n{"a');
    expect(await repairJsonl(blanks)).toEqual({ kept: 2, droppedTornBytes: 3 });
  });

  it('counts bytes, not characters, across chunk boundaries', async () => {
    const file = join(dir, 'big.jsonl');
    const rows = Array.from({ length: 3000 }, (_, i) => ({ i, text: 'é'.repeat(20) }));
    await appendJsonl(file, rows);
    await appendFile(file, '{"i":"ééé');
    expect(await repairJsonl(file)).toEqual({ kept: 3000, droppedTornBytes: Buffer.byteLength('{"i":"ééé') });
    expect(await readJsonl(file, z.unknown())).toHaveLength(3000);
  });
});

describe('writeJsonlAtomic', () => {
  it('replaces the content and leaves no temp files', async () => {
    const file = join(dir, 'out', 'rows.jsonl');
    await writeJsonlAtomic(file, [row(1), row(2)]);
    await writeJsonlAtomic(file, [row(9)]);
    expect(await readJsonl(file, Row)).toEqual([row(9)]);
    expect(await readdir(join(dir, 'out'))).toEqual(['rows.jsonl']);
  });
});
