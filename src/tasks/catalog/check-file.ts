/**
 * `reverie check`'s work: reads task specs and catalogs, runs every load-time check without
 * imagining anything, and says what was found: each problem with its hint, and for a catalog
 * that loads, what a user needs to know about it (see summary.ts).
 *
 * @example
 * const result = await checkTaskFile('objects.yaml');
 * process.stdout.write(formatCheck(result));
 */
import { readFile } from 'node:fs/promises';
import { formatProblem, taskSpecProblems } from '../../task/check.ts';
import type { FileProblem } from '../../task/check.ts';
import { isCatalogFile } from './detect.ts';
import { inspectCatalog } from './load.ts';
import { summariseCatalog } from './summary.ts';

export type CheckResult = { file: string; kind: 'catalog' | 'task spec'; problems: FileProblem[]; summary: string[] };

export const checkTaskFile = async (file: string): Promise<CheckResult> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    return { file, kind: 'task spec', problems: [{ file, position: undefined, severity: 'error', message: `cannot read the file (${code})`, hint: 'Check the path; `reverie init` writes a starting file.' }], summary: [] };
  }
  if (!isCatalogFile(file)) {
    const problems = taskSpecProblems(text, file);
    return { file, kind: 'task spec', problems, summary: problems.length > 0 ? [] : ['task spec: runs with an LLM (--model); it has no offline simulator, which a catalog file gives'] };
  }
  const { catalog, problems } = await inspectCatalog(text, file);
  const loads = catalog !== undefined && !problems.some((problem) => problem.severity === 'error');
  return { file, kind: 'catalog', problems, summary: loads ? summariseCatalog(catalog) : [] };
};

export const errorCount = (results: readonly CheckResult[]): number => results.reduce((sum, result) => sum + result.problems.filter((problem) => problem.severity === 'error').length, 0);

/** Problems first, then the summary; one line at the end says whether the file is ready. */
export const formatCheck = (result: CheckResult): string => {
  const errors = result.problems.filter((problem) => problem.severity === 'error').length;
  const warnings = result.problems.length - errors;
  const verdict =
    errors > 0
      ? `${result.file}: ${errors} error${errors === 1 ? '' : 's'}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}: the ${result.kind} does not load`
      : `${result.file}: ok${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`;
  return [...result.problems.map(formatProblem), ...result.summary, verdict, ''].join('\n');
};
