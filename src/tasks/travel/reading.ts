/**
 * Reading conversation text the way a person would skim it: which activities the agent
 * named, which attributes it asked about, and what the user said they want. Nothing here sees
 * a hidden persona, so any agent, scripted or an LLM, is read the same way.
 *
 * @example
 * readAgentText('Would you prefer museums or hiking?')
 * // → { activities: [], asked: [{ attribute: 'kind', offered: ['museum', 'hiking'] }] }
 */
import type { Turn } from '../../task/types.ts';
import { activities, attributeQuestionPatterns, attributes, attributeValues, valuePatterns } from './catalog.ts';
import type { Activity, Attribute } from './catalog.ts';

export type Question = { attribute: Attribute; offered: string[] };
export type AgentReading = { activities: Activity[]; asked: Question[] };

const normalise = (text: string): string => text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ');

export const valuesMentioned = (text: string, attribute: Attribute): string[] => {
  const lower = normalise(text);
  return attributeValues[attribute].filter((value) => valuePatterns[attribute][value]?.test(lower));
};

export const activitiesMentioned = (text: string): Activity[] => {
  const lower = normalise(text);
  return activities
    .map((activity) => ({ activity, at: lower.indexOf(activity.name.toLowerCase()) }))
    .filter(({ at }) => at >= 0)
    .sort((a, b) => a.at - b.at)
    .map(({ activity }) => activity);
};

export const readAgentText = (text: string): AgentReading => {
  const named = activitiesMentioned(text);
  if (named.length > 0) return { activities: named, asked: [] };
  const lower = normalise(text);
  const asked: Question[] = [];
  for (const attribute of attributes) {
    const offered = valuesMentioned(lower, attribute);
    if (offered.length > 0 || attributeQuestionPatterns[attribute].test(lower)) asked.push({ attribute, offered });
  }
  return { activities: [], asked };
};

/** What the agent has learned from the user so far, read from the user's words only. */
export type Beliefs = Record<Attribute, { known?: string; any: boolean; excluded: string[] }> & { hurry: boolean };

const negative = /^(not really|no\b|nope|none of those|neither|hmm, not really|not my thing)/;
const indifferent = /\b(either|don't mind|doesn't matter|not a big concern|isn't a big concern|any pace|whatever)\b/;

export const readBeliefs = (turns: readonly Turn[]): Beliefs => {
  const beliefs = Object.fromEntries(attributes.map((attribute) => [attribute, { any: false, excluded: [] as string[] }])) as unknown as Beliefs;
  beliefs.hurry = false;
  turns.forEach((turn, index) => {
    if (turn.role !== 'user') return;
    const reply = normalise(turn.text);
    if (/\b(hurry|short on time|wrap this up|quick)\b/.test(reply)) beliefs.hurry = true;
    const previous = turns[index - 1];
    const asked = previous?.role === 'agent' ? readAgentText(previous.text).asked : [];
    const saidNo = negative.test(reply);
    for (const question of asked) {
      const belief = beliefs[question.attribute];
      if (saidNo) belief.excluded.push(...question.offered.filter((value) => !belief.excluded.includes(value)));
      else if (indifferent.test(reply) && valuesMentioned(reply, question.attribute).length === 0) belief.any = true;
    }
    for (const attribute of attributes) {
      const stated = valuesMentioned(reply, attribute).filter((value) => !saidNo || !asked.some((q) => q.offered.includes(value)));
      if (stated.length === 1) beliefs[attribute].known = stated[0];
    }
  });
  return beliefs;
};
