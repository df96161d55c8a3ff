import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reverie } from './support/reverie-cli.ts';

describe('reverie command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Nine processes, each loading the CLI: seconds apiece on a busy 2-core machine.
  it('has --help on every command', async () => {
    for (const command of ['demo', 'imagine', 'train', 'eval', 'chat', 'serve', 'tasks', 'check', 'init']) {
      const { code, stdout } = await reverie(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: reverie ${command}`);
    }
  }, 120_000);

  it('runs the demo on every built-in task with --task all, each in its own folder', async () => {
    const out = join(dir, 'all');
    const { code, stdout } = await reverie('demo', '--task', 'all', '--out', out, '-n', '60', '--steps', '4', '--episodes', '4', '--validation-episodes', '4', '--betas', '0');
    expect(code).toBe(0);
    expect([...stdout.matchAll(/^## (\w+)$/gm)].map((match) => match[1])).toEqual(['countries', 'instruction', 'persuasion', 'travel']);
    for (const task of ['countries', 'instruction', 'persuasion', 'travel']) {
      const results = JSON.parse(await readFile(join(out, task, 'results.json'), 'utf8')) as { task: string; agents: { name: string }[] };
      expect(results.task).toBe(task);
      expect(results.agents.map((agent) => agent.name)).toEqual(['behaviour', 'naive', 'bc', 'fbc', 'mc', 'ilql', 'oracle']);
    }
  }, 120_000);

  it('lists every built-in task', async () => {
    const { code, stdout } = await reverie('tasks');
    expect(code).toBe(0);
    const [list = '', pointer = ''] = stdout.split('\n\n');
    expect(list.split('\n').map((line) => line.split(' ')[0])).toEqual(['countries', 'instruction', 'persuasion', 'travel']);
    expect(pointer).toMatch(/reverie init.*reverie check FILE/);
    expect(stdout).toMatch(/^persuasion  Persuading a reluctant donor: .*\(success ≥ 0\.5, at most 8 agent turns\)$/m);
  });

  it('lists the known tasks when a task is unknown', async () => {
    const { code, stderr } = await reverie('imagine', '--task', 'nope');
    expect(code).toBe(1);
    expect(stderr).toContain('unknown task "nope"; the built-in tasks are: countries, instruction, persuasion, travel');
    expect(stderr).not.toContain('    at ');
  });

  it('names the file and line of a malformed dataset line', async () => {
    const file = join(dir, 'bad.jsonl');
    const good = { id: 'a', task: 'travel', persona: {}, turns: [{ role: 'user', text: 'hi' }], reward: 0, success: false, meta: {} };
    await writeFile(file, `${JSON.stringify(good)}\n{"id": "b", oops\n`);
    const { code, stderr } = await reverie('train', '--data', file, '--out', join(dir, 'model'));
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:2:`);
  });

  it('rejects a bad flag value with the flag name', async () => {
    const { code, stderr } = await reverie('imagine', '--task', 'travel', '-n', 'many');
    expect(code).not.toBe(0);
    expect(stderr).toContain('--dialogues must be a positive integer, got "many"');
  });

  it('imagines a small dataset and prints what it holds', async () => {
    const out = join(dir, 'data');
    const { code, stdout } = await reverie('imagine', '--task', 'travel', '-n', '40', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('| all ');
    expect(stdout).toContain(`40 new, 0 already there → ${join(out, 'dialogues.jsonl')}`);
  });

  it('trains with --belief-weight into a checkpoint that records the belief, and evaluates it', async () => {
    const data = join(dir, 'belief-data');
    expect((await reverie('imagine', '--task', 'travel', '-n', '40', '--out', data)).code).toBe(0);
    const checkpoint = join(dir, 'belief-ilql');
    const trained = await reverie('train', '--data', join(data, 'dialogues.jsonl'), '--algorithm', 'ilql', '--steps', '5', '--belief-weight', '1', '--out', checkpoint);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/belief \d/);
    const config = JSON.parse(await readFile(join(checkpoint, 'config.json'), 'utf8'));
    expect(config.network.belief.map((field: { name: string }) => field.name)).toContain('kind');
    const evaluated = await reverie('eval', '--task', 'travel', '--agent', `ilql=${checkpoint}`, '--episodes', '4', '--out', join(dir, 'belief-eval'));
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain('ILQL (utterance-level)');
  }, 120_000);
});
