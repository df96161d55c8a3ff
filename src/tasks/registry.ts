/**
 * The built-in tasks, by name, each with a programmatic simulator so every command runs on it
 * offline; and task specs read from YAML files, for imagination and evaluation with an LLM.
 * A catalog file (YAML with a top-level `family:`) is a task with a simulator too, wherever a
 * task name is accepted.
 *
 * @example
 * const task = await loadBuiltInTask('travel');
 */
import { ReverieError } from '../errors.ts';
import { isCatalogFile } from './catalog/detect.ts';
import { loadCatalogFile } from './catalog/load.ts';
import { loadCatalogTask } from './catalog/task.ts';
import { loadCountriesTask } from './countries/index.ts';
import { loadInstructionTask } from './instruction/index.ts';
import { loadPersuasionTask } from './persuasion/index.ts';
import { loadTravelTask } from './travel/index.ts';
import { loadTaskSpecFile } from '../task/load.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { TaskSimulator } from '../task/types.ts';

const builtInTasks: Record<string, () => Promise<TaskSimulator<unknown>>> = {
  travel: loadTravelTask as () => Promise<TaskSimulator<unknown>>,
  instruction: loadInstructionTask as () => Promise<TaskSimulator<unknown>>,
  persuasion: loadPersuasionTask as () => Promise<TaskSimulator<unknown>>,
  countries: loadCountriesTask as () => Promise<TaskSimulator<unknown>>,
};

export const builtInTaskNames = (): string[] => Object.keys(builtInTasks).sort();

export class UnknownTaskError extends ReverieError {
  override readonly name = 'UnknownTaskError';
  readonly task: string;

  constructor(task: string, known = builtInTaskNames(), hint = 'Pass one of the built-in task names with --task.') {
    super(`unknown task "${task}"; the built-in tasks are: ${known.join(', ')}`, { hint });
    this.task = task;
  }
}

/** Anything with a path separator or a .yaml/.yml ending is a file, so `my-task.yaml` never collides with a built-in name. */
const isFileName = (nameOrFile: string): boolean => /[\\/]|\.ya?ml$/i.test(nameOrFile);

/** A built-in task by name, or the task a catalog file describes. */
export const loadBuiltInTask = async (name: string): Promise<TaskSimulator<unknown>> => {
  if (isFileName(name) && isCatalogFile(name)) return loadCatalogTask(name);
  const load = builtInTasks[name];
  if (load === undefined) throw new UnknownTaskError(name);
  return load();
};

export const hasSimulator = (name: string): boolean => (isFileName(name) ? isCatalogFile(name) : name in builtInTasks);

/** A task spec from a built-in name, a task spec YAML file, or a catalog file (its embedded or referenced spec). */
export const resolveTaskSpec = async (nameOrFile: string): Promise<TaskSpec> => {
  if (isFileName(nameOrFile)) return isCatalogFile(nameOrFile) ? (await loadCatalogFile(nameOrFile)).spec : loadTaskSpecFile(nameOrFile);
  const load = builtInTasks[nameOrFile];
  if (load === undefined) {
    throw new UnknownTaskError(nameOrFile, builtInTaskNames(), 'Pass a built-in task name, or the path of a task spec or catalog YAML file, with --task.');
  }
  return (await load()).spec;
};
