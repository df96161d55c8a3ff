/**
 * Reads task specs from YAML and says exactly where a file is wrong: YAML syntax errors and
 * schema errors both come back as `file:line:column: message`.
 *
 * @example
 * const spec = await loadTaskSpecFile('tasks/my-task.yaml');
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { taskSpecProblems } from './check.ts';
import { ReverieError } from '../errors.ts';
import { taskSpecSchema } from './spec.ts';
import type { TaskSpec } from './spec.ts';

export class TaskSpecError extends ReverieError {
  override readonly name = 'TaskSpecError';
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, column: number | undefined, message: string) {
    const where = line === undefined ? file : `${file}:${line}${column === undefined ? '' : `:${column}`}`;
    super(`${where}: ${message}`, { hint: 'Fix the task file; docs/task-format.md lists every field of a task spec.' });
    this.file = file;
    this.line = line;
  }
}

export const parseTaskSpec = (text: string, file = '<task spec>'): TaskSpec => {
  const problem = taskSpecProblems(text, file)[0];
  if (problem !== undefined) throw new TaskSpecError(file, problem.position?.line, problem.position?.col, problem.message);
  return taskSpecSchema.parse(parseDocument(text).toJS());
};

export const loadTaskSpecFile = async (file: string): Promise<TaskSpec> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new TaskSpecError(file, undefined, undefined, `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  return parseTaskSpec(text, file);
};
