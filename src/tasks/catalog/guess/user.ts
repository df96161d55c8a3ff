/**
 * The simulated user of a guessing game. It has an item in mind and reads only the agent's
 * text: a single right guess ends the game; a wrong guess gets "No"; a yes/no question about
 * an attribute gets a truthful answer from the item's data (or "I'm not sure" for attributes the
 * persona does not know); open questions get a request for a yes/no question. Answers name the
 * value ("Yes, Europe." / "No, not Europe."), as a person would, so a bag of words keeps which
 * answer went with which question. The user gives up once their patience runs out.
 *
 * @example
 * const user = createGuessingUser(catalog, persona, rng);
 * user.reply([opening, { role: 'agent', text: 'Is it in Europe?' }]).text // → 'Yes, Europe.'
 */
import type { Turn, ScriptedUser, UserReply } from '../../../task/types.ts';
import type { Rng } from '../../../util/rng.ts';
import type { CatalogAttribute, CatalogItem, GuessingCatalog } from '../model.ts';
import { attributeNamed, hasValue, knows, valueNamed } from '../model.ts';
import { compares } from '../numbers.ts';
import { agentTurnCount, choose, joinOptions } from '../phrase.ts';
import { usualWords } from '../questions.ts';
import { readAgentText } from '../reading.ts';
import type { Question } from '../reading.ts';
import { hiddenItem } from './persona.ts';
import type { GuessingPersona } from './persona.ts';

const wordsFor = (attribute: CatalogAttribute, names: readonly string[], conjunction: string): string =>
  joinOptions(
    names.map((name) => {
      const value = valueNamed(attribute, name);
      return value === undefined ? name : usualWords(value);
    }),
    conjunction,
  );

/** One sentence per question, starting "Yes" or "No" when the user knows: agents read answers by that. */
export const answerQuestion = (rng: Rng, catalog: GuessingCatalog, persona: GuessingPersona, item: CatalogItem, question: Question): string => {
  const attribute = attributeNamed(catalog, question.attribute);
  const number = item.numbers[attribute.name];
  const unknown = persona.unsure.includes(attribute.name) || !knows(item, attribute.name);
  if (question.compare === undefined && question.offered.length === 0) return rng.pick(['Please ask me a yes-or-no question.', "I'll only answer yes or no."]);
  if (unknown) return rng.pick(["I'm not sure about that.", "I don't know, to be honest."]);
  if (question.compare !== undefined && number !== undefined) {
    return compares(question.compare, number) ? `Yes, ${question.compare.text}.` : `No, not ${question.compare.text}.`;
  }
  const hits = question.offered.filter((value) => hasValue(item, attribute.name, value));
  return hits.length > 0 ? `Yes, ${wordsFor(attribute, hits, 'and')}.` : `No, not ${wordsFor(attribute, question.offered, 'or')}.`;
};

export const createGuessingUser = (catalog: GuessingCatalog, persona: GuessingPersona, rng: Rng): ScriptedUser => {
  const item = hiddenItem(catalog, persona);
  return {
    reply(turns: readonly Turn[]): UserReply {
      const last = turns.at(-1);
      if (last === undefined) return { text: choose(rng, catalog.openings), done: false };
      const agentTurns = agentTurnCount(turns);
      const reading = readAgentText(catalog, last.text);
      if (reading.items.length === 1 && reading.items[0] === item) return { text: rng.pick([`Yes! It's ${item.name}.`, `That's right, ${item.name}!`]), done: true };
      if (agentTurns >= persona.patience) return { text: rng.pick([`I give up. It was ${item.name}.`, `Let's stop here. I was thinking of ${item.name}.`]), done: true };
      const text =
        reading.items.length > 1
          ? 'One guess at a time, please.'
          : reading.items.length === 1
            ? `No, it's not ${reading.items[0]?.name}.`
            : reading.asked.length > 0
              ? reading.asked.slice(0, 2).map((question) => answerQuestion(rng, catalog, persona, item, question)).join(' ')
              : catalog.confused;
      const nudge = agentTurns === persona.patience - 1 ? ' One more try, then I give up.' : '';
      return { text: text + nudge, done: false };
    },
  };
};
