import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reverie } from './support/reverie-cli.ts';

const objects = join(import.meta.dirname, '..', 'src', 'tasks', 'catalog', 'fixtures', 'objects.yaml');
const travelSpec = join(import.meta.dirname, '..', 'src', 'tasks', 'travel', 'task.yaml');

describe('reverie check, init and tasks FILE', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a clean catalog and tells what the simulated user understands', async () => {
    const { code, stdout } = await reverie('check', objects);
    expect(code).toBe(0);
    expect(stdout).toContain('guessing catalog "objects": 7 items, 4 attributes');
    expect(stdout).toContain('every item can be told apart by questions');
    expect(stdout).toContain('  "Can you eat it?" (edible = yes) → apple: "Yes, you can eat it."');
    expect(stdout.trim().split('\n').at(-1)).toBe(`${objects}: ok`);
  });

  it('prints every problem as file:line:col: error: message with a hint, and exits 1', async () => {
    const file = join(dir, 'broken.yaml');
    const text = (await readFile(objects, 'utf8'))
      .replace("compare: ['Does it weigh more than {number} grams?']", "compare: ['Is its weight around {number} grams?']")
      .replace('{name: key,', '{name: key, aliases: [sheet of paper],');
    await writeFile(file, text);
    const { code, stdout } = await reverie('check', file, travelSpec);
    expect(code).toBe(1);
    const errors = stdout.split('\n').filter((line) => line.includes(': error: '));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: error: items\\.3\\.aliases\\.0: "sheet of paper" names both paper and key$`));
    expect(stdout).toMatch(/^ {2}hint: A name or alias may belong to one item only/m);
    expect(stdout).toContain(`${file}: 3 errors: the catalog does not load`);
    // The task spec after it is still checked.
    expect(stdout).toContain(`${travelSpec}: ok`);
  });

  it('checks a task spec, reporting every schema problem', async () => {
    const file = join(dir, 'spec.yaml');
    await writeFile(file, (await readFile(travelSpec, 'utf8')).replace('maxTurns: 10', 'maxTurns: ten').replace(/^name: travel$/m, 'name: Travel'));
    const { code, stdout } = await reverie('check', file);
    expect(code).toBe(1);
    expect(stdout).toMatch(/spec\.yaml:\d+:7: error: name: use lowercase letters, digits and dashes, starting with a letter\n {2}hint: A task name is lowercase/);
    expect(stdout).toMatch(/spec\.yaml:\d+:11: error: maxTurns: /);
  });

  it('a catalog naming a task spec file reports every problem of that file, each at its line', async () => {
    await writeFile(join(dir, 'bad-spec.yaml'), 'name: Bad\ntitle: Bad\n');
    const catalog = join(dir, 'with-spec.yaml');
    await writeFile(catalog, (await readFile(objects, 'utf8')).replace(/^task:\n(  .*\n)+/m, 'task: bad-spec.yaml\n'));
    const { code, stdout } = await reverie('check', catalog);
    expect(code).toBe(1);
    expect(stdout).toContain(`${join(dir, 'bad-spec.yaml')}:1:7: error: name: use lowercase letters`);
    expect(stdout).toContain(`${join(dir, 'bad-spec.yaml')}:1:1: error: maxTurns: missing (expected number)`);
  });

  it('tasks FILE checks the file; tasks alone lists the built-in tasks and points to init and check', async () => {
    expect((await reverie('tasks', objects)).stdout).toContain(`${objects}: ok`);
    const { stdout } = await reverie('tasks');
    expect(stdout).toContain('`reverie init` writes a starting catalog, `reverie check FILE` checks it');
  });

  it('init writes a starting catalog that check passes and demo runs, and never overwrites', async () => {
    for (const family of ['guessing', 'recommendation']) {
      const name = `my-${family}`;
      const made = await reverieIn(dir, 'init', '--catalog', family, name);
      expect(made.code).toBe(0);
      const file = join(dir, `${name}.yaml`);
      expect((await reverie('check', file)).code).toBe(0);
      const demo = await reverie('demo', '--task', file, '--out', join(dir, `run-${family}`), '-n', '60', '--steps', '4', '--episodes', '4', '--validation-episodes', '4', '--betas', '0');
      expect(demo.code).toBe(0);
      expect(demo.stdout).toContain('| oracle');
      const again = await reverieIn(dir, 'init', '--catalog', family, name);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already exists; init never overwrites a file/);
    }
    expect((await reverieIn(dir, 'init', 'My Task')).stderr).toMatch(/"My Task" cannot name a task\nhint: Use lowercase letters/);
  }, 120_000);
});

/** Runs reverie with `dir` as the working directory, as a user in an empty folder would. */
const reverieIn = async (dir: string, ...args: string[]) => {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await reverie(...args);
  } finally {
    process.chdir(previous);
  }
};
