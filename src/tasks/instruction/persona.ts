/**
 * A learner's hidden persona: what they know of each prerequisite, how they describe it
 * (accurately, modestly, or overstating it, the paper's hard case), whether they answer open
 * questions vaguely, and how long they will listen.
 *
 * @example
 * const persona = sampleInstructionPersona(createRng(1));
 * learnerLevel(persona) // → 0, 1 or 2: the explanation level this learner follows (hidden from agents)
 */
import { z } from 'zod';
import type { Rng } from '../../util/rng.ts';
import { prerequisiteNames, prerequisites } from './concept.ts';
import type { Level } from './concept.ts';

const level = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const instructionPersonaSchema = z.object({
  /** The explanation level they follow: 0 everyday analogies, 1 plain machine learning, 2 formal. */
  level,
  /** What they know of each prerequisite: their level, give or take one. */
  knowledge: z.object({ supervised: level, rl: level, math: level }),
  /** How they describe their own knowledge when asked. */
  selfReport: z.enum(['accurate', 'modest', 'overconfident']),
  /** Answers open questions about their background vaguely, specific ones plainly. */
  vague: z.boolean(),
  /** Agent turns the learner sits through before leaving. */
  patience: z.number().int().min(1).max(50),
});

export type InstructionPersona = z.infer<typeof instructionPersonaSchema>;

export const learnerLevel = (persona: InstructionPersona): Level => persona.level;

export const sampleInstructionPersona = (rng: Rng): InstructionPersona => {
  // Each prerequisite is a noisy sign of the level: asking about one says something, asking
  // about several says more.
  const base = rng.int(0, 2) as Level;
  const around = (): Level => Math.min(2, Math.max(0, base + rng.weighted([-1, 0, 1], [0.25, 0.5, 0.25]))) as Level;
  return {
    level: base,
    knowledge: { supervised: around(), rl: around(), math: around() },
    selfReport: rng.weighted(['accurate', 'modest', 'overconfident'] as const, [0.5, 0.2, 0.3]),
    vague: rng.chance(0.4),
    patience: rng.int(3, 7),
  };
};

/** The level a learner claims for a prerequisite. */
export const reportedLevel = (persona: InstructionPersona, known: Level): Level =>
  (persona.selfReport === 'overconfident' ? Math.min(2, known + 1) : persona.selfReport === 'modest' ? Math.max(0, known - 1) : known) as Level;

export const describeInstructionPersona = (persona: InstructionPersona): string =>
  [
    ...prerequisites.map((prerequisite) => `${prerequisiteNames[prerequisite]} ${['none', 'some', 'solid'][persona.knowledge[prerequisite]]}`),
    `follows level ${persona.level}`,
    `describes it ${persona.selfReport === 'accurate' ? 'accurately' : persona.selfReport === 'modest' ? 'modestly' : 'overconfidently'}`,
    persona.vague ? 'vague about background' : 'clear about background',
    `patience ${persona.patience} turns`,
  ].join(', ');
