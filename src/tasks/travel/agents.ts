/**
 * Scripted travel agents. The behaviour agents are the imagined data's authors: uneven on
 * purpose (one recommends at once, one asks only open questions, one offers narrow options,
 * one mixes everything at random), so the data holds successes and failures and its best
 * behaviour is clearly below the oracle. They read the user's words, never the persona.
 *
 * @example
 * const agent = travelBehaviours[1].create({ rng, persona });
 * await agent.act(turns) // → { text: 'What kinds of activities do you enjoy?' }
 */
import type { Agent, AgentFactory, ScriptedBehaviour, Turn } from '../../task/types.ts';
import type { Rng } from '../../util/rng.ts';
import { activities, attributes, attributeValues, valuePhrases } from './catalog.ts';
import type { Activity, Attribute } from './catalog.ts';
import { scoreActivity } from './judge.ts';
import type { TravelPersona } from './persona.ts';
import { readBeliefs } from './reading.ts';
import type { Beliefs } from './reading.ts';

const openQuestions: Record<Attribute, readonly string[]> = {
  kind: ['What kinds of activities do you enjoy?', 'What sort of things do you like to do when you travel?', 'Tell me a bit about your interests.'],
  setting: ['What kind of setting do you prefer?', 'Do you have a preferred setting for activities?'],
  pace: ['What pace do you like for your activities?', 'How much energy do you want to spend?'],
  cost: ["What's your budget like?", 'How much are you looking to spend?'],
};

const optionTemplates = ['Would you prefer {options}?', 'Are you more into {options}?', 'Which sounds better: {options}?'];
const recommendTemplates = [
  'I recommend the {name}: {blurb}.',
  'You should try the {name}, a {pace} {setting} {kind} at a {cost} price.',
  "How about the {name}? It's {blurb}: {kind}, {setting}, {pace} and {cost}.",
];

const kindNouns: Record<string, string> = {
  museum: 'museum visit',
  hiking: 'hike',
  food: 'food experience',
  nightlife: 'night out',
  beach: 'beach day',
  shopping: 'shopping trip',
  show: 'show',
  wellness: 'wellness session',
};
const costWords: Record<string, string> = { cheap: 'cheap', moderate: 'mid-range', splurge: 'high-end' };

const joinOptions = (phrases: readonly string[]): string =>
  phrases.length <= 1 ? (phrases[0] ?? '') : `${phrases.slice(0, -1).join(', ')} or ${phrases.at(-1)}`;

const fill = (template: string, values: Record<string, string>): string => template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');

export const askOpen = (rng: Rng, attribute: Attribute): string => rng.pick(openQuestions[attribute]);

export const askOptions = (rng: Rng, attribute: Attribute, values: readonly string[]): string =>
  fill(rng.pick(optionTemplates), { options: joinOptions(values.map((value) => valuePhrases[attribute][value]?.[0] ?? value)) });

export const recommend = (rng: Rng, activity: Activity): string =>
  fill(rng.pick(recommendTemplates), {
    name: activity.name,
    blurb: activity.blurb,
    kind: kindNouns[activity.kind] ?? activity.kind,
    setting: activity.setting,
    pace: activity.pace,
    cost: costWords[activity.cost] ?? activity.cost,
  });

const consistent = (beliefs: Beliefs, activity: Activity, attribute: Attribute): boolean => {
  const belief = beliefs[attribute];
  const value = activity[attribute];
  if (belief.excluded.includes(value)) return false;
  if (belief.known === undefined || belief.any) return true;
  return attribute === 'cost' ? belief.known === 'splurge' || value === 'cheap' || value === belief.known : value === belief.known;
};

/** Activities that fit what the user said; constraints are dropped from the least important up until some fit. */
export const fittingActivities = (beliefs: Beliefs): Activity[] => {
  for (let dropped = 0; dropped <= attributes.length; dropped += 1) {
    const kept = attributes.slice(0, attributes.length - dropped);
    const fitting = activities.filter((activity) => kept.every((attribute) => consistent(beliefs, activity, attribute)));
    if (fitting.length > 0) return fitting;
  }
  return [...activities];
};

