/**
 * Reading conversation text the way a person skims it, for any catalog: which items it names,
 * which attributes it asks about and with which values, and numeric comparisons. Nothing here
 * sees a persona, so every agent, scripted or an LLM, is read the same way.
 *
 * @example
 * readAgentText(catalog, 'Would you prefer museums or hiking?')
 * // → { items: [], asked: [{ attribute: 'kind', offered: ['museum', 'hiking'] }] }
 */
import type { CatalogAttribute, CatalogItem } from './model.ts';
import { rememberedPerOwner } from '../../util/memo.ts';
import { readComparisons } from './numbers.ts';
import type { Comparison } from './numbers.ts';

export type Question = { attribute: string; offered: string[]; compare?: Comparison };
export type AgentReading<I = CatalogItem> = { items: I[]; asked: Question[] };

export const normalise = (text: string): string => text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ');

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Patterns from recognisers: a `/regex/` is used as written (so it can match a word's start, as
 * "kinds of activit…" does); words and phrases become one whole-word alternation.
 */
export const compileRecognisers = (entries: readonly string[]): RegExp[] => {
  const regexes = entries.filter((entry) => entry.length > 2 && entry.startsWith('/') && entry.endsWith('/'));
  const words = entries.filter((entry) => !regexes.includes(entry)).map((entry) => escape(normalise(entry.trim())));
  const patterns = regexes.map((entry) => new RegExp(entry.slice(1, -1)));
  return words.length === 0 ? patterns : [new RegExp(`\\b(?:${words.join('|')})\\b`), ...patterns];
};

/**
 * An item's name and aliases as whole words, allowing a plural ending ("Surf Lessons"). Longest
 * first, so that "marker pen" is read whole rather than as "marker" followed by another word.
 */
export const namePattern = (names: readonly string[]): RegExp => {
  const longestFirst = [...names].map((name) => escape(normalise(name))).sort((a, b) => b.length - a.length);
  return new RegExp(`\\b(?:${longestFirst.join('|')})(?:s|es)?\\b`);
};

const matches = (patterns: readonly RegExp[], lower: string): boolean => patterns.some((pattern) => pattern.test(lower));

type Span = { start: number; end: number };

const spans = (patterns: readonly RegExp[], lower: string): Span[] =>
  patterns.flatMap((pattern) => [...lower.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))].map((match) => ({ start: match.index, end: match.index + match[0].length })));

const inside = (span: Span, other: Span): boolean => other.start <= span.start && other.end >= span.end && other.end - other.start > span.end - span.start;

/**
 * The attribute's values the text mentions, in declared order. A value whose every mention lies
 * inside a longer mention of another value does not count: "South-East Asia" is not "East Asia".
 */
export const valuesMentioned = (attribute: CatalogAttribute, text: string): string[] => {
  const lower = normalise(text);
  const found = attribute.values.filter((value) => matches(value.patterns, lower));
  if (found.length < 2) return found.map((value) => value.name);
  const where = new Map(found.map((value) => [value, spans(value.patterns, lower)]));
  return found
    .filter((value) => {
      const others = found.filter((other) => other !== value).flatMap((other) => where.get(other) ?? []);
      return !(where.get(value) ?? []).every((span) => others.some((other) => inside(span, other)));
    })
    .map((value) => value.name);
};

/**
 * Each attribute's values the text mentions. Across attributes the longer mention wins too: in
 * "the West African CFA franc" the currency is named, not the region Africa. An attribute
 * declared `within` another keeps its container read: "North Africa" is also Africa.
 */
export const valuesRead = (attributes: readonly CatalogAttribute[], text: string): Map<string, string[]> => {
  const lower = normalise(text);
  const read = new Map(attributes.map((attribute) => [attribute.name, valuesMentioned(attribute, lower)]));
  const mentioned = attributes.filter((attribute) => (read.get(attribute.name) ?? []).length > 0);
  if (mentioned.length < 2) return read;
  const where = new Map(
    mentioned.map((attribute) => [attribute.name, (read.get(attribute.name) ?? []).map((name) => ({ name, spans: spans(attribute.values.find((value) => value.name === name)?.patterns ?? [], lower) }))]),
  );
  for (const attribute of mentioned) {
    const outside = mentioned.filter((other) => other !== attribute && other.within !== attribute.name).flatMap((other) => (where.get(other.name) ?? []).flatMap((value) => value.spans));
    const kept = (where.get(attribute.name) ?? []).filter((value) => !value.spans.every((span) => outside.some((other) => inside(span, other))));
    read.set(attribute.name, kept.map((value) => value.name));
  }
  return read;
};

