/**
 * Checks on item names: no two items may answer to the same name or alias, and every name and
 * alias, said in every guess template, must read as a guess of exactly that item. Otherwise the
 * user replies "One guess at a time, please." and the item can never be guessed.
 *
 * @example
 * nameProblems(catalog, itemPath) // → [{ severity: 'error', path: ['items', 9, 'aliases', 0], message: '"paper" names both Paper and Tissue paper', … }]
 */
import type { Path } from '../errors.ts';
import type { Catalog, CatalogItem } from '../model.ts';
import { valuesOf } from '../model.ts';
import { fill, joinOptions, withArticle } from '../phrase.ts';
import type { Problem } from '../problems.ts';
import { normalise, readAgentText } from '../reading.ts';

/** Where an item's name (`n` = 0) or alias (`n` ≥ 1) is written. */
export type ItemPath = (index: number, n: number) => Path;

const sayName = (catalog: Catalog, template: string, item: CatalogItem, name: string): string =>
  fill(template, {
    ...Object.fromEntries(catalog.attributes.map((attribute) => [attribute.name, joinOptions(valuesOf(item, attribute.name).map((value) => attribute.values.find((each) => each.name === value)?.words[0] ?? value), 'and')])),
    name,
    'a name': withArticle(name, item.article),
    description: item.description,
  });

const duplicates = (catalog: Catalog, itemPath: ItemPath): Problem[] => {
  const owners = new Map<string, CatalogItem>();
  const problems: Problem[] = [];
  catalog.items.forEach((item, index) =>
    item.names.forEach((name, n) => {
      const key = normalise(name).trim();
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, item);
      else if (owner !== item) {
        problems.push({
          severity: 'error',
          path: itemPath(index, n),
          message: `"${name}" names both ${owner.name} and ${item.name}`,
          hint: `A name or alias may belong to one item only: asked "Is it ${name}?", the user hears two guesses ("One guess at a time, please.") and neither item can be guessed by it. Remove "${name}" from one of them, or make it longer.`,
        });
      }
    }),
  );
  return problems;
};

/** Why a name said in a template does not read as a guess of its item alone, or undefined when it does. */
const misreading = (catalog: Catalog, template: string, item: CatalogItem, name: string): { message: string; hint: string } | undefined => {
  const text = sayName(catalog, template, item, name);
  const read = readAgentText(catalog, text).items;
  if (read.length === 1 && read[0] === item) return undefined;
  const others = read.filter((each) => each !== item);
  const alone = readAgentText(catalog, name).items;
  if (read.length === 0) {
    return {
      message: `"${text}" does not read as a guess of ${item.name}`,
      hint: alone.includes(item)
        ? `The template's other words make "${name}" read as an attribute's value (a word of that attribute's \`asks\` is in it); reword the template.`
        : `Check that the template says the name with {name} or {a name}.`,
    };
  }
  const named = joinOptions(others.map((each) => each.name), 'and');
  if (alone.length === 1 && alone[0] === item) {
    return { message: `"${text}" reads as a guess of ${named}${read.includes(item) ? ` as well as ${item.name}` : ''}`, hint: `The template's own words name ${named}; reword the template.` };
  }
  return {
    message: `"${text}" reads as a guess of ${named}${read.includes(item) ? ` as well as ${item.name}` : ''}`,
    hint: `"${name}" contains the name of ${named}, or overlaps it; the longest name is read first, so give ${item.name} a name or alias that contains the whole of the other, or a different one.`,
  };
};

const readBack = (catalog: Catalog, itemPath: ItemPath): Problem[] => {
  const templates = catalog.family === 'guessing' ? catalog.guess : ['{name}'];
  const owners = new Map<string, Set<CatalogItem>>();
  for (const item of catalog.items) for (const name of item.names) owners.set(normalise(name).trim(), new Set([...(owners.get(normalise(name).trim()) ?? []), item]));
  return catalog.items.flatMap((item, index) =>
    item.names.flatMap((name, n) => {
      // A name two items share is reported once, as a duplicate.
      if ((owners.get(normalise(name).trim())?.size ?? 0) > 1) return [];
      // One problem per name: the first template that misreads it.
      for (const template of templates) {
        const found = misreading(catalog, template, item, name);
        if (found !== undefined) return [{ severity: 'error' as const, path: itemPath(index, n), ...found }];
      }
      return [];
    }),
  );
};

export const nameProblems = (catalog: Catalog, itemPath: ItemPath): Problem[] => [...duplicates(catalog, itemPath), ...readBack(catalog, itemPath)];
