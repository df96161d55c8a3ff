/**
 * What the benches that read a guessing task's belief share: the built-in catalog that decides
 * which items fit the answers, where the item sits in a belief, and how a belief over the items
 * meets the answers.
 *
 * @example
 * const catalog = await guessingCatalogOf('countries', '--task countries');
 * beliefFit(items, belief, fitting) // → { mass: 0.93, top: 'FRA', topFits: true }
 */
import { loadCatalogFile } from '../src/tasks/catalog/load.ts';
import type { GuessingCatalog } from '../src/tasks/catalog/model.ts';
import { countriesCatalogFile } from '../src/tasks/countries/index.ts';

const catalogFiles: Record<string, string> = { countries: countriesCatalogFile };

/** The catalog of a built-in guessing task; `where` names what asked for it in the error. */
export const guessingCatalogOf = async (taskName: string, where: string): Promise<GuessingCatalog> => {
  const file = catalogFiles[taskName];
  if (file === undefined) throw new Error(`${where}: this bench reads the built-in guessing catalogs (${Object.keys(catalogFiles).join(', ')}), not ${taskName}`);
  const catalog = await loadCatalogFile(file);
  if (catalog.family !== 'guessing') throw new Error(`${file} is not a guessing catalog`);
  return catalog;
};

/** Where the item field sits in a belief over persona fields (in head order), and its values. */
export const itemField = (fields: readonly { name: string; values: readonly string[] }[], where: string): { offset: number; items: readonly string[] } => {
  const at = fields.findIndex((field) => field.name === 'item');
  if (at < 0) throw new Error(`${where}: the belief predicts no item field (train with --belief-weight above 0)`);
  return { offset: fields.slice(0, at).reduce((sum, field) => sum + field.values.length, 0), items: fields[at]?.values ?? [] };
};

/** A belief over `items` against the items that fit the answers: its mass on them, and its most believed item. */
export const beliefFit = (items: readonly string[], belief: readonly number[], fitting: ReadonlySet<string>): { mass: number; top: string; topFits: boolean } => {
  const top = items[belief.indexOf(Math.max(...belief))] ?? '';
  return { mass: items.reduce((sum, id, i) => sum + (fitting.has(id) ? (belief[i] ?? 0) : 0), 0), top, topFits: fitting.has(top) };
};
