/**
 * Turns the attributes and items of a catalog file into the loaded model, checking what the
 * schema cannot: each type's own fields, declared values, bucket bounds, duplicate ids, and
 * the phrasing each family needs. Every error points at the line that causes it.
 *
 * @example
 * const attributes = compileAttributes(file.attributes, 'guessing', yaml);
 * const items = compileItems(raw, attributes, yaml);
 */
import type { LocatedYaml } from './errors.ts';
import type { Answers, CatalogAttribute, CatalogItem, CatalogValue } from './model.ts';
import { capitalise } from './phrase.ts';
import { bucketOf } from './numbers.ts';
import { compileRecognisers, namePattern } from './reading.ts';
import type { AttributeSpec, ValueSpec } from './schema.ts';
import type { RawItem } from './source.ts';

type Family = 'recommendation' | 'guessing';

/** Keys an item or persona uses for itself, so no attribute may take them. */
export const reservedNames = ['id', 'name', 'description', 'aliases', 'article', 'vague', 'patience', 'item', 'unsure'];

/** How the user answers by default: agents read "Yes" and "No" at the start of each sentence. */
export const defaultAnswers: Answers = {
  yes: ['Yes, {words}.'],
  no: ['No, not {words}.'],
  unsure: ["I'm not sure about that.", "I don't know, to be honest."],
  missing: ['It depends.'],
};

/** Answer templates must start the way agents read them: "Yes", "No", or neither for not knowing. */
const checkedAnswers = <A extends Partial<Answers>>(given: Partial<Answers> | undefined, yaml: LocatedYaml, path: readonly (string | number)[], defaults: A): A => {
  const answers = { ...defaults, ...given } as A;
  for (const [kind, templates] of Object.entries(answers)) {
    templates.forEach((template, index) => {
      const first = /^\W*(yes|no)\b/i.exec(template)?.[1]?.toLowerCase();
      const wanted = kind === 'yes' || kind === 'no' ? kind : undefined;
      if (first !== wanted) {
        const hint = wanted === undefined ? 'Agents take an answer starting "Yes" or "No" as a yes or a no; say "not sure" or "it depends" another way.' : `Agents read an answer by its first word: start it with "${capitalise(wanted)}".`;
        yaml.fail([...path, 'answers', kind, index], wanted === undefined ? `"${template}" starts with "${first ?? ''}", but the user does not know` : `"${template}" does not start with "${capitalise(wanted)}"`, hint);
      }
    });
  }
  return answers;
};

const patterns = (entries: readonly string[], yaml: LocatedYaml, path: readonly (string | number)[]): RegExp[] => {
  try {
    return compileRecognisers(entries);
  } catch (cause) {
    return yaml.fail(path, `a recogniser is not a valid regular expression (${(cause as Error).message})`);
  }
};

const compileValues = (declared: AttributeSpec['values'], yaml: LocatedYaml, path: readonly (string | number)[]): CatalogValue[] => {
  const entries: [string, ValueSpec | null][] = Array.isArray(declared) ? declared.map((name) => [name, null]) : Object.entries(declared ?? {});
  const seen = new Set<string>();
  const wordsOf = new Map(entries.map(([name, spec]) => [name, spec?.words ?? [name.replace(/[-_]/g, ' ')]]));
  return entries.map(([name, spec], index) => {
    const at = Array.isArray(declared) ? [...path, index] : [...path, name];
    if (seen.has(name)) yaml.fail(at, `value "${name}" is declared twice`);
    seen.add(name);
    const words = wordsOf.get(name) ?? [];
    const countsAs = spec?.countsAs ?? [];
    for (const other of countsAs) {
      if (other === name || !wordsOf.has(other)) yaml.fail([...at, 'countsAs'], `"${other}" is not another value of this attribute`, `countsAs names other values of the same attribute: ${[...wordsOf.keys()].filter((each) => each !== name).join(', ')}.`);
    }
    // A value that counts as another is read wherever the other is asked about.
    const borrowed = countsAs.flatMap((other) => wordsOf.get(other) ?? []).filter((word) => !words.includes(word) && !(spec?.recognise ?? []).includes(word));
    const value: CatalogValue = { name, words, label: spec?.label ?? name, patterns: patterns([...words, ...(spec?.recognise ?? []), ...borrowed], yaml, at), countsAs };
    if (spec?.says !== undefined) value.says = spec.says;
    if (spec?.below !== undefined) value.below = spec.below;
    if (spec?.ask !== undefined) value.ask = spec.ask;
    if (spec?.answers !== undefined) value.answers = checkedAnswers(spec.answers, yaml, at, {});
    return value;
  });
};

