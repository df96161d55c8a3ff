/**
 * The README's library example, run exactly as printed: the code block after
 * `<!-- library-example -->` is written to a file that imports 'reverie' and run with Node in an
 * empty folder, where 'reverie' resolves to this checkout's sources; what it prints must be the
 * block after `<!-- library-example-output -->`, to the last digit.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

/** The fenced block right after an HTML comment marker in a Markdown text. */
export const blockAfter = (markdown: string, marker: string): string => {
  const at = markdown.indexOf(`<!-- ${marker} -->`);
  if (at < 0) throw new Error(`README.md has no <!-- ${marker} --> marker`);
  const fence = /```[a-z]*\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (fence === null) throw new Error(`README.md has no code block after <!-- ${marker} -->`);
  return fence[1] as string;
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-readme-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the README library example', () => {
  it('runs as printed and prints what the README shows', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const code = blockAfter(readme, 'library-example');
    expect(code).toContain("from 'reverie'");
    await writeFile(join(dir, 'example.mjs'), code);
    // tsx resolves the package name to the sources through this tsconfig's paths, so the example runs against the code as it is now.
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true, paths: { reverie: [join(root, 'src', 'index.ts')] } } }));
    const { stdout } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), 'example.mjs'], { cwd: dir, timeout: 600_000, maxBuffer: 1 << 24 });
    expect(stdout).toBe(blockAfter(readme, 'library-example-output'));
  }, 600_000);
});
