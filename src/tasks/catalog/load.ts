/**
 * Reads a catalog file: YAML with items, typed attributes, phrasing and a task spec, checked
 * from end to end so that a catalog that loads is one the simulator can play. Every error
 * names the file and line; the last check reads back every question the agents can ask and
 * fails when the user simulator would not understand it.
 *
 * @example
 * const catalog = await loadCatalogFile('my-catalog.yaml');
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { loadTaskSpecFile } from '../../task/load.ts';
import { taskSpecSchema } from '../../task/spec.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { compileAttributes, compileItems, rawItemsFromFile } from './compile.ts';
import { CatalogError, parseLocatedYaml } from './errors.ts';
import type { LocatedYaml, Path } from './errors.ts';
import { agentQuestions } from './questions.ts';
import type { Catalog, CatalogAttribute, CatalogItem } from './model.ts';
import { itemsMentioned, readAgentText } from './reading.ts';
import { catalogFileSchema } from './schema.ts';
import type { CatalogFile } from './schema.ts';
import { readSource } from './source.ts';

export const familyBehaviours = {
  recommendation: { eager: 0.15, 'open-questions': 0.3, 'narrow-options': 0.3, 'random-mix': 0.25 },
  guessing: { 'random-questions': 0.25, 'split-questions': 0.3, 'early-guesser': 0.15, 'random-mix': 0.3 },
} as const;

/** Checks a value against a schema, failing at the line of the first problem under `prefix`. */
const validated = <T>(schema: z.ZodType<T>, value: unknown, yaml: LocatedYaml, prefix: Path = []): T => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [...prefix, ...(issue?.path ?? []).map((key) => (typeof key === 'symbol' ? String(key) : key))];
  // An unknown key is pointed at itself, not at the mapping that holds it.
  if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) return yaml.fail([...path, issue.keys[0]], 'unknown key; check its spelling and the README');
  return yaml.fail(path, issue?.message ?? 'invalid catalog');
};

const specOf = async (file: string, task: CatalogFile['task'], yaml: LocatedYaml): Promise<TaskSpec> =>
  typeof task === 'string' ? loadTaskSpecFile(resolve(dirname(file), task)) : validated(taskSpecSchema, task, yaml, ['task']);

/** A filter's value as a value name: booleans are written true/false but named yes/no. */
const valueName = (value: unknown): string => (value === true ? 'yes' : value === false ? 'no' : String(value));

/** Names in a filter must be attributes, and values their values. */
const filtered = (where: Readonly<Record<string, unknown>>, attributes: readonly CatalogAttribute[], items: readonly CatalogItem[], yaml: LocatedYaml, path: string[]): CatalogItem[] => {
  for (const [name, value] of Object.entries(where)) {
    const attribute = attributes.find((each) => each.name === name);
    if (attribute === undefined) yaml.fail([...path, name], `"${name}" is not a declared attribute`);
    if (!attribute.values.some((each) => each.name === valueName(value))) yaml.fail([...path, name], `"${valueName(value)}" is not a value of ${name}`);
  }
  const kept = items.filter((item) => Object.entries(where).every(([name, value]) => (item.values[name] ?? []).includes(valueName(value))));
  if (kept.length === 0) yaml.fail(path, 'no item matches');
  return kept;
};

/** The simulator must understand every question and name the agents can say. */
const checkPhrasing = (catalog: Catalog, yaml: LocatedYaml): void => {
  for (const question of agentQuestions(catalog)) {
    const asked = readAgentText(catalog, question.text).asked.find((each) => each.attribute === question.attribute);
    const understood = asked !== undefined && (question.value === undefined || asked.offered.includes(question.value) || asked.compare !== undefined);
    if (!understood) {
      yaml.fail(question.origin, `the user simulator would not understand "${question.text}" as a question about ${question.attribute}${question.value === undefined ? '' : ` = ${question.value}`}; add words to \`asks\` or to the value's words`);
    }
  }
  const templates = catalog.family === 'recommendation' ? catalog.recommend : catalog.guess;
  const key = catalog.family === 'recommendation' ? 'recommend' : 'guess';
  const item = catalog.items[0] as CatalogItem;
  templates.forEach((template, index) => {
    const said = template.replace('{name}', item.name);
    if (!itemsMentioned(catalog.items, said).includes(item)) yaml.fail(['phrasing', key, index], `"${template}" does not name the item: use {name}`);
  });
};

export const parseCatalog = async (text: string, file: string): Promise<Catalog> => {
  const yaml = parseLocatedYaml(text, file);
  const parsed = validated(catalogFileSchema, yaml.value, yaml);
  const spec = await specOf(file, parsed.task, yaml);
  const attributes = compileAttributes(parsed.attributes, parsed.family, yaml);
  if ((parsed.items === undefined) === (parsed.source === undefined)) yaml.fail([], 'give the items either as `items` or as a `source` data set, not both');
  const raws = parsed.items !== undefined ? rawItemsFromFile(parsed.items, attributes, yaml) : await readSource(parsed.source!, file, yaml);
  if (parsed.source !== undefined) {
    for (const name of Object.keys(parsed.source.fields)) if (!attributes.some((each) => each.name === name)) yaml.fail(['source', 'fields', name], `"${name}" is not a declared attribute`);
  }
  const items = compileItems(raws, attributes, yaml);
  const known = Object.keys(familyBehaviours[parsed.family]);
  for (const name of Object.keys(parsed.behaviours ?? {})) if (!known.includes(name)) yaml.fail(['behaviours', name], `unknown behaviour "${name}" (${known.join(', ')})`);
  const behaviours: Record<string, number> = { ...familyBehaviours[parsed.family], ...parsed.behaviours };
  if (Object.values(behaviours).every((weight) => weight === 0)) yaml.fail(['behaviours'], 'at least one behaviour needs a weight above 0');
  const naive = parsed.naive === undefined ? items : filtered(parsed.naive.where, attributes, items, yaml, ['naive', 'where']);
  const [low, high] = parsed.persona.patience;
  if (low > high) yaml.fail(['persona', 'patience'], `patience [${low}, ${high}]: the first number is the least`);
  const base = { file, spec, items, attributes, behaviours, naive, openings: parsed.phrasing.openings, confused: parsed.phrasing.confused, patience: parsed.persona.patience };
  let catalog: Catalog;
  if (parsed.family === 'recommendation') {
    const keep = Object.entries(parsed.persona.keep).map(([attribute, chance]) => {
      const declared = attributes.find((each) => each.name === attribute);
      if (declared === undefined) return yaml.fail(['persona', 'keep', attribute], `"${attribute}" is not a declared attribute`);
      if (typeof chance === 'object') for (const value of Object.keys(chance)) if (!declared.values.some((each) => each.name === value)) yaml.fail(['persona', 'keep', attribute, value], `"${value}" is not a value of ${attribute}`);
      return { attribute, chance };
    });
    const { options, recommend, noun } = parsed.phrasing;
    catalog = { ...base, family: 'recommendation', keep, vague: parsed.persona.vague, maxOffered: parsed.maxOffered, noun, options, recommend };
  } else {
    for (const name of Object.keys(parsed.persona.unsure)) if (!attributes.some((each) => each.name === name)) yaml.fail(['persona', 'unsure', name], `"${name}" is not a declared attribute`);
    catalog = { ...base, family: 'guessing', unsure: parsed.persona.unsure, guess: parsed.phrasing.guess };
  }
  checkPhrasing(catalog, yaml);
  return catalog;
};

export const loadCatalogFile = async (file: string): Promise<Catalog> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new CatalogError(file, undefined, `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  return parseCatalog(text, file);
};
