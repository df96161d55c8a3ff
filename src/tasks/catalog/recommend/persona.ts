/**
 * A recommendation persona: for each attribute, the value they want or `any`; whether they
 * answer open questions vaguely; how many agent turns they sit through. Personas are drawn
 * around a real item, so every persona has an item that pleases it fully.
 *
 * @example
 * sampleRecommendationPersona(catalog, createRng(1)) // → { kind: 'food', setting: 'any', pace: 'relaxed', cost: 'cheap', vague: true, patience: 4 }
 */
import { z } from 'zod';
import type { Rng } from '../../../util/rng.ts';
import type { RecommendationCatalog } from '../model.ts';
import { valuesOf } from '../model.ts';
import { choose, chooseInt, fill, happens } from '../phrase.ts';

/** Attributes first, in the catalog's order, then `vague` and `patience`: the order of the dataset's JSON. */
export type RecommendationPersona = { [attribute: string]: string | boolean | number; vague: boolean; patience: number };

export const preferenceOf = (persona: RecommendationPersona, attribute: string): string => {
  const value = persona[attribute];
  return typeof value === 'string' ? value : 'any';
};

export const recommendationPersonaSchema = (catalog: RecommendationCatalog): z.ZodType<RecommendationPersona> =>
  z.object({
    ...Object.fromEntries(catalog.attributes.map((attribute) => [attribute.name, z.enum(['any', ...attribute.values.map((value) => value.name)])])),
    vague: z.boolean(),
    patience: z.number().int().min(1).max(50),
  }) as unknown as z.ZodType<RecommendationPersona>;

export const sampleRecommendationPersona = (catalog: RecommendationCatalog, rng: Rng): RecommendationPersona => {
  const ideal = rng.pick(catalog.items);
  // Drawn in the catalog's `keep` order, which need not be the attribute order.
  const kept: Record<string, string> = {};
  for (const { attribute, chance } of catalog.keep) {
    const values = valuesOf(ideal, attribute);
    const value = values.length === 0 ? undefined : choose(rng, values);
    const p = value === undefined ? 0 : typeof chance === 'number' ? chance : (chance[value] ?? 0);
    kept[attribute] = value !== undefined && happens(rng, p) ? value : 'any';
  }
  const persona: Record<string, string | boolean | number> = {};
  for (const attribute of catalog.attributes) persona[attribute.name] = kept[attribute.name] ?? 'any';
  persona.vague = happens(rng, catalog.vague);
  persona.patience = chooseInt(rng, catalog.patience);
  return persona as RecommendationPersona;
};

export const describeRecommendationPersona = (catalog: RecommendationCatalog, persona: RecommendationPersona): string =>
  [
    ...catalog.attributes.map((attribute) => {
      const value = preferenceOf(persona, attribute.name);
      return value === 'any' ? attribute.describeAny : fill(attribute.describe, { value });
    }),
    persona.vague ? 'answers open questions vaguely' : 'answers clearly',
    `patience ${persona.patience} turns`,
  ].join(', ');
