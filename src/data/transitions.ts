/**
 * A dialogue as an MDP whose actions are agent utterances: the state is the conversation
 * before the agent speaks, the reward is the judged outcome on the agent's last utterance,
 * and the next state is the conversation before the agent's following turn.
 *
 * @example
 * toTransitions([dialogue]) // → one transition per agent turn; the last has done = true
 */
import type { Turn } from '../task/types.ts';
import type { Dialogue } from './dialogue.ts';

export type Transition = {
  /** Index of the dialogue in the list given. */
  dialogue: number;
  state: readonly Turn[];
  action: string;
  reward: number;
  done: boolean;
  /** The state before the agent's next turn; absent when done. */
  next: readonly Turn[] | undefined;
};

export const toTransitions = (dialogues: readonly Dialogue[]): Transition[] =>
  dialogues.flatMap((dialogue, index) => {
    const agentAt = dialogue.turns.flatMap((turn, at) => (turn.role === 'agent' ? [at] : []));
    return agentAt.map((at, j): Transition => {
      const nextAt = agentAt[j + 1];
      return {
        dialogue: index,
        state: dialogue.turns.slice(0, at),
        action: dialogue.turns[at]?.text ?? '',
        reward: nextAt === undefined ? dialogue.reward : 0,
        done: nextAt === undefined,
        next: nextAt === undefined ? undefined : dialogue.turns.slice(0, nextAt),
      };
    });
  });