const numericValues = (name: string, spec: AttributeSpec, yaml: LocatedYaml): CatalogValue[] => {
  const path = ['attributes', name];
  if (spec.range === undefined) yaml.fail(path, 'a numeric attribute needs a range: [min, max]');
  if (spec.buckets === undefined) yaml.fail(path, 'a numeric attribute needs buckets: the words its numbers are called by');
  const [min, max] = spec.range;
  if (!(min < max)) yaml.fail([...path, 'range'], `the range's minimum ${min} is not below its maximum ${max}`);
  const buckets = compileValues(spec.buckets, yaml, [...path, 'buckets']);
  buckets.forEach((bucket, index) => {
    const at = [...path, 'buckets', bucket.name];
    const last = index === buckets.length - 1;
    if (last && bucket.below !== undefined) yaml.fail(at, 'the last bucket takes every number above the others, so it has no `below`');
    if (!last && bucket.below === undefined) yaml.fail(at, 'every bucket but the last needs `below`, the bound its numbers stay under');
    const previous = buckets[index - 1]?.below ?? min;
    if (bucket.below !== undefined && !(bucket.below > previous && bucket.below <= max)) {
      yaml.fail(at, `below: ${bucket.below} must lie above ${previous} and within the range [${min}, ${max}]`);
    }
  });
  return buckets;
};

const booleanValues = (name: string, spec: AttributeSpec, yaml: LocatedYaml): CatalogValue[] => {
  const values = compileValues(spec.values ?? ['yes', 'no'], yaml, ['attributes', name, 'values']);
  const names = values.map((value) => value.name).sort();
  if (names.join() !== 'no,yes') yaml.fail(['attributes', name, 'values'], 'a boolean attribute\'s values are `yes` and `no`');
  return values;
};

const compileAttribute = (name: string, spec: AttributeSpec, family: Family, yaml: LocatedYaml): CatalogAttribute => {
  const path = ['attributes', name];
  if (reservedNames.includes(name)) yaml.fail(path, `"${name}" is reserved; call the attribute something else`);
  if (spec.type !== 'numeric' && (spec.range !== undefined || spec.buckets !== undefined)) yaml.fail(path, `range and buckets belong to numeric attributes, not ${spec.type}`);
  if ((spec.type === 'categorical' || spec.type === 'set') && spec.values === undefined) yaml.fail(path, `a ${spec.type} attribute needs values`);
  if (spec.type === 'numeric' && spec.values !== undefined) yaml.fail([...path, 'values'], 'a numeric attribute is called by its buckets, not values');
  const values = spec.type === 'numeric' ? numericValues(name, spec, yaml) : spec.type === 'boolean' ? booleanValues(name, spec, yaml) : compileValues(spec.values, yaml, [...path, 'values']);
  if (values.length < 2) yaml.fail(path, 'an attribute needs at least two values (or buckets) to tell items apart');
  const valueNames = values.map((value) => value.name);
  for (const [ceiling, row] of Object.entries(spec.fit ?? {})) {
    for (const value of [ceiling, ...Object.keys(row)]) if (!valueNames.includes(value)) yaml.fail([...path, 'fit', ceiling], `"${value}" is not a value of ${name}`);
  }
  if (family === 'recommendation') {
    if (spec.weight === undefined) yaml.fail(path, 'a recommendation attribute needs a weight, its share of the judge\'s score');
    if (spec.questions.length === 0) yaml.fail(path, 'no phrasing: give `questions`, the open questions agents ask about it');
    if (spec.user?.says === undefined && values.some((value) => value.says === undefined)) yaml.fail(path, 'no phrasing: give `user.says`, how a user states a preference for it');
  } else if (spec.ask === undefined && values.every((value) => value.ask === undefined) && (spec.type !== 'numeric' || spec.compare === undefined)) {
    yaml.fail(path, `no phrasing: give \`ask\`, the yes/no questions agents ask about it${spec.type === 'numeric' ? ' (or `compare`)' : ''}`);
  }
  if (family === 'recommendation') {
    for (const key of ['ask', 'compare', 'within', 'answers'] as const) if (spec[key] !== undefined) yaml.fail([...path, key], `\`${key}\` belongs to guessing catalogs`, 'Recommendation agents ask open questions (`questions`) and offer values (`phrasing.options`).');
  }
  const bounds = values.flatMap((value) => (value.below === undefined ? [] : [value.below]));
  const attribute: CatalogAttribute = {
    name,
    type: spec.type,
    values,
    thresholds: spec.thresholds ?? bounds,
    asks: patterns(spec.asks, yaml, [...path, 'asks']),
    questions: spec.questions,
    ask: spec.ask ?? [],
    compare: spec.compare ?? [],
    weight: spec.weight ?? 0,
    preference: spec.preference,
    fit: spec.fit ?? {},
    user: { says: spec.user?.says ?? [], any: spec.user?.any ?? ["I don't mind."], vague: spec.user?.vague ?? ['Hmm, hard to say.'] },
    describe: spec.describe ?? `${name} {value}`,
    describeAny: spec.describeAny ?? `any ${name}`,
    answers: checkedAnswers(spec.answers, yaml, path, defaultAnswers),
  };
  if (spec.range !== undefined) attribute.range = spec.range;
  if (spec.within !== undefined) attribute.within = spec.within;
  return attribute;
};

