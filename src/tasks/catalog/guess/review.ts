/**
 * How an agent guessed, read from a finished conversation the way the behaviour agents read it:
 * each guess either fits every answer the user gave before it (and names an item not already
 * rejected) or not, and a guess may repeat one the user already said no to. Evaluation reports
 * these shares for guessing tasks: they tell an agent that combines the answers from one that
 * guesses from a memorised branch.
 *
 * @example
 * reviewGuesses(catalog, turns) // → { guesses: 3, fitting: 2, repeated: 1 }
 */
import type { Turn } from '../../../task/types.ts';
import type { CatalogItem, GuessingCatalog } from '../model.ts';
import { readAgentText } from '../reading.ts';
import { readKnowledge } from './knowledge.ts';

export type GuessReview = { guesses: number; fitting: number; repeated: number };

export const reviewGuesses = (catalog: GuessingCatalog, turns: readonly Turn[]): GuessReview => {
  const review: GuessReview = { guesses: 0, fitting: 0, repeated: 0 };
  const guessed = new Set<CatalogItem>();
  turns.forEach((turn, at) => {
    if (turn.role !== 'agent') return;
    const items = readAgentText(catalog, turn.text).items;
    const item = items[0];
    if (items.length !== 1 || item === undefined) return;
    review.guesses += 1;
    if (guessed.has(item)) review.repeated += 1;
    else if (readKnowledge(catalog, turns.slice(0, at)).candidates.includes(item)) review.fitting += 1;
    guessed.add(item);
  });
  return review;
};
