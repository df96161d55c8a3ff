import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates parent folders and writes strings and bytes', async () => {
    const file = join(dir, 'a', 'b', 'x.txt');
    await writeFileAtomic(file, 'hello');
    expect(await readFile(file, 'utf8')).toBe('hello');
    await writeFileAtomic(file, new Uint8Array([0, 1, 255]));
    expect([...(await readFile(file))]).toEqual([0, 1, 255]);
  });

  it('replaces existing content and leaves no temp files behind', async () => {
    const file = join(dir, 'x.json');
    await writeFileAtomic(file, 'old content that is longer');
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['x.json']);
  });

  it('survives concurrent writers: the file holds exactly one of the writes', async () => {
    const file = join(dir, 'x.txt');
    const payloads = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000));
    await Promise.all(payloads.map((p) => writeFileAtomic(file, p)));
    expect(payloads).toContain(await readFile(file, 'utf8'));
    expect(await readdir(dir)).toEqual(['x.txt']);
  });

  it('removes the temp file and rethrows when the rename fails', async () => {
    const target = join(dir, 'taken');
    await mkdir(join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
