/**
 * The recommendation judge: the item the user ended up with, scored against their hidden
 * preferences as a weighted sum of attribute fits, minus the task's turn cost. A user who
 * left, or a conversation whose last agent turn named no item (or too many), scores 0.
 *
 * @example
 * scoreItem(catalog, persona, item) // → 0.91 (kind ✓ 0.5, setting ✓ 0.2, pace any 0.15, cost 0.4 of 0.15)
 */
import type { Judgement, Turn } from '../../../task/types.ts';
import type { CatalogAttribute, CatalogItem, RecommendationCatalog } from '../model.ts';
import { rankOf, valuesOf } from '../model.ts';
import { itemsMentioned } from '../reading.ts';
import { preferenceOf } from './persona.ts';
import type { RecommendationPersona } from './persona.ts';

/** 1 when the item has what the persona wants; a ceiling also takes anything below it, and partial credit above. */
export const attributeFit = (attribute: CatalogAttribute, persona: RecommendationPersona, item: CatalogItem): number => {
  const wanted = preferenceOf(persona, attribute.name);
  if (wanted === 'any') return 1;
  const has = valuesOf(item, attribute.name);
  if (attribute.preference === 'exact') return Number(has.includes(wanted));
  const ceiling = rankOf(attribute, wanted);
  if (has.some((value) => rankOf(attribute, value) <= ceiling)) return 1;
  return Math.max(0, ...has.map((value) => attribute.fit[wanted]?.[value] ?? 0));
};

// Summed in attribute order from 0, so the floating-point result is the same on every run.
export const scoreItem = (catalog: RecommendationCatalog, persona: RecommendationPersona, item: CatalogItem): number =>
  catalog.attributes.reduce((sum, attribute) => sum + attribute.weight * attributeFit(attribute, persona, item), 0);

/** The user picks the offered item they like best; the first of equals. */
export const favouriteOf = (
  catalog: RecommendationCatalog,
  persona: RecommendationPersona,
  offered: readonly CatalogItem[],
): { item: CatalogItem; score: number } | undefined =>
  offered
    .map((item) => ({ item, score: scoreItem(catalog, persona, item) }))
    .reduce<{ item: CatalogItem; score: number } | undefined>((best, next) => (best === undefined || next.score > best.score ? next : best), undefined);

const describeItem = (catalog: RecommendationCatalog, item: CatalogItem): string =>
  catalog.attributes.map((attribute) => valuesOf(item, attribute.name).join('/') || '?').join(', ');

export const judgeRecommendation = (
  catalog: RecommendationCatalog,
  persona: RecommendationPersona,
  turns: readonly Turn[],
  options: { threshold: number; turnCost: number },
): Judgement => {
  const agentTurns = turns.filter((turn) => turn.role === 'agent');
  const last = agentTurns.at(-1);
  const offered = last === undefined ? [] : itemsMentioned(catalog.items, last.text);
  const [one, many] = catalog.noun;
  if (offered.length === 0 || offered.length > catalog.maxOffered) {
    const why = offered.length === 0 ? `no ${one} was recommended` : `${offered.length} ${many} were offered at once`;
    return { reward: 0, success: false, reason: `${why} before the conversation ended` };
  }
  const chosen = favouriteOf(catalog, persona, offered);
  if (chosen === undefined) throw new Error('unreachable: offered is not empty');
  const reward = Math.max(0, chosen.score - options.turnCost * agentTurns.length);
  return {
    reward: Math.round(reward * 1e6) / 1e6,
    success: chosen.score >= options.threshold,
    reason: `${chosen.item.name} (${describeItem(catalog, chosen.item)}) scored ${chosen.score.toFixed(2)}`,
  };
};
