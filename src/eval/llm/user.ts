/**
 * The LLM user simulator: a model plays a hidden persona, answering the agent turn by turn, and
 * says when the conversation is over for it with a structured stop signal (`"done": true`).
 * The task's UserSimulator is synchronous (programmatic users answer at once), so this is its
 * asynchronous twin; the LLM episode loop awaits it. After the dialogue a cheap structured call
 * asks whether the user left their persona.
 *
 * @example
 * const user = createLlmUser(client, spec, persona, { temperature: 1, seed: 42 });
 * const opening = await user.reply([]);              // { text: 'Hi, …', done: false }
 * const check = await checkPersona(client, spec, persona, turns); // { leftPersona: false, problem: '' }
 */
import type { LlmClient } from '../../llm/client.ts';
import { LlmOutputError } from '../../llm/errors.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { Turn, UserReply } from '../../task/types.ts';
import { personaCheckMessages, userSimulatorMessages } from './prompts.ts';
import { personaCheckSchema, userTurnSchema } from './schemas.ts';
import type { LlmEpisodeFacts, Unusable } from './schemas.ts';

/** UserSimulator (src/task/types.ts) with an asynchronous reply. */
export type AsyncUserSimulator = { reply(turns: readonly Turn[]): Promise<UserReply> };

export type LlmUserOptions = {
  temperature: number;
  /** The episode's seed; each turn adds its position, so every turn is its own sample. */
  seed: number;
};

export const createLlmUser = (client: LlmClient, spec: TaskSpec, persona: StoredPersona, options: LlmUserOptions): AsyncUserSimulator => ({
  async reply(turns) {
    const completion = await client.complete({
      messages: userSimulatorMessages(spec, persona, turns),
      schema: { name: 'user_turn', schema: userTurnSchema },
      temperature: options.temperature,
      seed: options.seed + turns.length,
      purpose: 'user',
    });
    const turn = completion.value as { reply: string; done: boolean };
    // Nobody is done before the agent has said a word: an opening "done" is read as a slip.
    return { text: turn.reply, done: turns.length > 0 && turn.done };
  },
});

/** Unusable replies become a record with their raw text; anything else (HTTP, key) stops the run. */
export const unusableFrom = (error: unknown): Unusable => {
  if (!(error instanceof LlmOutputError)) throw error;
  return { message: error.message, raw: error.rawTexts };
};

export const checkPersona = async (
  client: LlmClient,
  spec: TaskSpec,
  persona: StoredPersona,
  turns: readonly Turn[],
  seed: number,
): Promise<NonNullable<LlmEpisodeFacts['personaCheck']>> => {
  try {
    const completion = await client.complete({
      messages: personaCheckMessages(spec, persona, turns),
      schema: { name: 'persona_check', schema: personaCheckSchema },
      temperature: 0,
      seed,
      purpose: 'persona-check',
    });
    const value = completion.value as { leftPersona: boolean; problem: string };
    return { leftPersona: value.leftPersona, problem: value.problem };
  } catch (error) {
    return unusableFrom(error);
  }
};
