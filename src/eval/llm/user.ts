/**
 * The LLM user simulator: a model plays a hidden persona, answering the agent turn by turn, and
 * says when the conversation is over for it with a structured stop signal (`"done": true`).
 * It is a UserSimulator like a built-in task's rule-based user, run by the same episode loop; a
 * reply that stays unusable after the client's repair request comes back marked `unusable`, with
 * its raw text, and ends the episode. After the dialogue a cheap structured call asks whether the
 * user left their persona.
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
import type { Turn, UserSimulator } from '../../task/types.ts';
import { personaCheckMessages, userSimulatorMessages } from './prompts.ts';
import { personaCheckSchema, userTurnSchema } from './schemas.ts';
import type { LlmEpisodeFacts, Unusable } from './schemas.ts';

export type LlmUserOptions = {
  temperature: number;
  /** The episode's seed; each turn adds its position, so every turn is its own sample. */
  seed: number;
};

export const createLlmUser = (client: LlmClient, spec: TaskSpec, persona: StoredPersona, options: LlmUserOptions): UserSimulator => ({
  async reply(turns) {
    let completion;
    try {
      completion = await client.complete({
        messages: userSimulatorMessages(spec, persona, turns),
        schema: { name: 'user_turn', schema: userTurnSchema },
        temperature: options.temperature,
        seed: options.seed + turns.length,
        purpose: 'user',
      });
    } catch (error) {
      return { text: '', done: true, unusable: unusableFrom(error) };
    }
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
