/**
 * The persuasion judge: 1 when the donor pledged; otherwise how far their openness moved
 * toward giving, replayed from the volunteer's words; minus the task's turn cost. Success is a
 * pledge.
 *
 * @example
 * judgePersuasion(persona, turns, { turnCost: 0 }) // → { reward: 1, success: true, reason: 'pledged at openness 0.70' }
 */
import type { Judgement, Turn } from '../../task/types.ts';
import type { PersuasionPersona } from './persona.ts';
import { persuasionReward, replay } from './persuasion.ts';

export const judgePersuasion = (persona: PersuasionPersona, turns: readonly Turn[], options: { turnCost: number }): Judgement => {
  const texts = turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
  const state = replay(persona, texts);
  const reward = Math.max(0, persuasionReward(persona, state) - options.turnCost * texts.length);
  const outcome = state.pledged ? 'pledged' : state.asked ? (state.trusted ? 'declined' : 'declined out of distrust') : 'was never asked to pledge';
  return { reward: Math.round(reward * 1e6) / 1e6, success: state.pledged, reason: `${outcome} at openness ${state.openness.toFixed(2)}` };
};
