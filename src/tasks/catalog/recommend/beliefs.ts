/**
 * What a scripted agent has learned from the user, read from the user's words only: for each
 * attribute the value they stated, whether they said they do not mind, and the values they
 * turned down; and whether they are in a hurry.
 *
 * @example
 * readBeliefs(catalog, turns).attributes.kind // → { known: 'food', any: false, excluded: ['museum'] }
 */
import type { Turn } from '../../../task/types.ts';
import type { RecommendationCatalog } from '../model.ts';
import { attributeNamed } from '../model.ts';
import { normalise, readAgentText, valuesMentioned } from '../reading.ts';

export type Belief = { known?: string; any: boolean; excluded: string[] };
export type Beliefs = { attributes: Record<string, Belief>; hurry: boolean };

// These match the user simulator's own phrasings (user.ts), plus the catalog's "no preference" sentences.
const negative = /^(not really|no\b|nope|none of those|neither|hmm, not really|not my thing)/;
const indifferentWords = /\b(either|don't mind|doesn't matter|whatever)\b/;
const hurried = /\b(hurry|short on time|wrap this up|quick)\b/;

export const readBeliefs = (catalog: RecommendationCatalog, turns: readonly Turn[]): Beliefs => {
  const attributes: Record<string, Belief> = Object.fromEntries(catalog.attributes.map((attribute) => [attribute.name, { any: false, excluded: [] }]));
  const beliefs: Beliefs = { attributes, hurry: false };
  const noPreference = catalog.attributes.flatMap((attribute) => attribute.user.any).map(normalise);
  const indifferent = (reply: string): boolean => indifferentWords.test(reply) || noPreference.some((sentence) => reply.includes(sentence));
  turns.forEach((turn, index) => {
    if (turn.role !== 'user') return;
    const reply = normalise(turn.text);
    if (hurried.test(reply)) beliefs.hurry = true;
    const previous = turns[index - 1];
    const asked = previous?.role === 'agent' ? readAgentText(catalog, previous.text).asked : [];
    const saidNo = negative.test(reply);
    for (const question of asked) {
      const belief = attributes[question.attribute] as Belief;
      if (saidNo) belief.excluded.push(...question.offered.filter((value) => !belief.excluded.includes(value)));
      else if (indifferent(reply) && valuesMentioned(attributeNamed(catalog, question.attribute), reply).length === 0) belief.any = true;
    }
    for (const attribute of catalog.attributes) {
      const stated = valuesMentioned(attribute, reply).filter((value) => !saidNo || !asked.some((question) => question.offered.includes(value)));
      if (stated.length === 1) (attributes[attribute.name] as Belief).known = stated[0];
    }
  });
  return beliefs;
};
