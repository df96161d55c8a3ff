/**
 * Items from a public data set instead of a hand-written list: the records of an installed npm
 * package (or a JSON file), filtered, with each attribute read from a field of the record.
 * The catalog then describes only how the data is phrased, and the facts stay the data set's.
 *
 * @example
 * const raw = await readSource(source, 'countries/catalog.yaml', yaml);
 * raw[0] // → { id: 'FRA', name: 'France', aliases: ['French Republic'], description: '', fields: { region: 'Europe', … } }
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { LocatedYaml } from './errors.ts';
import type { SourceSpec } from './schema.ts';

/** An item before its values are checked against the attributes. */
export type RawItem = {
  id: string;
  name: string;
  aliases: string[];
  description: string;
  /** The article for `{a name}`, when the item sets one. */
  article?: string;
  fields: Record<string, unknown>;
  /** Where in the catalog file each field came from, for errors. */
  origin: (attribute: string) => readonly (string | number)[];
  /** Attributes whose undeclared data values are left out rather than reported. */
  lenient: ReadonlySet<string>;
};

const requireFromHere = createRequire(import.meta.url);

/** A dotted path into a record: `name.common`, `latlng.0`. */
export const fieldAt = (record: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), record);

const loadRecords = async (source: SourceSpec, file: string, yaml: LocatedYaml): Promise<unknown> => {
  if ((source.package === undefined) === (source.file === undefined)) yaml.fail(['source'], 'give exactly one of `package` and `file`');
  if (source.file !== undefined) {
    const path = resolve(dirname(file), source.file);
    const text = await readFile(path, 'utf8').catch((cause: NodeJS.ErrnoException) => yaml.fail(['source', 'file'], `cannot read ${path} (${cause.code ?? String(cause)})`));
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      return yaml.fail(['source', 'file'], `${path} is not JSON (${(cause as Error).message})`);
    }
  }
  const name = source.package as string;
  try {
    // The package's main export; JSON-only packages such as world-countries load through require.
    const loaded: unknown = requireFromHere(name);
    return loaded !== null && typeof loaded === 'object' && 'default' in loaded && !Array.isArray(loaded) ? (loaded as { default: unknown }).default : loaded;
  } catch (cause) {
    return yaml.fail(['source', 'package'], `cannot load the npm package "${name}" (${(cause as Error).message.split('\n')[0]}); install it with npm install ${name}`);
  }
};

const take = (value: unknown, how: 'value' | 'keys' | 'values'): unknown => {
  if (how === 'value' || value === null || typeof value !== 'object') return value;
  return how === 'keys' ? Object.keys(value) : Object.values(value);
};

export const readSource = async (source: SourceSpec, file: string, yaml: LocatedYaml): Promise<RawItem[]> => {
  const records = await loadRecords(source, file, yaml);
  if (!Array.isArray(records)) return yaml.fail(['source'], 'the data is not a list of records');
  const kept = records.filter((record) => Object.entries(source.where).every(([path, wanted]) => fieldAt(record, path) === wanted));
  if (kept.length === 0) return yaml.fail(['source', 'where'], 'no record of the data matches');
  const lenient = new Set(Object.entries(source.fields).flatMap(([attribute, field]) => (typeof field === 'object' && field.others === 'ignore' ? [attribute] : [])));
  return kept.map((record, index) => {
    const id = fieldAt(record, source.id);
    const name = fieldAt(record, source.name);
    if (typeof id !== 'string' && typeof id !== 'number') return yaml.fail(['source', 'id'], `record ${index} has no ${source.id}`);
    if (typeof name !== 'string') return yaml.fail(['source', 'name'], `record ${String(id)} has no ${source.name}`);
    const fields = Object.fromEntries(
      Object.entries(source.fields).map(([attribute, field]) =>
        typeof field === 'string' ? [attribute, fieldAt(record, field)] : [attribute, take(fieldAt(record, field.path), field.take)],
      ),
    );
    const aliases = source.aliases.map((path) => fieldAt(record, path)).filter((alias): alias is string => typeof alias === 'string' && alias !== name);
    const description = source.description === undefined ? '' : String(fieldAt(record, source.description) ?? '');
    // Names and aliases are pointed at where the source says which field they come from.
    const origin = (key: string) => (key === 'id' || key === 'name' || key === 'aliases' ? ['source', key] : ['source', 'fields', key]);
    return { id: String(id), name, aliases, description, fields, origin, lenient };
  });
};
