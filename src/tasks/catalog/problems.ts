/**
 * Problems found in a whole catalog at once: the checks that read every question and name back
 * the way the user simulator will, and report everything they find, not only the first thing.
 * A catalog with any error does not load; `reverie check` prints every problem with its hint.
 *
 * @example
 * const problems: Problem[] = [{ severity: 'error', path: ['items', 3, 'aliases'], message: '"paper" names two items', hint: 'Give each item its own names.' }];
 * throw new CatalogProblemsError('objects.yaml', locate(problems, yaml));
 */
import { CatalogError } from './errors.ts';
import type { LocatedYaml, Path } from './errors.ts';

import type { FileProblem, Severity } from '../../task/check.ts';

export { formatProblem } from '../../task/check.ts';

/** One problem, at a path in the file. */
export type Problem = { severity: Severity; path: Path; message: string; hint: string };

/** One problem with the file and position it is printed with. */
export type LocatedProblem = FileProblem;

export const locate = (file: string, yaml: Pick<LocatedYaml, 'positionOf'>, problems: readonly Problem[]): LocatedProblem[] =>
  problems.map((problem) => ({
    file,
    position: yaml.positionOf(problem.path),
    severity: problem.severity,
    message: problem.path.length > 0 ? `${problem.path.join('.')}: ${problem.message}` : problem.message,
    hint: problem.hint,
  }));


export const fromCatalogError = (error: CatalogError): LocatedProblem => ({ file: error.file, position: error.position, severity: 'error', message: error.problem, hint: error.hint ?? '' });

/** A catalog whose checks found errors: the first is the message, all of them are in `problems`. */
export class CatalogProblemsError extends CatalogError {
  override readonly name = 'CatalogProblemsError';
  readonly problems: readonly LocatedProblem[];

  constructor(file: string, problems: readonly LocatedProblem[]) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    const first = errors[0] ?? problems[0];
    if (first === undefined) throw new Error('unreachable: a problems error without problems');
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; \`reverie check ${file}\` lists them all)` : '';
    super(file, first.position, `${first.message}${more}`, first.hint);
    this.problems = problems;
  }
}
