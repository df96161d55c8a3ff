/**
 * Every whole-catalog check, run after the catalog compiles: names, recognised words, and the
 * read-back of every question. They report all they find; the loader refuses a catalog with
 * any error and `reverie check` prints each problem with its hint.
 *
 * @example
 * const problems = catalogProblems(catalog, { itemPath, recognisers });
 */
import type { Catalog } from '../model.ts';
import type { Problem } from '../problems.ts';
import { answerProblems } from './answers.ts';
import { nameProblems } from './names.ts';
import type { ItemPath } from './names.ts';
import { wordProblems } from './words.ts';

export type { ItemPath } from './names.ts';

export type CheckContext = {
  itemPath: ItemPath;
  /** The `recognise` entries a value was written with (the loaded model keeps only patterns). */
  recognisers: (attribute: string, value: string) => readonly string[];
};

export const catalogProblems = (catalog: Catalog, context: CheckContext): Problem[] => [
  ...nameProblems(catalog, context.itemPath),
  ...wordProblems(catalog, context.recognisers),
  ...answerProblems(catalog),
];
