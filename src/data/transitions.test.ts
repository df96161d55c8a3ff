import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../task/types.ts';
import type { Dialogue } from './dialogue.ts';
import { toTransitions } from './transitions.ts';

const dialogue = (turns: Turn[], reward: number, id = 'travel-1-000000'): Dialogue => ({
  id,
  task: 'travel',
  persona: {},
  turns,
  reward,
  success: reward >= 0.8,
  meta: {},
});

const twoTurns: Turn[] = [
  { role: 'user', text: 'Hi, what should I do?' },
  { role: 'agent', text: 'What kinds of activities do you enjoy?' },
  { role: 'user', text: 'I love food.' },
  { role: 'agent', text: 'I recommend the Pasta Cooking Class.' },
  { role: 'user', text: 'That sounds perfect, thank you!' },
];

describe('toTransitions', () => {
  const [first, second, ...rest] = toTransitions([dialogue(twoTurns, 0.8)]);

  it('makes one transition per agent turn', () => {
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(rest).toEqual([]);
  });

  it('the first: state before the agent speaks, reward 0, next = turns before the second agent turn', () => {
    expect(first).toEqual({
      dialogue: 0,
      state: twoTurns.slice(0, 1),
      action: 'What kinds of activities do you enjoy?',
      reward: 0,
      done: false,
      next: twoTurns.slice(0, 3),
    });
  });

  it('the last: the dialogue reward, done, no next state', () => {
    expect(second).toEqual({
      dialogue: 0,
      state: twoTurns.slice(0, 3),
      action: 'I recommend the Pasta Cooking Class.',
      reward: 0.8,
      done: true,
      next: undefined,
    });
  });

  it('numbers dialogues by their position in the list and skips dialogues without agent turns', () => {
    const transitions = toTransitions([dialogue(twoTurns, 0.8), dialogue([{ role: 'user', text: 'Hello?' }], 0), dialogue(twoTurns.slice(0, 3), 0.3)]);
    expect(transitions.map((transition) => [transition.dialogue, transition.reward, transition.done])).toEqual([
      [0, 0, false],
      [0, 0.8, true],
      [2, 0.3, true],
    ]);
  });

  it('handles an agent turn that ends the dialogue (turn limit, no user reply)', () => {
    const [only] = toTransitions([dialogue(twoTurns.slice(0, 2), 0)]);
    expect(only).toMatchObject({ state: twoTurns.slice(0, 1), done: true, next: undefined, reward: 0 });
  });

  const turnsArb = fc.array(
    fc.record({ role: fc.constantFrom<Turn['role']>('user', 'agent'), text: fc.string({ maxLength: 12 }) }),
    { minLength: 1, maxLength: 12 },
  );

  it('states never include the action; next states extend the state by the action; one done per dialogue', () => {
    fc.assert(
      fc.property(turnsArb, fc.double({ min: 0, max: 1, noNaN: true }), (turns, reward) => {
        const transitions = toTransitions([dialogue(turns, reward)]);
        const agentTurns = turns.filter((turn) => turn.role === 'agent').length;
        expect(transitions).toHaveLength(agentTurns);
        expect(transitions.filter((transition) => transition.done)).toHaveLength(agentTurns === 0 ? 0 : 1);
        transitions.forEach((transition, index) => {
          const at = transition.state.length;
          // The action is the agent turn right after the state, not part of it.
          expect(turns[at]).toEqual({ role: 'agent', text: transition.action });
          expect(transition.state).toEqual(turns.slice(0, at));
          const last = index === transitions.length - 1;
          expect(transition.done).toBe(last);
          expect(transition.reward).toBe(last ? reward : 0);
          if (transition.next === undefined) {
            expect(last).toBe(true);
          } else {
            expect(transition.next.slice(0, at + 1)).toEqual(turns.slice(0, at + 1));
            expect(transitions[index + 1]?.state).toEqual(transition.next);
          }
        });
      }),
    );
  });
});
