/**
 * What a learner takes from a conversation, replayed from the agent's words alone: an
 * explanation at their level is understood, one a level below is mostly known already (bored),
 * two below teaches little, and one above loses them (confused). Why behaviour cloning fails is
 * only understood once what it is has been. The user simulator and the judge share this replay,
 * so the reward is exactly what the user showed during the conversation.
 *
 * @example
 * replay(persona, ['Think of it like learning to cook…', 'The catch: … Hope that helps!']) // → { what: 1, why: 1, … }
 */
import { readInstructionText } from './concept.ts';
import type { Part } from './concept.ts';
import { learnerLevel } from './persona.ts';
import type { InstructionPersona } from './persona.ts';

export type Reaction = 'understood' | 'bored' | 'confused' | 'lost-basics';

export type Learning = { what: number; why: number; reactions: (Reaction | undefined)[] };

/** Understanding gained from an explanation `gap` levels above (positive) or below the learner. */
export const gain = (gap: number): { understanding: number; reaction: Reaction } =>
  gap > 0 ? { understanding: 0, reaction: 'confused' } : gap === 0 ? { understanding: 1, reaction: 'understood' } : gap === -1 ? { understanding: 0.7, reaction: 'bored' } : { understanding: 0.4, reaction: 'bored' };

export const replay = (persona: InstructionPersona, agentTexts: readonly string[]): Learning => {
  const level = learnerLevel(persona);
  const learned: Record<Part, number> = { what: 0, why: 0 };
  const reactions = agentTexts.map((text): Reaction | undefined => {
    const { explains } = readInstructionText(text);
    if (explains === undefined) return undefined;
    if (explains.part === 'why' && learned.what < 0.5) return 'lost-basics';
    const { understanding, reaction } = gain(explains.level - level);
    learned[explains.part] = Math.max(learned[explains.part], understanding);
    return reaction;
  });
  return { ...learned, reactions };
};

/** The judged outcome: 0.6 for understanding what it is, 0.4 for why it fails. */
export const comprehension = (learning: Pick<Learning, 'what' | 'why'>): number => Math.round((0.6 * learning.what + 0.4 * learning.why) * 1e6) / 1e6;
