/**
 * Token-level transitions for ILQL on a causal language model (Snell et al., 2022): a dialogue
 * becomes one token sequence, and position t (the prefix up to and including token t) is a
 * state whose action, when the agent speaks next, is token t + 1.
 *
 * Layout: every turn is `[role marker] …encode(text) [end of turn]`. The agent's words and the
 * agent's end-of-turn token are its actions (stopping is a choice too); user tokens and every
 * role marker are state, written by the environment and the format.
 *
 * Per position t (arrays of the sequence's length; the last position never acts):
 * - `isAction[t]` = 1 when token t + 1 is an agent token;
 * - `reward[t]` = −turnCost on the last action of each agent utterance (the position that
 *   predicts the agent's end of turn), plus the dialogue's reward on the last action of all;
 * - `done[t]` = 1 on that last action only;
 * - `nextValueIndex[t]`: where V(s_{t+1}) is read for the TD target r_t + γ(1 − done_t)V(s_{t+1}).
 *   Inside an utterance it is t + 1; on an utterance's last action it is the first action
 *   position of the next agent utterance (the position of that utterance's agent marker), so the
 *   user's reply in between is folded into the transition, as in Snell's `state_idxs`, which
 *   skip from one action run to the next; −1 where there is no successor (done, or not an action).
 *   Every successor is itself an action position, so V is only ever needed (and trained) there.
 *
 * In Snell's reference, `action_idxs` are our action positions, `state_idxs` the same positions
 * plus the last one, V(s_{t+1}) is V at the next entry of `state_idxs`, and each utterance's
 * reward is added to its last action; γ applies per token transition, the user's reply included
 * in one step.
 *
 * @example
 * const formatted = formatDialogue(turns, tokenizer, { user: 50257, agent: 50258, endOfTurn: 50256 });
 * const transitions = truncateTransitions(dialogueTransitions(formatted, { reward: 1 }), 512);
 */
import { ReverieError } from '../errors.ts';
import type { Turn } from '../task/types.ts';

export class TokenTransitionError extends ReverieError {
  override readonly name = 'TokenTransitionError';
}

/** The part of a tokenizer this module needs. */
export type TokenEncoder = { encode(text: string): number[] };

/** Ids of the tokens the format adds around each turn. */
export type SpecialTokens = { user: number; agent: number; endOfTurn: number };

export type FormattedDialogue = {
  tokens: number[];
  /** 1 where the agent says the token: its words and its end-of-turn token. */
  agentToken: number[];
  /** Index of the turn each token belongs to. */
  turn: number[];
};

export type Transitions = {
  tokens: number[];
  isAction: number[];
  reward: number[];
  done: number[];
  nextValueIndex: number[];
  turn: number[];
};

export type TransitionOptions = {
  /** The judged outcome of the dialogue, paid on its last action. */
  reward: number;
  /** Paid (subtracted) on the last action of every agent utterance; 0 by default. */
  turnCost?: number;
};

export function checkSpecialTokens(special: SpecialTokens): void {
  const ids = [special.user, special.agent, special.endOfTurn];
  if (!ids.every((id) => Number.isInteger(id) && id >= 0) || new Set(ids).size !== 3) {
    throw new TokenTransitionError(`special tokens must be three distinct non-negative integers, got ${JSON.stringify(special)}`, {
      hint: 'Pass the ids of the user marker, the agent marker and the end-of-turn token from the tokenizer.',
    });
  }
}

/**
 * The token sequence of a conversation. Special ids that the tokenizer returns for the text
 * itself are dropped: a literal end-of-turn inside an utterance would teach the policy to stop
 * mid-sentence and would make decoding stop there.
 */
export function formatDialogue(turns: readonly Turn[], tokenizer: TokenEncoder, special: SpecialTokens): FormattedDialogue {
  checkSpecialTokens(special);
  const reserved = new Set([special.user, special.agent, special.endOfTurn]);
  const out: FormattedDialogue = { tokens: [], agentToken: [], turn: [] };
  turns.forEach((turn, index) => {
    const isAgent = turn.role === 'agent' ? 1 : 0;
    const words = tokenizer.encode(turn.text).filter((id) => !reserved.has(id));
    const push = (id: number, byAgent: number) => {
      out.tokens.push(id);
      out.agentToken.push(byAgent);
      out.turn.push(index);
    };
    push(isAgent ? special.agent : special.user, 0);
    for (const id of words) push(id, isAgent);
    push(special.endOfTurn, isAgent);
  });
  return out;
}

