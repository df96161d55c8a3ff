/**
 * One simulator for every catalog: a recommendation catalog gives users with hidden
 * preferences and a judge of the recommended item, a guessing catalog gives users with a hidden
 * item and a judge of the guess. Both run offline like any built-in task.
 *
 * @example
 * const task = await loadCatalogTask('src/tasks/countries/catalog.yaml');
 * await imagineOffline(task, { count: 100, seed: 1, file: 'run/dialogues.jsonl' });
 */
import type { TaskSimulator } from '../../task/types.ts';
import { fromScriptedUser } from '../scripted.ts';
import { guessingAgents } from './guess/agents.ts';
import { reviewGuesses } from './guess/review.ts';
import { judgeGuessing } from './guess/judge.ts';
import { describeGuessingPersona, guessingPersonaSchema, sampleGuessingPersona } from './guess/persona.ts';
import type { GuessingPersona } from './guess/persona.ts';
import { createGuessingUser } from './guess/user.ts';
import { loadCatalogFile } from './load.ts';
import type { Catalog, GuessingCatalog, RecommendationCatalog } from './model.ts';
import { recommendationAgents } from './recommend/agents.ts';
import { judgeRecommendation } from './recommend/judge.ts';
import { describeRecommendationPersona, recommendationPersonaSchema, sampleRecommendationPersona } from './recommend/persona.ts';
import type { RecommendationPersona } from './recommend/persona.ts';
import { createRecommendationUser } from './recommend/user.ts';

export const recommendationTask = (catalog: RecommendationCatalog): TaskSimulator<RecommendationPersona> => {
  const { spec } = catalog;
  const options = { threshold: spec.success.threshold, turnCost: spec.turnCost };
  const agents = recommendationAgents(catalog);
  return {
    spec,
    personaSchema: recommendationPersonaSchema(catalog),
    samplePersona: (rng) => sampleRecommendationPersona(catalog, rng),
    describePersona: (persona) => describeRecommendationPersona(catalog, persona),
    createUser: (persona, rng) => fromScriptedUser(createRecommendationUser(catalog, persona, rng, spec.success.threshold)),
    judge: async (persona, turns) => judgeRecommendation(catalog, persona, turns, options),
    behaviours: agents.behaviours,
    naive: agents.naive,
    oracle: agents.oracle,
  };
};

export const guessingTask = (catalog: GuessingCatalog): TaskSimulator<GuessingPersona> => {
  const { spec } = catalog;
  const options = { threshold: spec.success.threshold, turnCost: spec.turnCost };
  const agents = guessingAgents(catalog);
  return {
    spec,
    personaSchema: guessingPersonaSchema(catalog),
    samplePersona: (rng) => sampleGuessingPersona(catalog, rng),
    describePersona: (persona) => describeGuessingPersona(catalog, persona),
    createUser: (persona, rng) => fromScriptedUser(createGuessingUser(catalog, persona, rng)),
    judge: async (persona, turns) => judgeGuessing(catalog, persona, turns, options),
    behaviours: agents.behaviours,
    naive: agents.naive,
    oracle: agents.oracle,
    reviewGuesses: (turns) => reviewGuesses(catalog, turns),
  };
};

export const catalogTask = (catalog: Catalog): TaskSimulator<unknown> =>
  (catalog.family === 'recommendation' ? recommendationTask(catalog) : guessingTask(catalog)) as TaskSimulator<unknown>;

export const loadCatalogTask = async (file: string): Promise<TaskSimulator<unknown>> => catalogTask(await loadCatalogFile(file));
