/**
 * Checks a task spec without loading anything else: every schema problem at once, each with its
 * line and column and a hint, in the `file:line:col: error: message` form compilers print.
 *
 * @example
 * taskSpecProblems(await readFile('shop.yaml', 'utf8'), 'shop.yaml')
 * // → [{ file: 'shop.yaml', position: { line: 12, col: 11 }, severity: 'error', message: 'maxTurns: Invalid input: expected number, received string', hint: … }]
 */
import { LineCounter, isNode, parseDocument } from 'yaml';
import { taskSpecSchema } from './spec.ts';

export type Severity = 'error' | 'warning';

/** One problem in a file, at a 1-based line and column when the YAML has one. */
export type FileProblem = { file: string; position: { line: number; col: number } | undefined; severity: Severity; message: string; hint: string };

export const taskSpecHint = 'docs/task-format.md lists every field of a task spec with an example.';

/** `file:line:col: error: message` and the hint on the next line, so editors can jump to it. */
export const formatProblem = (problem: FileProblem): string => {
  const where = problem.position === undefined ? problem.file : `${problem.file}:${problem.position.line}:${problem.position.col}`;
  return `${where}: ${problem.severity}: ${problem.message}\n  hint: ${problem.hint}`;
};

const fieldHint = (path: readonly (string | number)[], code: string): string => {
  if (code === 'unrecognized_keys') return `Check the key's spelling; ${taskSpecHint}`;
  if (path[0] === 'name') return 'A task name is lowercase letters, digits and dashes, starting with a letter ("gift-shop").';
  if (path.at(-1) === 'threshold' || path[0] === 'turnCost') return 'A number between 0 and 1.';
  return taskSpecHint;
};

/** zod says "expected string, received undefined" for a field left out; say so plainly. */
export const missingOr = (issue: { code: string; message: string; expected?: unknown }): string =>
  issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? `missing (expected ${String(issue.expected)})` : issue.message;

export const taskSpecProblems = (text: string, file: string): FileProblem[] => {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const positionOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset));
  if (document.errors.length > 0) {
    return document.errors.map((error) => ({ file, position: positionOf(error.pos[0]), severity: 'error', message: error.message.split('\n')[0] ?? 'invalid YAML', hint: 'Fix the YAML syntax; quote text that contains ": " or starts with a symbol.' }));
  }
  const result = taskSpecSchema.safeParse(document.toJS());
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    // Point at the deepest node that exists on the issue's path: for a missing key, its parent.
    const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
    let node: unknown;
    for (let depth = path.length; depth >= 0 && !isNode(node); depth -= 1) node = document.getIn(path.slice(0, depth), true);
    const position = isNode(node) ? positionOf(node.range?.[0]) : undefined;
    const field = path.length > 0 ? `${path.join('.')}: ` : '';
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return { file, position, severity: 'error', message: `${field}${missingOr(issue)}${keys}`, hint: fieldHint(path, issue.code) };
  });
};
