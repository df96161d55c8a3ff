/**
 * The built-in `travel` task: the paper's preference-elicitation task. Its activities and the
 * way people talk about them are data (catalog.yaml), played by the generic recommendation
 * simulator; the spec is task.yaml.
 *
 * @example
 * const task = await loadTravelTask();
 * const persona = task.samplePersona(createRng(1));
 */
import { fileURLToPath } from 'node:url';
import type { TaskSimulator } from '../../task/types.ts';
import { loadCatalogFile } from '../catalog/load.ts';
import type { RecommendationCatalog } from '../catalog/model.ts';
import { recommendationTask } from '../catalog/task.ts';
import { costs, kinds, paces, settings, travelPersonaSchema } from './persona.ts';
import type { TravelPersona } from './persona.ts';

const catalogFile = fileURLToPath(new URL('./catalog.yaml', import.meta.url));

/** The typed persona view must describe what the catalog draws; a catalog edit that breaks it fails here. */
const checkShape = (catalog: RecommendationCatalog): void => {
  const expected: Record<string, readonly string[]> = { kind: kinds, setting: settings, pace: paces, cost: costs };
  const actual = Object.fromEntries(catalog.attributes.map((attribute) => [attribute.name, attribute.values.map((value) => value.name)]));
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${catalogFile}: its attributes ${JSON.stringify(actual)} no longer match travel/persona.ts ${JSON.stringify(expected)}`);
  }
};

export const loadTravelCatalog = async (): Promise<RecommendationCatalog> => {
  const catalog = await loadCatalogFile(catalogFile);
  if (catalog.family !== 'recommendation') throw new Error(`${catalogFile} is not a recommendation catalog`);
  checkShape(catalog);
  return catalog;
};

export const loadTravelTask = async (): Promise<TaskSimulator<TravelPersona>> =>
  ({ ...recommendationTask(await loadTravelCatalog()), personaSchema: travelPersonaSchema }) as unknown as TaskSimulator<TravelPersona>;
