/**
 * The README and the pages under docs/ name only things that exist: every linked file and
 * heading, every file path in the text, every `reverie` command and its flags, every
 * `npm run` script; the README stays a front page (at most 20 KB) and its task spec example parses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTaskSpec } from '../src/task/load.ts';

const root = join(import.meta.dirname, '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const text = (page: string): string => readFileSync(join(root, page), 'utf8');

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to dashes. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchors = (page: string): Set<string> => new Set([...text(page).matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] as string)));

/** Every flag a command's files define, with the shared flag helpers. */
const cliFiles = readdirSync(join(root, 'src', 'cli')).filter((name) => name.endsWith('.ts'));
const commands = new Map<string, Set<string>>();
for (const file of cliFiles) {
  const source = readFileSync(join(root, 'src', 'cli', file), 'utf8');
  for (const match of source.matchAll(/\.command\('([a-z-]+)'\)/g)) commands.set(match[1] as string, new Set());
}
const sharedFlags = ['agent-options.ts', 'llm-config.ts', 'embeddings-options.ts']
  .filter((file) => cliFiles.includes(file))
  .flatMap((file) => [...readFileSync(join(root, 'src', 'cli', file), 'utf8').matchAll(/'(?:-[a-z], )?(--[a-z][a-z-]*)/g)].map((match) => match[1] as string));
for (const [command, flags] of commands) {
  const file = cliFiles.find((name) => readFileSync(join(root, 'src', 'cli', name), 'utf8').includes(`.command('${command}')`)) as string;
  for (const match of readFileSync(join(root, 'src', 'cli', file), 'utf8').matchAll(/'(?:-[a-z], )?(--[a-z][a-z-]*)/g)) flags.add(match[1] as string);
  for (const flag of [...sharedFlags, '--help']) flags.add(flag);
}
const scripts = Object.keys((JSON.parse(text('package.json')) as { scripts: Record<string, string> }).scripts);

/** The code of a page: fenced blocks and inline code, where paths and commands are written. */
const codeOf = (markdown: string): string[] => [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g), ...markdown.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] as string);

describe.each(pages)('%s', (page) => {
  const markdown = text(page);

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] as string;
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? page : join(dirname(page), path);
      if (!existsSync(join(root, file))) broken.push(target);
      else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });

  it('names only files that exist', () => {
    const paths = [...markdown.matchAll(/(?<![\w/.-])((?:src|test|bench|docs|scripts|bin)\/[\w./-]+\.(?:ts|mjs|md|yaml|json))\b/g)].map((match) => match[1] as string);
    expect(paths.filter((path) => !existsSync(resolve(root, path)))).toEqual([]);
  });

  it('names only commands, flags and npm scripts that exist', () => {
    const unknown: string[] = [];
    for (const code of codeOf(markdown)) {
      for (const line of code.split('\n')) {
        for (const match of line.matchAll(/(?:^|[\s`(])reverie ([a-z][a-z-]*)((?:[^|#;&]|\\\|)*)/g)) {
          const flags = commands.get(match[1] as string);
          if (flags === undefined) {
            unknown.push(`reverie ${match[1]}`);
            continue;
          }
          for (const flag of (match[2] as string).matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)) if (!flags.has(flag[1] as string)) unknown.push(`reverie ${match[1]} ${flag[1]}`);
        }
        for (const match of line.matchAll(/npm run ([a-z][\w:-]*)/g)) if (!scripts.includes(match[1] as string)) unknown.push(`npm run ${match[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe('README.md', () => {
  it('is a front page of at most 20 KB', () => {
    expect(Buffer.byteLength(text('README.md'))).toBeLessThanOrEqual(20 * 1024);
  });

  it('shows a task spec that parses', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(text('README.md'))?.[1];
    expect(parseTaskSpec(yaml as string, 'README.md').name).toBe('tutoring');
  });
});
