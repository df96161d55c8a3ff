/**
 * The built-in `instruction` task: the paper's teaching task — explain behaviour cloning to a
 * learner whose background is hidden — with its simulator, so it runs offline like `travel`.
 *
 * @example
 * const task = await loadInstructionTask();
 */
import { readFile } from 'node:fs/promises';
import { parseTaskSpec } from '../../task/load.ts';
import type { TaskSimulator } from '../../task/types.ts';
import { fromScriptedUser } from '../scripted.ts';
import { instructionBehaviours, naiveInstructionAgent, oracleInstructionAgent } from './agents.ts';
import { judgeInstruction } from './judge.ts';
import { describeInstructionPersona, instructionPersonaSchema, sampleInstructionPersona } from './persona.ts';
import type { InstructionPersona } from './persona.ts';
import { createInstructionUser } from './user.ts';

const specFile = new URL('./task.yaml', import.meta.url);

export const loadInstructionTask = async (): Promise<TaskSimulator<InstructionPersona>> => {
  const spec = parseTaskSpec(await readFile(specFile, 'utf8'), 'instruction/task.yaml');
  const judgeOptions = { threshold: spec.success.threshold, turnCost: spec.turnCost };
  return {
    spec,
    personaSchema: instructionPersonaSchema,
    samplePersona: sampleInstructionPersona,
    describePersona: describeInstructionPersona,
    createUser: (persona, rng) => fromScriptedUser(createInstructionUser(persona, rng)),
    judge: async (persona, turns) => judgeInstruction(persona, turns, judgeOptions),
    behaviours: instructionBehaviours,
    naive: naiveInstructionAgent,
    oracle: oracleInstructionAgent,
  };
};
