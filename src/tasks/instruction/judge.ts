/**
 * The instruction judge: the learner's comprehension at the end, replayed from the agent's
 * words — 0.6 for understanding what behaviour cloning is, 0.4 for why it fails — minus the
 * task's turn cost. What was learned counts even if the learner left early.
 *
 * @example
 * judgeInstruction(persona, turns, { threshold: 0.8, turnCost: 0 }) // → { reward: 0.88, success: true, reason: '…' }
 */
import type { Judgement, Turn } from '../../task/types.ts';
import { comprehension, replay } from './learning.ts';
import type { InstructionPersona } from './persona.ts';

export const judgeInstruction = (persona: InstructionPersona, turns: readonly Turn[], options: { threshold: number; turnCost: number }): Judgement => {
  const agentTexts = turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
  const learning = replay(persona, agentTexts);
  const score = comprehension(learning);
  const reward = Math.max(0, score - options.turnCost * agentTexts.length);
  return {
    reward: Math.round(reward * 1e6) / 1e6,
    success: score >= options.threshold,
    reason: `understood what it is ${learning.what.toFixed(1)}, why it fails ${learning.why.toFixed(1)} → ${score.toFixed(2)}`,
  };
};