export const compileAttributes = (specs: Readonly<Record<string, AttributeSpec>>, family: Family, yaml: LocatedYaml): CatalogAttribute[] => {
  const attributes = Object.entries(specs).map(([name, spec]) => compileAttribute(name, spec, family, yaml));
  if (attributes.length === 0) yaml.fail(['attributes'], 'declare at least one attribute');
  if (family === 'recommendation' && !attributes.some((attribute) => attribute.weight > 0)) yaml.fail(['attributes'], 'at least one attribute needs a weight above 0');
  for (const attribute of attributes) {
    const within = attribute.within;
    if (within !== undefined && (within === attribute.name || !attributes.some((each) => each.name === within))) {
      yaml.fail(['attributes', attribute.name, 'within'], `"${within}" is not another attribute`, `within names the attribute whose values contain this one's: ${attributes.filter((each) => each !== attribute).map((each) => each.name).join(', ')}.`);
    }
  }
  return attributes;
};

/** The values an item has for one attribute, checked against what the attribute declares. */
const itemValues = (raw: RawItem, attribute: CatalogAttribute, yaml: LocatedYaml): { values?: string[]; number?: number } => {
  const field = raw.fields[attribute.name];
  const at = raw.origin(attribute.name);
  const declared = attribute.values.map((value) => value.name);
  if (field === undefined || field === null) return {};
  if (attribute.type === 'numeric') {
    const [min, max] = attribute.range ?? [-Infinity, Infinity];
    if (typeof field !== 'number' || !(field >= min && field <= max)) yaml.fail(at, `${raw.id}: ${JSON.stringify(field)} is not a number in the range [${min}, ${max}]`);
    return { values: [bucketOf(attribute.values, field)], number: field };
  }
  if (attribute.type === 'boolean') {
    const value = field === true ? 'yes' : field === false ? 'no' : field;
    if (value !== 'yes' && value !== 'no') yaml.fail(at, `${raw.id}: ${JSON.stringify(field)} is not true or false`);
    return { values: [value] };
  }
  const given = (Array.isArray(field) ? field : [field]).map(String);
  if (attribute.type === 'categorical' && given.length > 1) yaml.fail(at, `${raw.id}: a categorical attribute has one value, got ${given.length}`);
  const unknown = given.filter((value) => !declared.includes(value));
  if (unknown.length > 0 && !raw.lenient.has(attribute.name)) {
    yaml.fail(at, `${raw.id}: "${unknown[0]}" is not a declared value of ${attribute.name} (declared: ${declared.join(', ')})`);
  }
  return { values: [...new Set(given.filter((value) => declared.includes(value)))] };
};

export const compileItems = (raws: readonly RawItem[], attributes: readonly CatalogAttribute[], yaml: LocatedYaml): CatalogItem[] => {
  const seen = new Set<string>();
  return raws.map((raw) => {
    if (seen.has(raw.id)) yaml.fail(raw.origin('id'), `duplicate item id "${raw.id}"`);
    seen.add(raw.id);
    const values: Record<string, readonly string[]> = {};
    const numbers: Record<string, number> = {};
    for (const attribute of attributes) {
      const read = itemValues(raw, attribute, yaml);
      if (read.values !== undefined) values[attribute.name] = read.values;
      if (read.number !== undefined) numbers[attribute.name] = read.number;
    }
    const names = [...new Set([raw.name, ...raw.aliases])];
    const item: CatalogItem = { id: raw.id, name: raw.name, names, description: raw.description, pattern: namePattern(names), values, numbers };
    if (raw.article !== undefined) item.article = raw.article;
    return item;
  });
};

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Items written in the catalog file itself. */
export const rawItemsFromFile = (items: readonly Record<string, unknown>[], attributes: readonly CatalogAttribute[], yaml: LocatedYaml): RawItem[] =>
  items.map((item, index) => {
    const at = (key: string) => ['items', index, key];
    const { id, name, description, aliases, article, ...fields } = item;
    if (typeof name !== 'string') return yaml.fail(['items', index], 'every item needs a name');
    if (id !== undefined && typeof id !== 'string') yaml.fail(at('id'), 'an id is a string');
    if (aliases !== undefined && !(Array.isArray(aliases) && aliases.every((alias) => typeof alias === 'string'))) yaml.fail(at('aliases'), 'aliases is a list of names');
    if (article !== undefined && typeof article !== 'string') yaml.fail(at('article'), 'an article is a word such as "a", "an" or "the", or "" for none');
    for (const key of Object.keys(fields)) if (!attributes.some((attribute) => attribute.name === key)) yaml.fail(at(key), `"${key}" is not a declared attribute`);
    return {
      id: typeof id === 'string' ? id : slug(name),
      name,
      aliases: (aliases as string[] | undefined) ?? [],
      description: typeof description === 'string' ? description : '',
      fields,
      origin: (key) => (key === 'id' && id === undefined ? at('name') : at(key)),
      lenient: new Set(),
      ...(typeof article === 'string' ? { article } : {}),
    };
  });
