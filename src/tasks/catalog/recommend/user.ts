/**
 * The simulated user of a recommendation catalog. It reads only the agent's text: named items
 * end the conversation (the user reacts to the one they like best), questions about an
 * attribute get an answer in the persona's voice, anything else gets the catalog's "not sure
 * what you mean". A vague user answers open questions vaguely but picks from offered options;
 * every user leaves once their patience runs out, and asks to wrap up one turn before.
 *
 * @example
 * const user = createRecommendationUser(catalog, persona, rng, 0.8);
 * user.reply([]).text // the opening request
 */
import type { Turn, ScriptedUser, UserReply } from '../../../task/types.ts';
import type { Rng } from '../../../util/rng.ts';
import type { CatalogAttribute, RecommendationCatalog } from '../model.ts';
import { attributeNamed, rankOf, valueNamed } from '../model.ts';
import { agentTurnCount, capitalise, choose, fill } from '../phrase.ts';
import { readAgentText } from '../reading.ts';
import type { Question } from '../reading.ts';
import { favouriteOf } from './judge.ts';
import { preferenceOf } from './persona.ts';
import type { RecommendationPersona } from './persona.ts';

const phrase = (rng: Rng, attribute: CatalogAttribute, value: string): string => choose(rng, valueNamed(attribute, value)?.words ?? [value]);

const statePreference = (rng: Rng, catalog: RecommendationCatalog, persona: RecommendationPersona, attribute: CatalogAttribute): string => {
  const value = preferenceOf(persona, attribute.name);
  if (value === 'any') return choose(rng, attribute.user.any);
  const words = phrase(rng, attribute, value);
  // A sentence is drawn for every attribute and the one asked about is kept. The draws are
  // wasted, but they are the ones travel's hand-written simulator made, so travel's imagined
  // dialogues stay byte-identical to those it produced before it became a catalog.
  const sentences = catalog.attributes.map((each) => {
    const templates = each === attribute ? (valueNamed(attribute, value)?.says ?? attribute.user.says) : each.user.says;
    return templates.length === 0 ? '' : choose(rng, templates);
  });
  return fill(sentences[catalog.attributes.indexOf(attribute)] ?? '', { words });
};

/** A ceiling (a budget) is met by anything up to it: someone happy with mid-range prices takes cheap ones too. */
const fits = (attribute: CatalogAttribute, offered: string, wanted: string): boolean =>
  offered === wanted || (attribute.preference === 'ceiling' && rankOf(attribute, offered) <= rankOf(attribute, wanted));

const answer = (rng: Rng, catalog: RecommendationCatalog, persona: RecommendationPersona, question: Question): string => {
  const attribute = attributeNamed(catalog, question.attribute);
  const { offered } = question;
  if (offered.length === 0) return persona.vague ? choose(rng, attribute.user.vague) : statePreference(rng, catalog, persona, attribute);
  const wanted = preferenceOf(persona, attribute.name);
  if (wanted === 'any') return rng.pick(['Either is fine with me.', "I don't mind either way."]);
  const fitting = offered.find((value) => fits(attribute, value, wanted));
  if (fitting !== undefined) {
    const words = phrase(rng, attribute, fitting);
    return rng.pick([`Yes, ${words} sounds great.`, `${capitalise(words)}, definitely.`, `Ooh, ${words}!`]);
  }
  if (persona.vague) return rng.pick(['Not really.', 'None of those really grab me.', 'Hmm, not really my thing.']);
  return `Not really. ${statePreference(rng, catalog, persona, attribute)}`;
};

const reaction = (score: number, threshold: number): string =>
  score >= threshold ? 'That sounds perfect, thank you!' : score >= 0.5 ? 'Hmm, I guess that could work. Thanks.' : "That's not really my thing, but thanks anyway.";

export const createRecommendationUser = (catalog: RecommendationCatalog, persona: RecommendationPersona, rng: Rng, threshold: number): ScriptedUser => ({
  reply(turns: readonly Turn[]): UserReply {
    const last = turns.at(-1);
    if (last === undefined) {
      const hurry = persona.patience <= 3 ? " I'm a bit short on time, though." : '';
      return { text: choose(rng, catalog.openings) + hurry, done: false };
    }
    const agentTurns = agentTurnCount(turns);
    const reading = readAgentText(catalog, last.text);
    const favourite = favouriteOf(catalog, persona, reading.items);
    if (favourite !== undefined && reading.items.length <= catalog.maxOffered) {
      return { text: reaction(favourite.score, threshold), done: true };
    }
    if (agentTurns >= persona.patience) {
      return { text: rng.pick(["Sorry, I have to run. I'll figure something out myself.", "I think I'll just look around on my own, thanks."]), done: true };
    }
    const text =
      reading.items.length > catalog.maxOffered
        ? "That's a lot of options. Which one would you pick for me?"
        : reading.asked.length > 0
          ? reading.asked.slice(0, 2).map((question) => answer(rng, catalog, persona, question)).join(' ')
          : catalog.confused;
    const nudge = agentTurns === persona.patience - 1 ? ' Could we wrap this up soon?' : '';
    return { text: text + nudge, done: false };
  },
});
