/**
 * The simulated traveller. It reads only the agent's text: named activities end the
 * conversation (the user reacts to the one they like best), questions about an attribute get
 * an answer in the persona's voice, anything else gets a request to rephrase. A vague user
 * answers open questions with "something fun" but picks from offered options; every user
 * leaves once their patience runs out.
 *
 * @example
 * const user = createTravelUser(persona, rng, 0.8);
 * user.reply([]).text // the opening request
 */
import type { Turn, UserReply, UserSimulator } from '../../task/types.ts';
import type { Rng } from '../../util/rng.ts';
import { valuePhrases } from './catalog.ts';
import type { Attribute } from './catalog.ts';
import { favouriteOf, maxOfferedActivities } from './judge.ts';
import type { TravelPersona } from './persona.ts';
import { readAgentText } from './reading.ts';
import type { Question } from './reading.ts';

const openings = [
  "Hi! I'm in town for a few days and I'd like a suggestion for something to do.",
  "Hello, I'm visiting the city next week. Could you recommend an activity?",
  "Hey there, I'm looking for something to do while I'm here.",
];

const vagueAnswers: Record<Attribute, readonly string[]> = {
  kind: ['Oh, something fun, I guess!', "I don't know, just something fun.", 'Something nice, I suppose.'],
  setting: ["Hmm, hard to say. It depends on the day.", "I haven't really thought about that."],
  pace: ["Hmm, it depends on my mood.", "Not sure, really."],
  cost: ["I'd rather not overspend, but it depends.", 'Hard to say, it depends on what it is.'],
};

const phrase = (rng: Rng, attribute: Attribute, value: string): string => rng.pick(valuePhrases[attribute][value] ?? [value]);

const statePreference = (rng: Rng, persona: TravelPersona, attribute: Attribute): string => {
  const value = persona[attribute];
  if (value === 'any') {
    return {
      kind: 'I like all sorts of things.',
      setting: "I don't mind whether it's indoors or outdoors.",
      pace: 'Any pace is fine with me.',
      cost: "Money isn't a big concern.",
    }[attribute];
  }
  const words = phrase(rng, attribute, value);
  return {
    kind: rng.pick([`I'm really into ${words}.`, `I love ${words}.`, `Mostly ${words}, to be honest.`]),
    setting: rng.pick([`I'd rather be ${words}.`, `Somewhere ${words}, ideally.`]),
    pace: rng.pick([`Something ${words}, please.`, `I'd like it to be ${words}.`]),
    cost: value === 'cheap' ? rng.pick([`I need to keep it ${words}.`, `Something ${words}, please, I'm on a tight budget.`]) : `Something ${words} would be good.`,
  }[attribute];
};

const answer = (rng: Rng, persona: TravelPersona, question: Question): string => {
  const { attribute, offered } = question;
  if (offered.length === 0) return persona.vague ? rng.pick(vagueAnswers[attribute]) : statePreference(rng, persona, attribute);
  const wanted = persona[attribute];
  if (wanted === 'any') return rng.pick(['Either is fine with me.', "I don't mind either way."]);
  // A user happy with mid-range prices is just as happy with cheap ones.
  const fitting = offered.find((value) => value === wanted || (attribute === 'cost' && wanted === 'moderate' && value === 'cheap'));
  if (fitting !== undefined) {
    const words = phrase(rng, attribute, fitting);
    return rng.pick([`Yes, ${words} sounds great.`, `${words.charAt(0).toUpperCase()}${words.slice(1)}, definitely.`, `Ooh, ${words}!`]);
  }
  if (persona.vague) return rng.pick(['Not really.', 'None of those really grab me.', 'Hmm, not really my thing.']);
  return `Not really. ${statePreference(rng, persona, attribute)}`;
};

const reaction = (score: number, threshold: number): string =>
  score >= threshold ? 'That sounds perfect, thank you!' : score >= 0.5 ? 'Hmm, I guess that could work. Thanks.' : "That's not really my thing, but thanks anyway.";

export const createTravelUser = (persona: TravelPersona, rng: Rng, threshold: number): UserSimulator => ({
  reply(turns: readonly Turn[]): UserReply {
    const last = turns.at(-1);
    if (last === undefined) {
      const hurry = persona.patience <= 3 ? " I'm a bit short on time, though." : '';
      return { text: rng.pick(openings) + hurry, done: false };
    }
    const agentTurns = turns.filter((turn) => turn.role === 'agent').length;
    const reading = readAgentText(last.text);
    const favourite = favouriteOf(persona, reading.activities);
    if (favourite !== undefined && reading.activities.length <= maxOfferedActivities) {
      return { text: reaction(favourite.score, threshold), done: true };
    }
    if (agentTurns >= persona.patience) {
      return { text: rng.pick(["Sorry, I have to run. I'll figure something out myself.", "I think I'll just look around on my own, thanks."]), done: true };
    }
    const text =
      reading.activities.length > maxOfferedActivities
        ? "That's a lot of options. Which one would you pick for me?"
        : reading.asked.length > 0
          ? reading.asked.slice(0, 2).map((question) => answer(rng, persona, question)).join(' ')
          : "Sorry, I'm not sure what you mean. I'm just looking for something to do.";
    const nudge = agentTurns === persona.patience - 1 ? ' Could we wrap this up soon?' : '';
    return { text: text + nudge, done: false };
  },
});
