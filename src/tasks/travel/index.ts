/**
 * The built-in `travel` task: the paper's preference-elicitation task, with its simulator.
 *
 * @example
 * const task = await loadTravelTask();
 * const persona = task.samplePersona(createRng(1));
 */
import { readFile } from 'node:fs/promises';
import { parseTaskSpec } from '../../task/load.ts';
import type { TaskSimulator } from '../../task/types.ts';
import { naiveTravelAgent, oracleTravelAgent, travelBehaviours } from './agents.ts';
import { judgeTravel } from './judge.ts';
import { describeTravelPersona, sampleTravelPersona, travelPersonaSchema } from './persona.ts';
import type { TravelPersona } from './persona.ts';
import { createTravelUser } from './user.ts';

const specFile = new URL('./task.yaml', import.meta.url);

export const loadTravelTask = async (): Promise<TaskSimulator<TravelPersona>> => {
  const spec = parseTaskSpec(await readFile(specFile, 'utf8'), 'travel/task.yaml');
  const judgeOptions = { threshold: spec.success.threshold, turnCost: spec.turnCost };
  return {
    spec,
    personaSchema: travelPersonaSchema,
    samplePersona: sampleTravelPersona,
    describePersona: describeTravelPersona,
    createUser: (persona, rng) => createTravelUser(persona, rng, spec.success.threshold),
    judge: (persona, turns) => judgeTravel(persona, turns, judgeOptions),
    behaviours: travelBehaviours,
    naive: naiveTravelAgent,
    oracle: oracleTravelAgent,
  };
};