const unknownAttributes = (beliefs: Beliefs): Attribute[] =>
  attributes.filter((attribute) => beliefs[attribute].known === undefined && !beliefs[attribute].any);

const agentTurnCount = (turns: readonly Turn[]): number => turns.filter((turn) => turn.role === 'agent').length;

/** Offers a few values of an attribute, skipping ones the user already turned down. */
const someOptions = (rng: Rng, beliefs: Beliefs, attribute: Attribute, most: number): string[] => {
  const open = attributeValues[attribute].filter((value) => !beliefs[attribute].excluded.includes(value));
  return rng.shuffle(open.length > 0 ? open : attributeValues[attribute]).slice(0, rng.int(Math.min(2, most), most));
};

const scripted = (name: string, next: (rng: Rng, turns: readonly Turn[], beliefs: Beliefs) => string): AgentFactory<TravelPersona> =>
  ({ rng }): Agent => ({ name, act: async (turns) => ({ text: next(rng, turns, readBeliefs(turns)) }) });

/** Recommends a crowd-pleaser straight away, as an unprompted LLM tends to. */
export const naiveTravelAgent: AgentFactory<TravelPersona> = scripted('naive', (rng) =>
  recommend(rng, rng.pick(activities.filter((activity) => activity.cost === 'moderate'))),
);

export const oracleTravelAgent: AgentFactory<TravelPersona> = ({ rng, persona }) => ({
  name: 'oracle',
  act: async () => {
    const best = activities.reduce((a, b) => (scoreActivity(persona, b) > scoreActivity(persona, a) ? b : a));
    return { text: recommend(rng, best) };
  },
});

const openAsker = scripted('open-questions', (rng, turns, beliefs) => {
  const unknown = unknownAttributes(beliefs).filter((attribute) => !turns.some((turn) => turn.role === 'agent' && openQuestions[attribute].includes(turn.text)));
  const wantMore = agentTurnCount(turns) < rng.int(1, 3) && !beliefs.hurry;
  if (unknown.length === 0 || !wantMore) return recommend(rng, rng.pick(fittingActivities(beliefs)));
  return askOpen(rng, rng.chance(0.6) && unknown.includes('kind') ? 'kind' : rng.pick(unknown));
});

const optionAsker = scripted('narrow-options', (rng, turns, beliefs) => {
  const unknown = unknownAttributes(beliefs);
  if (unknown.length === 0 || agentTurnCount(turns) >= rng.int(1, 4)) return recommend(rng, rng.pick(fittingActivities(beliefs)));
  const attribute = rng.chance(0.5) && unknown.includes('kind') ? 'kind' : rng.pick(unknown);
  return askOptions(rng, attribute, someOptions(rng, beliefs, attribute, 3));
});

const randomMix = scripted('random-mix', (rng, turns, beliefs) => {
  const turn = agentTurnCount(turns);
  if (rng.chance(Math.min(1, 0.15 + 0.15 * turn)) || beliefs.hurry) {
    return recommend(rng, rng.chance(0.7) ? rng.pick(fittingActivities(beliefs)) : rng.pick(activities));
  }
  const attribute = rng.pick(attributes);
  const style = rng.weighted(['open', 'options', 'single'], [0.35, 0.45, 0.2]);
  if (style === 'open') return askOpen(rng, attribute);
  return askOptions(rng, attribute, someOptions(rng, beliefs, attribute, style === 'single' ? 1 : 4));
});

export const travelBehaviours: readonly ScriptedBehaviour<TravelPersona>[] = [
  { name: 'eager', weight: 0.15, create: naiveTravelAgent },
  { name: 'open-questions', weight: 0.3, create: openAsker },
  { name: 'narrow-options', weight: 0.3, create: optionAsker },
  { name: 'random-mix', weight: 0.25, create: randomMix },
];