type Mention<I> = Span & { item: I };

/** Where a text names items; a name inside a longer name that also matched does not count. */
const itemMentions = <I extends CatalogItem>(items: readonly I[], lower: string): Mention<I>[] => {
  const found = items.flatMap((item) => {
    const match = item.pattern.exec(lower);
    return match === null ? [] : [{ item, start: match.index, end: match.index + match[0].length }];
  });
  return found.filter((one) => !found.some((other) => other !== one && inside(one, other))).sort((a, b) => a.start - b.start);
};

/**
 * The items a text names, in the order they appear. A name inside a longer name that also
 * matched ("Niger" in "Nigeria", "Sudan" in "South Sudan") does not count.
 */
export const itemsMentioned = <I extends CatalogItem>(items: readonly I[], text: string): I[] => itemMentions(items, normalise(text)).map(({ item }) => item);

/**
 * A name said as an attribute's value in a question about that attribute is not a guess: in
 * "Is it made of paper?" (with `made of` among material's `asks`) "paper" is a material even
 * when an item is called Paper. Without such a word the name is a guess, as in "Is it paper?".
 */
const saidAsValue = (attributes: readonly CatalogAttribute[], mention: Span, lower: string): boolean =>
  attributes.some((attribute) => {
    if (!matches(attribute.asks, lower)) return false;
    return attribute.values.some((value) => spans(value.patterns, lower).some((span) => span.start <= mention.start && span.end >= mention.end));
  });

/** Numeric comparisons belong to the numeric attribute the text mentions (or the only one there is). */
const comparisonFor = (attributes: readonly CatalogAttribute[], attribute: CatalogAttribute, lower: string, comparisons: readonly Comparison[]): Comparison | undefined => {
  if (attribute.type !== 'numeric' || comparisons.length === 0) return undefined;
  const numeric = attributes.filter((each) => each.type === 'numeric');
  return numeric.length === 1 || matches(attribute.asks, lower) ? comparisons[0] : undefined;
};

type Readable<I> = { items: readonly I[]; attributes: readonly CatalogAttribute[] };

/**
 * Readings already made, per catalog. Simulated users, the judge and the guess reviewer read every
 * earlier agent turn again at each turn, and agents say the same few hundred utterances
 * thousands of times: without this, reading was most of the time spent imagining a guessing
 * task. A reading depends on the catalog and the text alone, and callers never change one.
 */
const readings = rememberedPerOwner((catalog: Readable<CatalogItem>, text: string): AgentReading => readFresh(catalog, text));

/** Names end the reading: a text that names an item is a recommendation or a guess, not a question. */
export const readAgentText = <I extends CatalogItem>(catalog: Readable<I>, text: string): AgentReading<I> => readings(catalog, text) as AgentReading<I>;

const readFresh = <I extends CatalogItem>(catalog: Readable<I>, text: string): AgentReading<I> => {
  const lower = normalise(text);
  const named = itemMentions(catalog.items, lower).filter((mention) => !saidAsValue(catalog.attributes, mention, lower));
  if (named.length > 0) return { items: named.map(({ item }) => item), asked: [] };
  const comparisons = catalog.attributes.some((attribute) => attribute.type === 'numeric') ? readComparisons(lower) : [];
  const asked: Question[] = [];
  const read = valuesRead(catalog.attributes, lower);
  for (const attribute of catalog.attributes) {
    const offered = read.get(attribute.name) ?? [];
    const compare = comparisonFor(catalog.attributes, attribute, lower, comparisons);
    if (compare !== undefined) asked.push({ attribute: attribute.name, offered, compare });
    else if (offered.length > 0 || matches(attribute.asks, lower)) asked.push({ attribute: attribute.name, offered });
  }
  return { items: [], asked };
};
