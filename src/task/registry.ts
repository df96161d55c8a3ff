/**
 * The built-in tasks, by name. Each comes with a programmatic simulator, so every command
 * runs on it offline.
 *
 * @example
 * const task = await loadBuiltInTask('travel');
 */
import { ReverieError } from '../errors.ts';
import { loadTravelTask } from '../tasks/travel/index.ts';
import type { TaskSimulator } from './types.ts';

const builtInTasks: Record<string, () => Promise<TaskSimulator<unknown>>> = {
  travel: loadTravelTask as () => Promise<TaskSimulator<unknown>>,
};

export const builtInTaskNames = (): string[] => Object.keys(builtInTasks).sort();

export class UnknownTaskError extends ReverieError {
  override readonly name = 'UnknownTaskError';
  readonly task: string;

  constructor(task: string) {
    super(`unknown task "${task}"; the built-in tasks are: ${builtInTaskNames().join(', ')}`, {
      hint: 'Pass one of the built-in task names with --task.',
    });
    this.task = task;
  }
}

export const loadBuiltInTask = async (name: string): Promise<TaskSimulator<unknown>> => {
  const load = builtInTasks[name];
  if (load === undefined) throw new UnknownTaskError(name);
  return load();
};
