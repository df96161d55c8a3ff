/**
 * The guessing judge: reward 1 for naming the hidden item alone in an agent turn, less the
 * task's turn cost for every agent turn before it; 0 when the user gave up or the turns ran
 * out first. Success is a reward at or above the spec's threshold.
 *
 * @example
 * judgeGuessing(catalog, persona, turns, { threshold: 0.5, turnCost: 0.05 }) // → { reward: 0.7, success: true, reason: 'guessed France on turn 7' }
 */
import type { Judgement, Turn } from '../../../task/types.ts';
import type { GuessingCatalog } from '../model.ts';
import { itemsMentioned } from '../reading.ts';
import { hiddenItem } from './persona.ts';
import type { GuessingPersona } from './persona.ts';

export const judgeGuessing = (catalog: GuessingCatalog, persona: GuessingPersona, turns: readonly Turn[], options: { threshold: number; turnCost: number }): Judgement => {
  const item = hiddenItem(catalog, persona);
  const agentTexts = turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
  const at = agentTexts.findIndex((text) => {
    const named = itemsMentioned(catalog.items, text);
    return named.length === 1 && named[0] === item;
  });
  if (at < 0) return { reward: 0, success: false, reason: `${item.name} was not guessed in ${agentTexts.length} agent turns` };
  const reward = Math.round(Math.max(0, 1 - options.turnCost * at) * 1e6) / 1e6;
  return { reward, success: reward >= options.threshold, reason: `guessed ${item.name} on turn ${at + 1}` };
};
