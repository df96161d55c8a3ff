import { describe, expect, it } from 'vitest';
import { ReverieError } from '../errors.ts';
import { builtInTaskNames, loadBuiltInTask, UnknownTaskError } from './registry.ts';

describe('built-in tasks', () => {
  it('lists travel', () => {
    expect(builtInTaskNames()).toContain('travel');
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
