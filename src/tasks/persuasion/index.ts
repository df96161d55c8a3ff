/**
 * The built-in `persuasion` task: win a pledge from a donor whose values are hidden, with its
 * simulator, so it runs offline like `travel`.
 *
 * @example
 * const task = await loadPersuasionTask();
 */
import { readFile } from 'node:fs/promises';
import { parseTaskSpec } from '../../task/load.ts';
import type { TaskSimulator } from '../../task/types.ts';
import { fromScriptedUser } from '../scripted.ts';
import { naivePersuasionAgent, oraclePersuasionAgent, persuasionBehaviours } from './agents.ts';
import { judgePersuasion } from './judge.ts';
import { describePersuasionPersona, persuasionPersonaSchema, samplePersuasionPersona } from './persona.ts';
import type { PersuasionPersona } from './persona.ts';
import { createPersuasionUser } from './user.ts';

const specFile = new URL('./task.yaml', import.meta.url);

export const loadPersuasionTask = async (): Promise<TaskSimulator<PersuasionPersona>> => {
  const spec = parseTaskSpec(await readFile(specFile, 'utf8'), 'persuasion/task.yaml');
  return {
    spec,
    personaSchema: persuasionPersonaSchema,
    samplePersona: samplePersuasionPersona,
    describePersona: describePersuasionPersona,
    createUser: (persona, rng) => fromScriptedUser(createPersuasionUser(persona, rng)),
    judge: async (persona, turns) => judgePersuasion(persona, turns, { turnCost: spec.turnCost }),
    behaviours: persuasionBehaviours,
    naive: naivePersuasionAgent,
    oracle: oraclePersuasionAgent,
  };
};
