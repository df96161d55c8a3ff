/**
 * What a guesser knows from the conversation, read from the text alone: each question it asked
 * and the user's yes or no, each wrong guess, and so the items still possible. Also the
 * questions an agent can ask, and how evenly each splits the items still possible.
 *
 * @example
 * readKnowledge(catalog, turns).candidates.length // → 12 after "Is it in Europe?" "Yes, Europe." …
 */
import { sentencesOf } from '../../scripted.ts';
import type { Turn } from '../../../task/types.ts';
import type { Rng } from '../../../util/rng.ts';
import type { CatalogItem, GuessingCatalog } from '../model.ts';
import { askTemplates, hasValue, holds, knows } from '../model.ts';
import { compares } from '../numbers.ts';
import { choose } from '../phrase.ts';
import { thresholdQuestion, valueQuestion } from '../questions.ts';
import { normalise, readAgentText, valuesMentioned } from '../reading.ts';
import type { Question } from '../reading.ts';

export type Knowledge = {
  candidates: CatalogItem[];
  /** Keys of the questions already asked (see `questionKeys`). */
  asked: Set<string>;
  /** The user warned that the next turn is their last. */
  lastChance: boolean;
};

/** The keys of the askable questions a question covers (one per value it names). */
export const questionKeys = (question: Question): string[] =>
  question.compare !== undefined ? [`${question.attribute}>${question.compare.value}`] : question.offered.map((value) => `${question.attribute}=${value}`);

/** What a yes or no to a question says about an item; undefined when it says nothing. */
const constraint = (catalog: GuessingCatalog, question: Question, sentence: string): ((item: CatalogItem) => boolean) | undefined => {
  const yes = /^yes\b/.test(sentence);
  if (!yes && !/^no\b/.test(sentence)) return undefined;
  const { attribute, offered, compare } = question;
  if (compare !== undefined) return (item) => item.numbers[attribute] !== undefined && compares(compare, item.numbers[attribute]) === yes;
  if (offered.length === 0) return undefined;
  if (!yes) return (item) => knows(item, attribute) && offered.every((value) => !hasValue(item, attribute, value));
  const declared = catalog.attributes.find((each) => each.name === attribute);
  // A yes names the values that hold ("Yes, English and French."); some of them is all that is sure,
  // since one word can name two values ("German" is also how Swiss German is asked about).
  const named = declared === undefined || offered.length === 1 ? [] : valuesMentioned(declared, sentence).filter((value) => offered.includes(value));
  return (item) => (named.length > 0 ? named : offered).some((value) => hasValue(item, attribute, value));
};

export const readKnowledge = (catalog: GuessingCatalog, turns: readonly Turn[]): Knowledge => {
  const tests: ((item: CatalogItem) => boolean)[] = [];
  const wrong = new Set<CatalogItem>();
  const asked = new Set<string>();
  let lastChance = false;
  turns.forEach((turn, index) => {
    if (turn.role !== 'agent') return;
    const reading = readAgentText(catalog, turn.text);
    for (const key of reading.asked.flatMap(questionKeys)) asked.add(key);
    const reply = turns[index + 1];
    if (reply?.role !== 'user') return;
    const answer = normalise(reply.text);
    lastChance = /\bone more try\b/.test(answer);
    const guessed = reading.items[0];
    if (reading.items.length === 1 && guessed !== undefined && /^no\b/.test(answer)) wrong.add(guessed);
    const sentences = sentencesOf(answer);
    reading.asked.slice(0, 2).forEach((question, at) => {
      const test = constraint(catalog, question, sentences[at] ?? '');
      if (test !== undefined) tests.push(test);
    });
  });
  const candidates = catalog.items.filter((item) => !wrong.has(item) && tests.every((test) => test(item)));
  return { candidates, asked, lastChance };
};

/** A yes/no question an agent can ask: its key, what a yes means for an item, and how to say it. */
export type Askable = { key: string; test: (item: CatalogItem) => boolean | undefined; say: (rng: Rng) => string };

export const askables = (catalog: GuessingCatalog): Askable[] =>
  catalog.attributes.flatMap((attribute) => [
    ...attribute.values
      .filter((value) => askTemplates(attribute, value).length > 0)
      .map((value) => ({
        key: `${attribute.name}=${value.name}`,
        test: (item: CatalogItem) => (knows(item, attribute.name) ? holds(attribute, item, value.name) : undefined),
        say: (rng: Rng) => valueQuestion(choose(rng, askTemplates(attribute, value)), value),
      })),
    ...(attribute.compare.length === 0
      ? []
      : attribute.thresholds.map((threshold) => ({
          key: `${attribute.name}>${threshold}`,
          test: (item: CatalogItem) => (item.numbers[attribute.name] === undefined ? undefined : (item.numbers[attribute.name] as number) > threshold),
          say: (rng: Rng) => thresholdQuestion(choose(rng, attribute.compare), threshold),
        }))),
  ]);

/** How far a question is from halving the candidates: 0 is a perfect split, 1 tells nothing. */
export const splitCost = (askable: Askable, candidates: readonly CatalogItem[]): number => {
  let yes = 0;
  let no = 0;
  for (const item of candidates) {
    const answer = askable.test(item);
    if (answer === true) yes += 1;
    else if (answer === false) no += 1;
  }
  return yes === 0 || no === 0 ? 1 : Math.abs(yes - no) / (yes + no);
};
