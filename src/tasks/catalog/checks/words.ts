/**
 * Checks that each recognised word belongs to one thing: a value's words and recognisers may
 * not also be read as another value of the same attribute (unless one `countsAs` the other), as
 * a value of another attribute (unless the attribute is declared `within` it, and the data
 * agrees), or as an item's name where no question could tell the two apart (no `asks`).
 *
 * @example
 * wordProblems(catalog) // → [{ severity: 'error', message: '"South America" (subregion = South America) is also read as region = Americas ("america")', … }]
 */
import type { Catalog, CatalogAttribute, CatalogValue } from '../model.ts';
import { valuesOf } from '../model.ts';
import type { Problem } from '../problems.ts';
import { valuePath } from '../questions.ts';
import { itemsMentioned, normalise, valuesMentioned, valuesRead } from '../reading.ts';

const isRegex = (entry: string): boolean => entry.length > 2 && entry.startsWith('/') && entry.endsWith('/');

/** The plain words and phrases a value is recognised by (regular expressions cannot be read back). */
const phrases = (value: CatalogValue, recognise: readonly string[]): string[] => [...new Set([...value.words, ...recognise].filter((entry) => !isRegex(entry)))];

const related = (one: CatalogValue, other: CatalogValue): boolean => one.countsAs.includes(other.name) || other.countsAs.includes(one.name);

const sameAttribute = (attribute: CatalogAttribute, value: CatalogValue, phrase: string): Problem[] =>
  valuesMentioned(attribute, phrase)
    .flatMap((name) => {
      const other = attribute.values.find((each) => each.name === name);
      return other === undefined || other === value || related(value, other) ? [] : [other];
    })
    .map((other) => {
      // The value that merely recognises another's word is the narrower one ("Swiss German" recognising "German").
      const [narrow, broad] = other.words.includes(phrase) ? [value, other] : [other, value];
      return {
        severity: 'error',
        path: valuePath(attribute, narrow),
        message: `"${phrase}" is read as both ${attribute.name} = ${value.name} and ${attribute.name} = ${other.name}`,
        hint: `A question about one is then answered about both ("Yes, ${narrow.words[0] ?? narrow.name}." to a question about ${broad.words[0] ?? broad.name}, for an item with only ${narrow.name}). Remove "${phrase}" from one of them; if every ${narrow.name} is also a ${broad.name}, write \`countsAs: [${broad.name}]\` on ${narrow.name} instead of recognising the word.`,
      };
    });

/** Values of another attribute read in a phrase; `within` allows those of the containing attribute. */
const otherAttributes = (catalog: Catalog, attribute: CatalogAttribute, value: CatalogValue, phrase: string): Problem[] =>
  catalog.attributes.flatMap((other): Problem[] => {
    if (other === attribute || other.name === attribute.within) return [];
    // A value's own word that another value merely recognises is reported at the one that recognises it.
    const read = (valuesRead(catalog.attributes, phrase).get(other.name) ?? []).filter(
      (name) => !(value.words.includes(phrase) && !(other.values.find((each) => each.name === name)?.words.includes(phrase) ?? false)),
    );
    if (read.length === 0) return [];
    return [
      {
        severity: 'error',
        path: valuePath(attribute, value),
        message: `"${phrase}" (${attribute.name} = ${value.name}) is also read as ${other.name} = ${read.join(', ')}`,
        hint: `The same words name both, so a question about ${attribute.name} would also be answered as one about ${other.name}. Drop the shared words from one of them; if every value of ${attribute.name} lies inside one ${other.name}, declare \`within: ${other.name}\` on ${attribute.name}.`,
      },
    ];
  });

/** A value named like an item, in an attribute without `asks`: every question about it reads as a guess. */
const items = (catalog: Catalog, attribute: CatalogAttribute, value: CatalogValue, phrase: string): Problem[] =>
  attribute.asks.length > 0
    ? []
    : itemsMentioned(catalog.items, phrase).map((item) => ({
        severity: 'error',
        path: valuePath(attribute, value),
        message: `"${phrase}" (${attribute.name} = ${value.name}) is also the name of the item ${item.name}`,
        hint: `Every question about ${value.name} would read as a guess of ${item.name}. Give ${attribute.name} \`asks\` words and say one in its questions ("Is its ${attribute.name} ${value.words[0] ?? value.name}?"): a name said as a value in such a question is not a guess.`,
      }));

/** `within: B`: every item with one value of this attribute has the same value of B. */
const withinProblems = (catalog: Catalog, attribute: CatalogAttribute): Problem[] => {
  const outer = catalog.attributes.find((each) => each.name === attribute.within);
  if (outer === undefined) return [];
  return attribute.values.flatMap((value): Problem[] => {
    const holders = catalog.items.filter((item) => valuesOf(item, attribute.name).includes(value.name));
    const containing = [...new Set(holders.flatMap((item) => valuesOf(item, outer.name)))];
    const said = value.words.flatMap((word) => valuesMentioned(outer, word));
    const stray = said.filter((name) => !containing.every((each) => each === name));
    if (containing.length <= 1 && stray.length === 0) return [];
    const example = holders.filter((item) => valuesOf(item, outer.name).join() !== valuesOf(holders[0] ?? item, outer.name).join())[0];
    return [
      {
        severity: 'error',
        path: [...valuePath(attribute, value)],
        message:
          stray.length > 0
            ? `${attribute.name} is within ${outer.name}, and the words of ${value.name} read as ${outer.name} = ${stray.join(', ')}, but its items are in ${containing.join(', ') || 'no value of it'}`
            : `${attribute.name} is within ${outer.name}, but items with ${value.name} are in ${containing.join(' and ')}${example === undefined ? '' : ` (${holders[0]?.name} and ${example.name})`}`,
        hint: `\`within: ${outer.name}\` says each ${attribute.name} lies inside one ${outer.name}, so answering both is never contradictory; fix the items' data or remove \`within\`.`,
      },
    ];
  });
};

export const wordProblems = (catalog: Catalog, recognisers: (attribute: string, value: string) => readonly string[]): Problem[] => {
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const attribute of catalog.attributes) {
    problems.push(...withinProblems(catalog, attribute));
    for (const value of attribute.values) {
      for (const phrase of phrases(value, recognisers(attribute.name, value.name))) {
        for (const problem of [...sameAttribute(attribute, value, phrase), ...otherAttributes(catalog, attribute, value, phrase), ...items(catalog, attribute, value, phrase)]) {
          // "German" claimed by two values is one problem, not one for each of them.
          const key = `${normalise(phrase)}|${problem.message.split(/\W+/).sort().join(' ')}`;
          if (!reported.has(key)) problems.push(problem);
          reported.add(key);
        }
      }
    }
  }
  return problems;
};
