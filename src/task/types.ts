/**
 * The shapes every task shares: a conversation is a list of turns; a built-in task brings a
 * simulator that samples hidden personas, plays the user from the agent's text, and judges.
 * The episode contract is asynchronous throughout (the user's reply, the judge, the agent's
 * act), so a rule-based user that answers at once and an LLM playing the user are interchangeable.
 *
 * @example
 * const turns: Turn[] = [{ role: 'user', text: 'Hi!' }, { role: 'agent', text: 'What do you enjoy?' }];
 */
import type { z } from 'zod';
import type { Rng } from '../util/rng.ts';
import type { TaskSpec } from './spec.ts';

export type Role = 'user' | 'agent';
export type Turn = { role: Role; text: string };

export type Judgement = {
  /** In [0, 1]; 0 when the conversation ended without an outcome. */
  reward: number;
  success: boolean;
  /** One line a person can read: what was chosen and why it scored so. */
  reason: string;
};

export type UserReply = {
  text: string;
  /** The user ends the conversation after this reply (accepted an outcome, or left). */
  done: boolean;
  /** Why no usable reply could be made, with the raw text; the episode ends unjudged. */
  unusable?: Unusable;
};

/** A reply a model gave that could not be used, kept with its raw text. */
export type Unusable = { message: string; raw: string[] };

/**
 * A user simulator for one episode; reply(turns) is asked for the user's next turn. A reply with
 * `unusable` set is one the simulator could not make (an LLM's malformed answer even after a
 * repair request): the conversation ends there and the reply is not said.
 */
export type UserSimulator = { reply(turns: readonly Turn[]): Promise<UserReply> };

/** A rule-based user answers at once; `fromScriptedUser` (src/tasks/scripted.ts) gives it the async contract. */
export type ScriptedUser = { reply(turns: readonly Turn[]): UserReply };

/**
 * One reply an agent weighed. Every agent that chooses among replies reports them the same way;
 * a field is absent where the agent has no such number (BC has a prior but no Q).
 */
export type AgentStepCandidate = {
  text: string;
  /** The score the agent chose by (highest wins): log π_β(a|s) + β·advantage for ILQL, log π_β for BC. */
  score: number;
  /** Q(s, a): the pessimistic min of the target Q heads. */
  q?: number;
  /** V(s), the same for every candidate of one step. */
  v?: number;
  /** Q − V. */
  advantage?: number;
  /** log π_β(a|s), normalised over this step's candidates. */
  prior?: number;
  /** With an answer-chance model, the chance that the user answers it yes or no at all (the lowest over persona fields). */
  answerChance?: number;
  /** Where the reply came from: the training data's utterances, or an LLM's samples. */
  source?: 'library' | 'llm';
};

/**
 * An agent's turn: what it says and, for agents that choose among replies, every candidate it
 * weighed, best first (`candidates[0].text === text`). Scripted and prompted agents say one
 * thing and leave `candidates` out.
 */
export type AgentStep = { text: string; candidates?: AgentStepCandidate[] };

/**
 * How a caller may steer one act: `signal` cancels it (an agent that calls an LLM aborts the
 * request and rejects), `onText` hears the reply as it is written (agents that write token by
 * token call it with each piece, which joined give `text`; others never call it).
 */
export type ActOptions = { signal?: AbortSignal | undefined; onText?: ((delta: string) => void) | undefined };

/**
 * What every agent does: read the conversation so far, say the next thing. The caller owns the
 * conversation (the episode loop, `reverie chat`, `reverie serve`) and records the steps; an
 * agent keeps no memory of earlier calls, so one agent may serve many conversations at once.
 */
export type Agent = {
  name: string;
  act(turns: readonly Turn[], options?: ActOptions): Promise<AgentStep>;
  /** Frees what the agent holds (tensors of a trained model); the agent is unusable after. */
  dispose?(): void;
};

/** Makes a fresh agent for one episode; scripted agents use the rng, the oracle the persona. */
export type AgentFactory<P> = (episode: { rng: Rng; persona: P }) => Agent;

export type ScriptedBehaviour<P> = { name: string; weight: number; create: AgentFactory<P> };

export type TaskSimulator<P> = {
  spec: TaskSpec;
  personaSchema: z.ZodType<P>;
  samplePersona(rng: Rng): P;
  describePersona(persona: P): string;
  createUser(persona: P, rng: Rng): UserSimulator;
  judge(persona: P, turns: readonly Turn[]): Promise<Judgement>;
  /** Agents of uneven quality whose conversations make up the imagined data. */
  behaviours: readonly ScriptedBehaviour<P>[];
  /** Recommends at once, like an LLM that does not ask (the paper's Figure 1). */
  naive: AgentFactory<P>;
  /** Knows the hidden persona: an upper bound for the task. */
  oracle: AgentFactory<P>;
  /**
   * Guessing tasks: how many of a conversation's guesses fit the answers given before them, and how
   * many of its questions ask again about what the user said they do not know (see eval/diagnostics.ts).
   */
  reviewGuesses?(turns: readonly Turn[]): { guesses: number; fitting: number; repeated: number; questions?: number; askedAgain?: number };
};
