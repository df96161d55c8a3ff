/**
 * A guessing persona: the item the user has in mind, the attributes of it they are not sure
 * about (they answer "I'm not sure"), and how many agent turns they play before giving up.
 *
 * @example
 * sampleGuessingPersona(catalog, createRng(1)) // → { item: 'FRA', unsure: ['area'], patience: 14 }
 */
import { z } from 'zod';
import type { Rng } from '../../../util/rng.ts';
import type { CatalogItem, GuessingCatalog } from '../model.ts';
import { chooseInt, happens } from '../phrase.ts';

export type GuessingPersona = { item: string; unsure: string[]; patience: number };

export const guessingPersonaSchema = (catalog: GuessingCatalog): z.ZodType<GuessingPersona> => {
  const ids = new Set(catalog.items.map((item) => item.id));
  const names = catalog.attributes.map((attribute) => attribute.name);
  return z.object({
    item: z.string().refine((id) => ids.has(id), 'not an item of the catalog'),
    unsure: z.array(z.string().refine((name) => names.includes(name), 'not an attribute of the catalog')),
    patience: z.number().int().min(1).max(100),
  });
};

export const sampleGuessingPersona = (catalog: GuessingCatalog, rng: Rng): GuessingPersona => {
  const item = rng.pick(catalog.items);
  const unsure = catalog.attributes.filter((attribute) => happens(rng, catalog.unsure[attribute.name] ?? 0)).map((attribute) => attribute.name);
  return { item: item.id, unsure, patience: chooseInt(rng, catalog.patience) };
};

export const hiddenItem = (catalog: GuessingCatalog, persona: GuessingPersona): CatalogItem => {
  const item = catalog.items.find((each) => each.id === persona.item);
  if (item === undefined) throw new Error(`persona's item ${persona.item} is not in ${catalog.file}`);
  return item;
};

export const describeGuessingPersona = (catalog: GuessingCatalog, persona: GuessingPersona): string =>
  [
    `thinking of ${hiddenItem(catalog, persona).name}`,
    persona.unsure.length === 0 ? 'sure of every attribute' : `unsure of ${persona.unsure.join(' and ')}`,
    `patience ${persona.patience} turns`,
  ].join(', ');
