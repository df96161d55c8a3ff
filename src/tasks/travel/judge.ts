/**
 * The travel judge: scores the activity the user ended up with against their hidden tastes.
 * Reward = 0.5 kind + 0.2 setting + 0.15 pace + 0.15 cost, minus the task's turn cost; a user
 * who left, or a conversation that never named an activity, scores 0.
 *
 * @example
 * judgeTravel(persona, turns, { threshold: 0.8, turnCost: 0 }) // → { reward: 0.85, success: true, reason: '…' }
 */
import type { Judgement, Turn } from '../../task/types.ts';
import type { Activity } from './catalog.ts';
import type { TravelPersona } from './persona.ts';
import { activitiesMentioned } from './reading.ts';

/** Most activities a user will weigh at once; more and they ask the agent to choose. */
export const maxOfferedActivities = 3;

const costFit = (persona: TravelPersona, activity: Activity): number => {
  if (persona.cost === 'any' || activity.cost === 'cheap') return 1;
  if (persona.cost === 'cheap') return activity.cost === 'moderate' ? 0.4 : 0;
  return activity.cost === 'moderate' ? 1 : 0.2;
};

export const scoreActivity = (persona: TravelPersona, activity: Activity): number =>
  0.5 * Number(persona.kind === activity.kind) +
  0.2 * Number(persona.setting === 'any' || persona.setting === activity.setting) +
  0.15 * Number(persona.pace === 'any' || persona.pace === activity.pace) +
  0.15 * costFit(persona, activity);

/** The user picks the offered activity they like best. */
export const favouriteOf = (persona: TravelPersona, offered: readonly Activity[]): { activity: Activity; score: number } | undefined =>
  offered
    .map((activity) => ({ activity, score: scoreActivity(persona, activity) }))
    .reduce<{ activity: Activity; score: number } | undefined>((best, next) => (best === undefined || next.score > best.score ? next : best), undefined);

export const judgeTravel = (
  persona: TravelPersona,
  turns: readonly Turn[],
  options: { threshold: number; turnCost: number },
): Judgement => {
  const agentTurns = turns.filter((turn) => turn.role === 'agent');
  const last = agentTurns.at(-1);
  const offered = last === undefined ? [] : activitiesMentioned(last.text);
  if (offered.length === 0 || offered.length > maxOfferedActivities) {
    const why = offered.length === 0 ? 'no activity was recommended' : `${offered.length} activities were offered at once`;
    return { reward: 0, success: false, reason: `${why} before the conversation ended` };
  }
  const chosen = favouriteOf(persona, offered);
  if (chosen === undefined) throw new Error('unreachable: offered is not empty');
  const reward = Math.max(0, chosen.score - options.turnCost * agentTurns.length);
  return {
    reward: Math.round(reward * 1e6) / 1e6,
    success: chosen.score >= options.threshold,
    reason: `${chosen.activity.name} (${chosen.activity.kind}, ${chosen.activity.setting}, ${chosen.activity.pace}, ${chosen.activity.cost}) scored ${chosen.score.toFixed(2)}`,
  };
};
