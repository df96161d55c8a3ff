import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../task/types.ts';
import { actionRows, batchTransitions, TokenBatchError } from './batch.ts';
import { dialogueTransitions, formatDialogue, formatPrompt, tokenTransitions, TokenTransitionError, truncateTransitions } from './transitions.ts';
import type { Transitions } from './transitions.ts';

// A real (tiny) tokenizer: one id per word, 10 and up; 0, 1 and 2 are the special tokens.
const words = ['hi', 'hello', 'there', 'ok', 'bye', 'thanks', 'what', 'now'];
const tokenizer = {
  encode: (text: string): number[] =>
    text
      .split(' ')
      .filter((word) => word.length > 0)
      .map((word) => (word === '<eot>' ? 0 : 10 + words.indexOf(word))),
};
const special = { user: 1, agent: 2, endOfTurn: 0 };
const U = 1;
const A = 2;
const E = 0;
const id = (word: string) => 10 + words.indexOf(word);

const twoTurns: Turn[] = [
  { role: 'user', text: 'hi' },
  { role: 'agent', text: 'hello there' },
  { role: 'user', text: 'ok' },
  { role: 'agent', text: 'bye' },
];

describe('formatDialogue', () => {
  it('wraps each turn in a role marker and an end-of-turn token; agent words and agent end-of-turn are agent tokens', () => {
    const formatted = formatDialogue(twoTurns, tokenizer, special);
    //                       0  1         2  3  4             5             6  7  8         9  10 11          12
    expect(formatted.tokens).toEqual([U, id('hi'), E, A, id('hello'), id('there'), E, U, id('ok'), E, A, id('bye'), E]);
    expect(formatted.agentToken).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
    expect(formatted.turn).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });

  it('drops special ids the tokenizer finds inside the text, so an utterance cannot end early', () => {
    const formatted = formatDialogue([{ role: 'agent', text: 'hi <eot> there' }], tokenizer, special);
    expect(formatted.tokens).toEqual([A, id('hi'), id('there'), E]);
  });

  it('rejects special ids that are not distinct', () => {
    expect(() => formatDialogue(twoTurns, tokenizer, { user: 1, agent: 1, endOfTurn: 0 })).toThrow(TokenTransitionError);
  });
});

describe('dialogueTransitions on user, agent, user, agent', () => {
  const t = dialogueTransitions(formatDialogue(twoTurns, tokenizer, special), { reward: 1, turnCost: 0.1 });

  it('acts exactly where the next token is an agent token: both agent markers and the agent words', () => {
    // Position 3 (agent marker) predicts "hello", 4 predicts "there", 5 predicts the agent's end of turn;
    // position 10 (agent marker) predicts "bye", 11 predicts the end of turn. User tokens and markers are state.
    expect(t.isAction).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0]);
  });

  it('pays the turn cost at the end of each agent utterance and the reward on the last action', () => {
    expect(t.reward).toEqual([0, 0, 0, 0, 0, -0.1, 0, 0, 0, 0, 0, 1 - 0.1, 0]);
    expect(t.done).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('bootstraps from the next position inside an utterance, and across the user reply to the next agent marker', () => {
    // 3 → 4 → 5 inside the first utterance; 5 (end of turn) → 10, the first action of the next
    // utterance, skipping the user's "ok"; 10 → 11; 11 is terminal.
    expect(t.nextValueIndex).toEqual([-1, -1, -1, 4, 5, 10, -1, -1, -1, -1, 11, -1, -1]);
  });

  it('has no reward and no successor without an agent turn', () => {
    const userOnly = dialogueTransitions(formatDialogue([{ role: 'user', text: 'hi' }], tokenizer, special), { reward: 1 });
    expect(userOnly.isAction).toEqual([0, 0, 0]);
    expect(userOnly.reward).toEqual([0, 0, 0]);
    expect(userOnly.done).toEqual([0, 0, 0]);
  });

  it('lets an empty agent utterance choose its end of turn at once', () => {
    const empty = dialogueTransitions(formatDialogue([{ role: 'agent', text: '' }], tokenizer, special), { reward: 2 });
    expect(empty).toMatchObject({ tokens: [A, E], isAction: [1, 0], reward: [2, 0], done: [1, 0], nextValueIndex: [-1, -1] });
  });
});

describe('truncateTransitions', () => {
  const full = dialogueTransitions(formatDialogue(twoTurns, tokenizer, special), { reward: 1, turnCost: 0.1 });

  it('keeps the end, starting at the first whole turn, with reward, done and successors intact', () => {
    // The last 8 positions start at 5, inside the first agent turn; the window moves on to the turn start at 7.
    const kept = truncateTransitions(full, 8);
    expect(kept.tokens).toEqual([U, id('ok'), E, A, id('bye'), E]);
    expect(kept.isAction).toEqual([0, 0, 0, 1, 1, 0]);
    expect(kept.reward).toEqual([0, 0, 0, 0, 0.9, 0]);
    expect(kept.done).toEqual([0, 0, 0, 0, 1, 0]);
    expect(kept.nextValueIndex).toEqual([-1, -1, -1, 4, -1, -1]);
  });

  it('cuts inside a turn only when no turn starts in the window', () => {
    const kept = truncateTransitions(full, 2);
    expect(kept).toMatchObject({ tokens: [id('bye'), E], isAction: [1, 0], reward: [0.9, 0], done: [1, 0], nextValueIndex: [-1, -1] });
  });

  it('leaves short sequences alone and refuses windows under 2', () => {
    expect(truncateTransitions(full, 13)).toEqual(full);
    expect(() => truncateTransitions(full, 1)).toThrow(TokenTransitionError);
  });

  it('cuts prompts the same way', () => {
    expect(formatPrompt(twoTurns.slice(0, 3), tokenizer, special)).toEqual([U, id('hi'), E, A, id('hello'), id('there'), E, U, id('ok'), E, A]);
    expect(formatPrompt(twoTurns.slice(0, 3), tokenizer, special, 6)).toEqual([U, id('ok'), E, A]);
  });
});

