/**
 * Reads a catalog file: YAML with items, typed attributes, phrasing and a task spec, checked
 * from end to end so that a catalog that loads is one the simulator can play. Every error
 * names the file and line. Schema problems are reported all at once; a problem that stops
 * compiling is reported alone; then the whole-catalog checks (checks/) read back every name and
 * every question the agents can ask, and any error among them stops the load.
 *
 * @example
 * const catalog = await loadCatalogFile('my-catalog.yaml');
 * const { problems } = await inspectCatalog(text, 'my-catalog.yaml'); // what `reverie check` prints
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { loadTaskSpecFile } from '../../task/load.ts';
import { missingOr, taskSpecHint, taskSpecProblems } from '../../task/check.ts';
import { taskSpecSchema } from '../../task/spec.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { compileAttributes, compileItems, rawItemsFromFile } from './compile.ts';
import { catalogProblems } from './checks/index.ts';
import { CatalogError, catalogFormatHint, parseLocatedYaml } from './errors.ts';
import { CatalogProblemsError, fromCatalogError, locate } from './problems.ts';
import type { LocatedProblem, Problem } from './problems.ts';
import { TaskSpecError } from '../../task/load.ts';
import type { LocatedYaml, Path } from './errors.ts';
import type { Catalog, CatalogAttribute, CatalogItem } from './model.ts';
import { itemsMentioned } from './reading.ts';
import { catalogFileSchema } from './schema.ts';
import type { CatalogFile } from './schema.ts';
import { readSource } from './source.ts';

export const familyBehaviours = {
  recommendation: { eager: 0.15, 'open-questions': 0.3, 'narrow-options': 0.3, 'random-mix': 0.25 },
  guessing: { 'random-questions': 0.25, 'split-questions': 0.3, 'early-guesser': 0.15, 'random-mix': 0.3 },
} as const;

/** A schema's problems with a value, each at its path under `prefix`. */
const schemaProblems = (schema: z.ZodType, value: unknown, prefix: Path = []): Problem[] => {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))];
    // An unknown key is pointed at itself, not at the mapping that holds it.
    if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
      const docs = prefix[0] === 'task' ? 'docs/task-format.md' : 'docs/catalog-format.md';
      return { severity: 'error', path: [...path, issue.keys[0]], message: 'unknown key; check its spelling', hint: `${path.length > 0 ? `${path.join('.')} takes` : 'A catalog takes'} the keys listed in ${docs}.` };
    }
    return { severity: 'error', path, message: missingOr(issue), hint: prefix[0] === 'task' ? taskSpecHint : catalogFormatHint };
  });
};

/**
 * Checks a value against a schema; every problem is reported, each at its line. An embedded
 * task spec is checked at the same time, so that one run shows the problems of both.
 */
const validated = <T>(schema: z.ZodType<T>, value: unknown, yaml: LocatedYaml, prefix: Path = []): T => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const task = prefix.length === 0 && value !== null && typeof value === 'object' ? (value as { task?: unknown }).task : undefined;
  const problems = [
    ...schemaProblems(schema, value, prefix),
    ...(task !== null && typeof task === 'object' ? schemaProblems(taskSpecSchema, task, ['task']) : []),
  ].sort((a, b) => (yaml.positionOf(a.path)?.line ?? 0) - (yaml.positionOf(b.path)?.line ?? 0));
  throw new CatalogProblemsError(yaml.file, locate(yaml.file, yaml, problems));
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

/** Recommendation templates must name the item they recommend. */
const checkRecommendTemplates = (catalog: Catalog, yaml: LocatedYaml): void => {
  if (catalog.family !== 'recommendation') return;
  const item = catalog.items[0] as CatalogItem;
  catalog.recommend.forEach((template, index) => {
    const said = template.replace('{name}', item.name);
    if (!itemsMentioned(catalog.items, said).includes(item)) yaml.fail(['phrasing', 'recommend', index], `"${template}" does not name the item: use {name}`);
  });
};

/** Where each value's `recognise` entries are written, for the checks that read them back. */
const recognisersOf = (parsed: CatalogFile) => (attribute: string, value: string): readonly string[] => {
  const spec = parsed.attributes[attribute];
  const values = spec?.type === 'numeric' ? spec.buckets : spec?.values;
  return values === undefined || Array.isArray(values) ? [] : (values[value]?.recognise ?? []);
};

/** A catalog and every problem found in it; a problem that stops compiling is the only one. */
export type Inspection = { catalog?: Catalog; problems: LocatedProblem[] };

export const inspectCatalog = async (text: string, file: string): Promise<Inspection> => {
  try {
    return await compileCatalog(text, file);
  } catch (error) {
    if (error instanceof CatalogProblemsError) return { problems: [...error.problems] };
    if (error instanceof CatalogError) return { problems: [fromCatalogError(error)] };
    if (error instanceof TaskSpecError) {
      // The catalog names a spec file with problems: every one of them, as `check` shows a spec's.
      const spec = await readFile(error.file, 'utf8').catch(() => undefined);
      const problems = spec === undefined ? [] : taskSpecProblems(spec, error.file);
      return { problems: problems.length > 0 ? problems : [{ file: error.file, position: undefined, severity: 'error', message: error.message.replace(`${error.file}: `, ''), hint: error.hint ?? '' }] };
    }
    throw error;
  }
};

/** Reads a catalog and checks it whole; throws only when it cannot compile at all. */
const compileCatalog = async (text: string, file: string): Promise<{ catalog: Catalog; problems: LocatedProblem[] }> => {
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
  checkRecommendTemplates(catalog, yaml);
  const itemPath = (index: number, n: number): Path => {
    const at = raws[index]?.origin(n === 0 ? 'name' : 'aliases') ?? [];
    return parsed.items !== undefined && n > 0 ? [...at, n - 1] : at;
  };
  const problems = catalogProblems(catalog, { itemPath, recognisers: recognisersOf(parsed) });
  return { catalog, problems: locate(file, yaml, problems) };
};

/** Reads a catalog; any error found by the checks stops it, with every problem attached. */
export const parseCatalog = async (text: string, file: string): Promise<Catalog> => {
  const { catalog, problems } = await compileCatalog(text, file);
  if (problems.some((problem) => problem.severity === 'error')) throw new CatalogProblemsError(file, problems);
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
