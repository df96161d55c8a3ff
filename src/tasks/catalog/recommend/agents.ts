/**
 * Scripted agents for a recommendation catalog. The behaviour agents write the imagined data
 * and are uneven on purpose: `eager` recommends at once, `open-questions` asks open questions,
 * `narrow-options` offers two or three values, `random-mix` does anything at random. Their
 * recommendations follow what the user said, but they ask at random and stop at random, so the
 * data holds successes and failures. They read the user's words, never the persona.
 *
 * @example
 * const agents = recommendationAgents(catalog);
 * await agents.behaviours[1].create({ rng, persona }).act(turns) // → { text: 'What kinds of activities do you enjoy?' }
 */
import type { Agent, AgentFactory, ScriptedBehaviour, Turn } from '../../../task/types.ts';
import type { Rng } from '../../../util/rng.ts';
import type { CatalogItem, RecommendationCatalog } from '../model.ts';
import { attributeNamed, rankOf, valuesOf } from '../model.ts';
import { agentTurnCount, choose, fill, joinOptions } from '../phrase.ts';
import { usualWords } from '../questions.ts';
import { readBeliefs } from './beliefs.ts';
import type { Beliefs } from './beliefs.ts';
import { scoreItem } from './judge.ts';
import type { RecommendationPersona } from './persona.ts';

export type RecommendationAgents = {
  behaviours: ScriptedBehaviour<RecommendationPersona>[];
  naive: AgentFactory<RecommendationPersona>;
  oracle: AgentFactory<RecommendationPersona>;
};

export const recommendText = (catalog: RecommendationCatalog, rng: Rng, item: CatalogItem): string =>
  fill(choose(rng, catalog.recommend), {
    ...Object.fromEntries(catalog.attributes.map((attribute) => [attribute.name, attribute.values.find((value) => valuesOf(item, attribute.name).includes(value.name))?.label ?? ''])),
    name: item.name,
    description: item.description,
  });

export const recommendationAgents = (catalog: RecommendationCatalog): RecommendationAgents => {
  const names = catalog.attributes.map((attribute) => attribute.name);
  // The first attribute is the most important: agents ask about it first more often.
  const primary = names[0] as string;
  const recommend = (rng: Rng, item: CatalogItem) => recommendText(catalog, rng, item);
  const askOpen = (rng: Rng, attribute: string): string => choose(rng, attributeNamed(catalog, attribute).questions);
  const askOptions = (rng: Rng, attribute: string, values: readonly string[]): string => {
    const declared = attributeNamed(catalog, attribute).values;
    return fill(choose(rng, catalog.options), { options: joinOptions(values.map((name) => { const value = declared.find((each) => each.name === name); return value === undefined ? name : usualWords(value); })) });
  };

  const consistent = (beliefs: Beliefs, item: CatalogItem, name: string): boolean => {
    const belief = beliefs.attributes[name];
    const has = valuesOf(item, name);
    if (belief === undefined) return true;
    if (has.length > 0 && has.every((value) => belief.excluded.includes(value))) return false;
    if (belief.known === undefined || belief.any) return true;
    const attribute = attributeNamed(catalog, name);
    if (attribute.preference === 'ceiling') return has.some((value) => rankOf(attribute, value) <= rankOf(attribute, belief.known as string));
    return has.includes(belief.known);
  };

  /** Items that fit what the user said; constraints are dropped from the least important up until some fit. */
  const fittingItems = (beliefs: Beliefs): CatalogItem[] => {
    for (let dropped = 0; dropped <= names.length; dropped += 1) {
      const kept = names.slice(0, names.length - dropped);
      const fitting = catalog.items.filter((item) => kept.every((name) => consistent(beliefs, item, name)));
      if (fitting.length > 0) return fitting;
    }
    return [...catalog.items];
  };

  const unknownAttributes = (beliefs: Beliefs): string[] => names.filter((name) => beliefs.attributes[name]?.known === undefined && !beliefs.attributes[name]?.any);

  /** Offers a few values of an attribute, skipping ones the user already turned down. */
  const someOptions = (rng: Rng, beliefs: Beliefs, attribute: string, most: number): string[] => {
    const all = attributeNamed(catalog, attribute).values.map((value) => value.name);
    const open = all.filter((value) => !beliefs.attributes[attribute]?.excluded.includes(value));
    return rng.shuffle(open.length > 0 ? open : all).slice(0, rng.int(Math.min(2, most), most));
  };

  const scripted = (name: string, next: (rng: Rng, turns: readonly Turn[], beliefs: Beliefs) => string): AgentFactory<RecommendationPersona> =>
    ({ rng }): Agent => ({ name, act: async (turns) => ({ text: next(rng, turns, readBeliefs(catalog, turns)) }) });

  /** Recommends straight away, as an unprompted LLM tends to. */
  const naive = scripted('naive', (rng) => recommend(rng, rng.pick(catalog.naive)));

  const oracle: AgentFactory<RecommendationPersona> = ({ rng, persona }) => ({
    name: 'oracle',
    act: async () => ({ text: recommend(rng, catalog.items.reduce((a, b) => (scoreItem(catalog, persona, b) > scoreItem(catalog, persona, a) ? b : a))) }),
  });

  const openAsker = scripted('open-questions', (rng, turns, beliefs) => {
    const unknown = unknownAttributes(beliefs).filter((name) => !turns.some((turn) => turn.role === 'agent' && attributeNamed(catalog, name).questions.includes(turn.text)));
    const wantMore = agentTurnCount(turns) < rng.int(1, 3) && !beliefs.hurry;
    if (unknown.length === 0 || !wantMore) return recommend(rng, rng.pick(fittingItems(beliefs)));
    return askOpen(rng, rng.chance(0.6) && unknown.includes(primary) ? primary : rng.pick(unknown));
  });

  const optionAsker = scripted('narrow-options', (rng, turns, beliefs) => {
    const unknown = unknownAttributes(beliefs);
    if (unknown.length === 0 || agentTurnCount(turns) >= rng.int(1, 4)) return recommend(rng, rng.pick(fittingItems(beliefs)));
    const attribute = rng.chance(0.5) && unknown.includes(primary) ? primary : rng.pick(unknown);
    return askOptions(rng, attribute, someOptions(rng, beliefs, attribute, 3));
  });

  const randomMix = scripted('random-mix', (rng, turns, beliefs) => {
    const turn = agentTurnCount(turns);
    if (rng.chance(Math.min(1, 0.15 + 0.15 * turn)) || beliefs.hurry) {
      return recommend(rng, rng.chance(0.7) ? rng.pick(fittingItems(beliefs)) : rng.pick(catalog.items));
    }
    const attribute = rng.pick(names);
    const style = rng.weighted(['open', 'options', 'single'], [0.35, 0.45, 0.2]);
    if (style === 'open') return askOpen(rng, attribute);
    return askOptions(rng, attribute, someOptions(rng, beliefs, attribute, style === 'single' ? 1 : 4));
  });

  const create: Record<string, AgentFactory<RecommendationPersona>> = { eager: naive, 'open-questions': openAsker, 'narrow-options': optionAsker, 'random-mix': randomMix };
  const behaviours = Object.entries(catalog.behaviours).flatMap(([name, weight]) => {
    const factory = create[name];
    return factory === undefined ? [] : [{ name, weight, create: factory }];
  });
  return { behaviours, naive, oracle };
};
