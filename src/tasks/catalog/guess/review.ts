/**
 * How an agent guessed, read from a finished conversation the way the behaviour agents read it:
 * each guess either fits every answer the user gave before it (and names an item not already
 * rejected) or not, and a guess may repeat one the user already said no to. Evaluation reports
 * these shares for guessing tasks: they tell an agent that combines the answers from one that
 * guesses from a memorised branch. It also counts the turns that ask a question, and those that
 * ask about an attribute the user already said they do not know ("I'm not sure about that"): the
 * answer will be the same, and the turn is lost.
 *
 * @example
 * reviewGuesses(catalog, turns) // → { guesses: 3, fitting: 2, repeated: 1, questions: 5, askedAgain: 1 }
 */
import type { Turn } from '../../../task/types.ts';
import { sentencesOf } from '../../scripted.ts';
import type { CatalogItem, GuessingCatalog } from '../model.ts';
import { attributeNamed } from '../model.ts';
import { normalise, readAgentText } from '../reading.ts';
import { readKnowledge } from './knowledge.ts';

export type GuessReview = { guesses: number; fitting: number; repeated: number; questions: number; askedAgain: number };

/** Lower case, without the closing punctuation: how an answer sentence and a template are compared. */
const bare = (text: string): string => normalise(text).trim().replace(/[.!?]+$/, '');

/** Whether `sentence` is one of the attribute's "I do not know" answers. */
const saysUnsure = (catalog: GuessingCatalog, attribute: string, sentence: string): boolean =>
  attributeNamed(catalog, attribute).answers.unsure.some((template) => bare(template) === bare(sentence));

export const reviewGuesses = (catalog: GuessingCatalog, turns: readonly Turn[]): GuessReview => {
  const review: GuessReview = { guesses: 0, fitting: 0, repeated: 0, questions: 0, askedAgain: 0 };
  const guessed = new Set<CatalogItem>();
  const unknown = new Set<string>();
  turns.forEach((turn, at) => {
    if (turn.role !== 'agent') return;
    const { items, asked } = readAgentText(catalog, turn.text);
    if (asked.length > 0) {
      review.questions += 1;
      if (asked.some((question) => unknown.has(question.attribute))) review.askedAgain += 1;
      // The user answers up to two questions, one sentence each, in the order asked (see user.ts).
      const sentences = sentencesOf(turns[at + 1]?.role === 'user' ? (turns[at + 1]?.text ?? '') : '');
      asked.slice(0, 2).forEach((question, i) => {
        if (saysUnsure(catalog, question.attribute, sentences[i] ?? '')) unknown.add(question.attribute);
      });
    }
    const item = items[0];
    if (items.length !== 1 || item === undefined) return;
    review.guesses += 1;
    if (guessed.has(item)) review.repeated += 1;
    else if (readKnowledge(catalog, turns.slice(0, at)).candidates.includes(item)) review.fitting += 1;
    guessed.add(item);
  });
  return review;
};