const arbitraryTurns = fc.array(
  fc.record({ role: fc.constantFrom<'user' | 'agent'>('user', 'agent'), text: fc.array(fc.constantFrom(...words), { maxLength: 5 }).map((w) => w.join(' ')) }),
  { minLength: 1, maxLength: 8 },
);

function checkInvariants(t: Transitions): void {
  const actions = t.isAction.flatMap((flag, index) => (flag === 1 ? [index] : []));
  for (let index = 0; index < t.tokens.length; index++) {
    const next = t.nextValueIndex[index] ?? -2;
    if (t.isAction[index] !== 1) {
      expect([t.reward[index], t.done[index], next]).toEqual([0, 0, -1]);
    } else if (t.done[index] === 1) {
      expect(next).toBe(-1);
      expect(index).toBe(actions[actions.length - 1]);
    } else {
      expect(next).toBeGreaterThan(index);
      expect(t.isAction[next]).toBe(1);
    }
  }
}

describe('transition properties', () => {
  it('every successor is a later action position; only the last action is done; rewards add up', () => {
    fc.assert(
      fc.property(arbitraryTurns, fc.double({ min: -1, max: 1, noNaN: true }), (turns, reward) => {
        const t = tokenTransitions(turns, tokenizer, special, { reward, turnCost: 0.25 });
        checkInvariants(t);
        const agentTurns = turns.filter((turn) => turn.role === 'agent').length;
        expect(t.done.reduce((a, b) => a + b, 0)).toBe(agentTurns > 0 ? 1 : 0);
        const total = t.reward.reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(agentTurns > 0 ? reward - 0.25 * agentTurns : 0, 9);
      }),
    );
  });

  it('truncation is a shifted suffix that keeps every invariant and fits the window', () => {
    fc.assert(
      fc.property(arbitraryTurns, fc.integer({ min: 2, max: 40 }), (turns, maxLength) => {
        const full = tokenTransitions(turns, tokenizer, special, { reward: 1 });
        const kept = truncateTransitions(full, maxLength);
        const start = full.tokens.length - kept.tokens.length;
        expect(kept.tokens.length).toBeLessThanOrEqual(maxLength);
        expect(kept.tokens).toEqual(full.tokens.slice(start));
        expect(kept.reward).toEqual(full.reward.slice(start));
        expect(kept.done).toEqual(full.done.slice(start));
        expect(kept.nextValueIndex).toEqual(full.nextValueIndex.slice(start).map((i) => (i < 0 ? -1 : i - start)));
        checkInvariants(kept);
      }),
    );
  });
});

describe('batchTransitions', () => {
  const long = tokenTransitions(twoTurns, tokenizer, special, { reward: 1 });
  const short = tokenTransitions([{ role: 'user', text: 'hi' }, { role: 'agent', text: 'ok' }], tokenizer, special, { reward: 0.5 });
  const batch = batchTransitions([short, long], { padTokenId: 99 });

  it('pads on the right with an attention mask and no actions on the padding', () => {
    expect([batch.batchSize, batch.length]).toEqual([2, 13]);
    const row0 = (values: ArrayLike<number>) => Array.from(values).slice(0, 13);
    // short: 0 <user> 1 hi 2 <eot> 3 <agent> 4 ok 5 <eot>, then 7 pads.
    expect(row0(batch.tokens)).toEqual([U, id('hi'), E, A, id('ok'), E, 99, 99, 99, 99, 99, 99, 99]);
    expect(row0(batch.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(row0(batch.isAction)).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(row0(batch.predictionMask)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(row0(batch.nextTokens)).toEqual([id('hi'), E, A, id('ok'), E, 99, 99, 99, 99, 99, 99, 99, 99]);
    expect(row0(batch.done)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(row0(batch.reward)).toEqual([0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('flattens successors to row·length + position, and points positions without one at themselves', () => {
    const row1 = Array.from(batch.nextValueIndex).slice(13);
    // 3 → 4, 4 → 5, 5 → 10, 10 → 11 in the second row (offset 13); every other position points at itself.
    const expected = Array.from({ length: 13 }, (_, t) => 13 + t);
    expected[3] = 13 + 4;
    expected[4] = 13 + 5;
    expected[5] = 13 + 10;
    expected[10] = 13 + 11;
    expect(row1).toEqual(expected);
    expect(Array.from(batch.nextValueIndex).slice(0, 13)).toEqual([0, 1, 2, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('gathers the action rows with successors renumbered among them', () => {
    const rows = actionRows(batch);
    expect(Array.from(rows.positions)).toEqual([3, 4, 13 + 3, 13 + 4, 13 + 5, 13 + 10, 13 + 11]);
    expect(Array.from(rows.tokens)).toEqual([id('ok'), E, id('hello'), id('there'), E, id('bye'), E]);
    expect(Array.from(rows.done)).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(rows.reward)).toEqual([0, 0.5, 0, 0, 0, 0, 1]);
    // Row 0 → row 1; row 1 done (itself); 2 → 3 → 4 → 5 (the second agent marker) → 6; 6 done.
    expect(Array.from(rows.nextValueIndex)).toEqual([1, 1, 3, 4, 5, 6, 6]);
  });

  it('refuses sequences longer than the batch length', () => {
    expect(() => batchTransitions([long], { padTokenId: 99, length: 8 })).toThrow(TokenBatchError);
    expect(() => batchTransitions([], { padTokenId: 99 })).toThrow(TokenBatchError);
  });
});
