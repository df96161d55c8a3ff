/**
 * Reads task specs from YAML and says exactly where a file is wrong: YAML syntax errors and
 * schema errors both come back as `file:line:column: message`.
 *
 * @example
 * const spec = await loadTaskSpecFile('tasks/my-task.yaml');
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { ReverieError } from '../errors.ts';
import { taskSpecSchema } from './spec.ts';
import type { TaskSpec } from './spec.ts';

export class TaskSpecError extends ReverieError {
  override readonly name = 'TaskSpecError';
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, column: number | undefined, message: string) {
    const where = line === undefined ? file : `${file}:${line}${column === undefined ? '' : `:${column}`}`;
    super(`${where}: ${message}`, { hint: 'Fix the task file; the README documents every field of a task spec.' });
    this.file = file;
    this.line = line;
  }
}

export const parseTaskSpec = (text: string, file = '<task spec>'): TaskSpec => {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const positionOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset));
  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    const position = positionOf(syntaxError.pos[0]);
    throw new TaskSpecError(file, position?.line, position?.col, syntaxError.message.split('\n')[0] ?? 'invalid YAML');
  }
  const result = taskSpecSchema.safeParse(document.toJS());
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new TaskSpecError(file, undefined, undefined, 'invalid task spec');
  // Point at the deepest node that exists on the issue's path: for a missing key, its parent.
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  let node: unknown;
  for (let depth = path.length; depth >= 0 && !isNode(node); depth -= 1) node = document.getIn(path.slice(0, depth), true);
  const position = isNode(node) ? positionOf(node.range?.[0]) : undefined;
  const field = path.length > 0 ? `${path.join('.')}: ` : '';
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new TaskSpecError(file, position?.line, position?.col, `${field}${issue.message}${keys}`);
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