/** The tokens an agent continues from to say its next turn: the history and an agent marker. */
export function formatPrompt(turns: readonly Turn[], tokenizer: TokenEncoder, special: SpecialTokens, maxLength?: number): number[] {
  const formatted = formatDialogue(turns, tokenizer, special);
  const tokens = [...formatted.tokens, special.agent];
  if (maxLength === undefined) return tokens;
  // Cut as truncateTransitions does, so the model acts on windows like those it was trained on.
  return tokens.slice(windowStart([...formatted.turn, turns.length], maxLength));
}

export function dialogueTransitions(formatted: FormattedDialogue, options: TransitionOptions): Transitions {
  const { tokens, agentToken, turn } = formatted;
  const turnCost = options.turnCost ?? 0;
  if (!Number.isFinite(options.reward) || !Number.isFinite(turnCost)) {
    throw new TokenTransitionError(`reward ${options.reward} and turn cost ${turnCost} must be finite numbers`, {
      hint: 'Check the dialogue reward in the dataset.',
    });
  }
  const length = tokens.length;
  const isAction = tokens.map((_, t) => (t + 1 < length && agentToken[t + 1] === 1 ? 1 : 0));
  const reward = new Array<number>(length).fill(0);
  const done = new Array<number>(length).fill(0);
  const nextValueIndex = new Array<number>(length).fill(-1);
  // Walk backwards so that `nextRunStart` is the first action of the following utterance.
  let nextRunStart = -1;
  let last = true;
  for (let t = length - 1; t >= 0; t--) {
    if (isAction[t] !== 1) continue;
    const endsUtterance = isAction[t + 1] !== 1;
    if (!endsUtterance) nextValueIndex[t] = t + 1;
    else {
      reward[t] = (last ? options.reward : 0) - turnCost; // not −turnCost: a zero cost must give +0, not −0
      if (last) {
        done[t] = 1;
        last = false;
      } else nextValueIndex[t] = nextRunStart;
    }
    if (t === 0 || isAction[t - 1] !== 1) nextRunStart = t;
  }
  return { tokens: tokens.slice(), isAction, reward, done, nextValueIndex, turn: turn.slice() };
}

function checkMaxLength(maxLength: number): void {
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw new TokenTransitionError(`max length ${maxLength} must be an integer of at least 2`, {
      hint: 'A transition needs a state token and the action token after it.',
    });
  }
}

/** First kept position: the last maxLength, moved forward to a turn start when one is inside. */
function windowStart(turn: readonly number[], maxLength: number): number {
  checkMaxLength(maxLength);
  const length = turn.length;
  if (length <= maxLength) return 0;
  const start = length - maxLength;
  if (turn[start] !== turn[start - 1]) return start;
  for (let t = start + 1; t < length; t++) if (turn[t] !== turn[t - 1]) return t;
  // One turn longer than the window: keep its end, mid-turn.
  return start;
}

/**
 * Keeps the last `maxLength` positions, moved forward to the first turn start inside them when
 * there is one, so the window opens on a whole turn (as a prompt does at acting time).
 *
 * Why the end: the reward and the terminal flag sit on the last agent token, and every
 * successor index points forward, so cutting the start leaves each kept transition (reward,
 * done, next value) exactly as it was, only its state sees less history. Cutting the end
 * would drop the outcome, the one learning signal of a sparse-reward dialogue, and leave the
 * last kept actions with successors outside the window.
 */
export function truncateTransitions(transitions: Transitions, maxLength: number): Transitions {
  const start = windowStart(transitions.turn, maxLength);
  if (start === 0) return transitions;
  const cut = <T>(values: T[]) => values.slice(start);
  return {
    tokens: cut(transitions.tokens),
    isAction: cut(transitions.isAction),
    reward: cut(transitions.reward),
    done: cut(transitions.done),
    nextValueIndex: cut(transitions.nextValueIndex).map((index) => (index < 0 ? -1 : index - start)),
    turn: cut(transitions.turn),
  };
}

/** formatDialogue, dialogueTransitions and (with maxLength) truncateTransitions in one call. */
export function tokenTransitions(
  turns: readonly Turn[],
  tokenizer: TokenEncoder,
  special: SpecialTokens,
  options: TransitionOptions & { maxLength?: number },
): Transitions {
  const transitions = dialogueTransitions(formatDialogue(turns, tokenizer, special), options);
  return options.maxLength === undefined ? transitions : truncateTransitions(transitions, options.maxLength);
}
