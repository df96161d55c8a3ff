/**
 * The built-in `countries` task: twenty questions over the countries of the world-countries
 * npm package, played by the generic guessing simulator from catalog.yaml.
 *
 * @example
 * const task = await loadCountriesTask();
 */
import { fileURLToPath } from 'node:url';
import type { TaskSimulator } from '../../task/types.ts';
import type { GuessingPersona } from '../catalog/guess/persona.ts';
import { loadCatalogFile } from '../catalog/load.ts';
import { guessingTask } from '../catalog/task.ts';

export const countriesCatalogFile = fileURLToPath(new URL('./catalog.yaml', import.meta.url));

export const loadCountriesTask = async (): Promise<TaskSimulator<GuessingPersona>> => {
  const catalog = await loadCatalogFile(countriesCatalogFile);
  if (catalog.family !== 'guessing') throw new Error(`${countriesCatalogFile} is not a guessing catalog`);
  return guessingTask(catalog);
};
