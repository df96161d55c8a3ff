/**
 * A catalog once loaded: every attribute reduced to named values (a numeric attribute's values
 * are its buckets, a boolean's are `yes` and `no`), every item to the values it has for each
 * attribute, and every phrase compiled to the patterns that recognise it. The simulators of both
 * families work on this shape only, never on the file.
 *
 * @example
 * hasValue(catalog.items[0], 'region', 'Europe') // → true for France
 */
import type { TaskSpec } from '../../task/spec.ts';

export type AttributeType = 'categorical' | 'numeric' | 'boolean' | 'set';

export type CatalogValue = {
  name: string;
  /** How people say it; the first is the usual phrase. */
  words: readonly string[];
  label: string;
  /** Recommendation: sentences a user states this preference with, overriding the attribute's. */
  says?: readonly string[];
  /** Tested on normalised text (see reading.ts); any match means the value is mentioned. */
  patterns: readonly RegExp[];
  /** Numeric buckets: the bucket holds numbers below this bound. */
  below?: number;
  /** Guessing: this value's own question templates, instead of its attribute's `ask`. */
  ask?: readonly string[];
  /** Values of the same attribute a question about which holds for this one too. */
  countsAs: readonly string[];
  /** Guessing: answers to a question about this value alone. */
  answers?: Partial<Pick<Answers, 'yes' | 'no'>>;
};

/** Answer templates of a guessing attribute, with {words}. */
export type Answers = { yes: readonly string[]; no: readonly string[]; unsure: readonly string[]; missing: readonly string[] };

export type CatalogAttribute = {
  name: string;
  type: AttributeType;
  values: readonly CatalogValue[];
  range?: readonly [number, number];
  thresholds: readonly number[];
  /** A question about the attribute without a value. */
  asks: readonly RegExp[];
  questions: readonly string[];
  ask: readonly string[];
  compare: readonly string[];
  weight: number;
  preference: 'exact' | 'ceiling';
  fit: Readonly<Record<string, Readonly<Record<string, number>>>>;
  user: { says: readonly string[]; any: readonly string[]; vague: readonly string[] };
  describe: string;
  describeAny: string;
  /** Guessing: the attribute whose values contain this one's (subregion within region). */
  within?: string;
  answers: Answers;
};

export type CatalogItem = {
  id: string;
  name: string;
  /** The name and every alias. */
  names: readonly string[];
  /** "a", "an" or "" before the name in `{a name}`; by default from the name's first letter. */
  article?: string;
  description: string;
  /** Finds the item's name or an alias, as whole words, in normalised text. */
  pattern: RegExp;
  /**
   * attribute → the values it has (one for categorical, numeric and boolean; any number for
   * sets). An attribute the data says nothing about is absent; an empty list is a known "none".
   */
  values: Readonly<Record<string, readonly string[]>>;
  /** numeric attribute → the number itself. */
  numbers: Readonly<Record<string, number>>;
};

type CatalogBase = {
  /** Where the catalog came from, for messages. */
  file: string;
  spec: TaskSpec;
  items: readonly CatalogItem[];
  /** In the file's order, which for recommendation is also the order of importance. */
  attributes: readonly CatalogAttribute[];
  behaviours: Readonly<Record<string, number>>;
  naive: readonly CatalogItem[];
  openings: readonly string[];
  confused: string;
};

export type RecommendationCatalog = CatalogBase & {
  family: 'recommendation';
  keep: readonly { attribute: string; chance: number | Readonly<Record<string, number>> }[];
  vague: number;
  patience: readonly [number, number];
  maxOffered: number;
  /** What an item is called, singular and plural. */
  noun: readonly [string, string];
  options: readonly string[];
  recommend: readonly string[];
};

export type GuessingCatalog = CatalogBase & {
  family: 'guessing';
  unsure: Readonly<Record<string, number>>;
  patience: readonly [number, number];
  guess: readonly string[];
};

export type Catalog = RecommendationCatalog | GuessingCatalog;

export const attributeNamed = (catalog: { attributes: readonly CatalogAttribute[] }, name: string): CatalogAttribute => {
  const found = catalog.attributes.find((attribute) => attribute.name === name);
  if (found === undefined) throw new Error(`unreachable: no attribute ${name}`);
  return found;
};

export const valuesOf = (item: CatalogItem, attribute: string): readonly string[] => item.values[attribute] ?? [];

/** Whether the item's data says anything about the attribute. */
export const knows = (item: CatalogItem, attribute: string): boolean => item.values[attribute] !== undefined;

export const hasValue = (item: CatalogItem, attribute: string, value: string): boolean => valuesOf(item, attribute).includes(value);

/** The position of a value in its attribute's declared order; ceilings compare by it. */
export const rankOf = (attribute: CatalogAttribute, value: string): number => attribute.values.findIndex((each) => each.name === value);

/** The questions a guesser can ask about one value: its own, else its attribute's. */
export const askTemplates = (attribute: CatalogAttribute, value: CatalogValue): readonly string[] => value.ask ?? attribute.ask;

/** Whether a yes/no question about `value` is true of the item: it has the value, or one that counts as it. */
export const holds = (attribute: CatalogAttribute, item: CatalogItem, value: string): boolean =>
  valuesOf(item, attribute.name).some((name) => name === value || (valueNamed(attribute, name)?.countsAs.includes(value) ?? false));

export const valueNamed = (attribute: CatalogAttribute, name: string): CatalogValue | undefined => attribute.values.find((value) => value.name === name);
