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
import { rememberedPerOwner } from '../../../util/memo.ts';
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

/** What one exchange says: the questions it asked, the item it ruled out, the items it leaves. */
type Exchange = { keys: string[]; wrong: CatalogItem | undefined; fitting: Set<CatalogItem> | undefined; lastChance: boolean };

/**
 * Exchanges already read, per catalog: guessers, the judge and the guess reviewer read the whole
 * conversation again at every turn, and the same question and answer recur across thousands of
 * dialogues. An exchange's meaning depends on the catalog and its two texts alone.
 */
const exchanges = rememberedPerOwner((catalog: GuessingCatalog, key: string): Exchange => {
  const [said = '', reply] = key.split('\u0000');
  return readExchangeFresh(catalog, said, reply === '\u0001' ? undefined : reply);
});

const readExchange = (catalog: GuessingCatalog, said: string, reply: string | undefined): Exchange => exchanges(catalog, `${said}\u0000${reply ?? '\u0001'}`);

const readExchangeFresh = (catalog: GuessingCatalog, said: string, reply: string | undefined): Exchange => {
  const reading = readAgentText(catalog, said);
  const exchange: Exchange = { keys: reading.asked.flatMap(questionKeys), wrong: undefined, fitting: undefined, lastChance: false };
  if (reply !== undefined) {
    const answer = normalise(reply);
    exchange.lastChance = /\bone more try\b/.test(answer);
    const guessed = reading.items[0];
    if (reading.items.length === 1 && guessed !== undefined && /^no\b/.test(answer)) exchange.wrong = guessed;
    const sentences = sentencesOf(answer);
    const tests = reading.asked.slice(0, 2).flatMap((question, at) => constraint(catalog, question, sentences[at] ?? '') ?? []);
    if (tests.length > 0) exchange.fitting = new Set(catalog.items.filter((item) => tests.every((test) => test(item))));
  }
  return exchange;
};

export const readKnowledge = (catalog: GuessingCatalog, turns: readonly Turn[]): Knowledge => {
  const read = turns.flatMap((turn, index) => {
    if (turn.role !== 'agent') return [];
    const reply = turns[index + 1];
    return [{ answered: reply?.role === 'user', ...readExchange(catalog, turn.text, reply?.role === 'user' ? reply.text : undefined) }];
  });
  const wrong = new Set(read.flatMap((exchange) => exchange.wrong ?? []));
  const narrowing = read.flatMap((exchange) => exchange.fitting ?? []);
  return {
    candidates: catalog.items.filter((item) => !wrong.has(item) && narrowing.every((fitting) => fitting.has(item))),
    asked: new Set(read.flatMap((exchange) => exchange.keys)),
    // What the latest reply said: the user warns once, just before their last turn.
    lastChance: read.filter((exchange) => exchange.answered).at(-1)?.lastChance ?? false,
  };
};

/** A yes/no question an agent can ask: its key, what a yes means for an item, and how to say it. */
export type Askable = {
  key: string;
  test: (item: CatalogItem) => boolean | undefined;
  say: (rng: Rng) => string;
  /** `test` of every item in the catalog's order: 1 yes, 0 no, −1 unknown. */
  answers: Int8Array;
};

/**
 * Every item's answer, once (1 yes, 0 no, −1 unknown, in the catalog's item order): a guesser
 * ranks every question against every candidate at every turn, and the answers never change.
 */
const answersOf = (catalog: GuessingCatalog, test: Askable['test']): Int8Array => Int8Array.from(catalog.items, (item) => {
  const answer = test(item);
  return answer === undefined ? -1 : Number(answer);
});

const askable = (catalog: GuessingCatalog, key: string, test: Askable['test'], say: Askable['say']): Askable => ({ key, test, say, answers: answersOf(catalog, test) });

export const askables = (catalog: GuessingCatalog): Askable[] =>
  catalog.attributes.flatMap((attribute) => [
    ...attribute.values
      .filter((value) => askTemplates(attribute, value).length > 0)
      .map((value) =>
        askable(
          catalog,
          `${attribute.name}=${value.name}`,
          (item) => (knows(item, attribute.name) ? holds(attribute, item, value.name) : undefined),
          (rng) => valueQuestion(choose(rng, askTemplates(attribute, value)), value),
        ),
      ),
    ...(attribute.compare.length === 0
      ? []
      : attribute.thresholds.map((threshold) =>
          askable(
            catalog,
            `${attribute.name}>${threshold}`,
            (item) => (item.numbers[attribute.name] === undefined ? undefined : (item.numbers[attribute.name] as number) > threshold),
            (rng) => thresholdQuestion(choose(rng, attribute.compare), threshold),
          ),
        )),
  ]);

/**
 * How far a question is from halving the candidates: 0 is a perfect split, 1 tells nothing.
 * `candidates` are positions in the catalog's item list.
 */
export const splitCost = (askable: Askable, candidates: readonly number[]): number => {
  let yes = 0;
  let no = 0;
  for (const at of candidates) {
    const answer = askable.answers[at];
    if (answer === 1) yes += 1;
    else if (answer === 0) no += 1;
  }
  return yes === 0 || no === 0 ? 1 : Math.abs(yes - no) / (yes + no);
};
