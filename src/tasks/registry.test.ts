import { describe, expect, it } from 'vitest';
import { ReverieError } from '../errors.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInTaskNames, hasSimulator, loadBuiltInTask, resolveTaskSpec, UnknownTaskError } from './registry.ts';
import { TaskSpecError } from '../task/load.ts';

describe('built-in tasks', () => {
  it('lists the tasks with a simulator', () => {
    expect(builtInTaskNames()).toEqual(['countries', 'instruction', 'persuasion', 'travel']);
  });

  it('loads travel with its spec', async () => {
    const task = await loadBuiltInTask('travel');
    expect(task.spec.name).toBe('travel');
    expect(task.behaviours.length).toBeGreaterThan(0);
  });

  it('an unknown task throws UnknownTaskError listing the built-in tasks', async () => {
    const error = await loadBuiltInTask('cooking').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnknownTaskError);
    expect(ReverieError.isInstance(error)).toBe(true);
    const unknown = error as UnknownTaskError;
    expect(unknown.task).toBe('cooking');
    expect(unknown.name).toBe('UnknownTaskError');
    expect(unknown.message).toContain('"cooking"');
    expect(unknown.message).toMatch(/built-in tasks are: .*\btravel\b/);
    expect(unknown.hint).toMatch(/--task/);
  });
});

describe('resolveTaskSpec', () => {
  it('finds the specs of built-in tasks by name', async () => {
    expect((await resolveTaskSpec('travel')).name).toBe('travel');
    const instruction = await resolveTaskSpec('instruction');
    expect(instruction.critique.length).toBeGreaterThan(0);
    expect(instruction.user.hiddenParameters.map((parameter) => parameter.name)).toContain('self-assessment');
    expect((await resolveTaskSpec('persuasion')).maxTurns).toBe(8);
    expect(hasSimulator('travel')).toBe(true);
    expect(hasSimulator('instruction')).toBe(true);
    expect(hasSimulator('persuasion')).toBe(true);
    expect(hasSimulator('my-task.yaml')).toBe(false);
  });

  it('reads a path as a file, even one named like a built-in task, and names the file on errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reverie-spec-'));
    try {
      const file = join(dir, 'travel.yaml');
      await writeFile(file, 'name: mine\ntitle: Mine\ndescription: d\nagent: {role: r, goal: g}\nuser: {description: u}\nsuccess: {description: s, threshold: 0.5}\nmaxTurns: 3\n');
      expect((await resolveTaskSpec(file)).name).toBe('mine');
      await expect(resolveTaskSpec(join(dir, 'missing.yaml'))).rejects.toBeInstanceOf(TaskSpecError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a catalog file (top-level `family:`) is a task with a simulator, by path', async () => {
    const catalog = fileURLToPath(new URL('./catalog/fixtures/restaurants.yaml', import.meta.url));
    expect(hasSimulator(catalog)).toBe(true);
    expect((await resolveTaskSpec(catalog)).name).toBe('restaurants');
    const task = await loadBuiltInTask(catalog);
    expect(task.spec.name).toBe('restaurants');
    expect(task.behaviours.map((behaviour) => behaviour.name)).toEqual(['eager', 'open-questions', 'narrow-options', 'random-mix']);
    expect((await loadBuiltInTask('countries')).spec.name).toBe('countries');
  });

  it('lists every built-in spec for an unknown name', async () => {
    await expect(resolveTaskSpec('cooking')).rejects.toThrow('the built-in tasks are: countries, instruction, persuasion, travel');
  });
});
