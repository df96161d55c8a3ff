/**
 * One LLM-evaluated episode: the LLM user and the agent talk through the one episode loop
 * (src/sim/episode.ts), then the judge and the persona-consistency check read the transcript.
 * An unusable reply from the simulator ends the episode as a simulator failure; one from the
 * judge makes it a judge failure. Both keep the raw text and are counted, never dropped.
 *
 * @example
 * const record = await runLlmEpisode({ client, spec, persona, agent, rng, temperature: 1 });
 * record.llm.verdict?.ratings.overall;
 */
import type { BuiltAgent } from '../../agent/build.ts';
import type { LlmClient } from '../../llm/client.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import { converse } from '../../sim/episode.ts';
import type { Episode } from '../../sim/episode.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { Rng } from '../../util/rng.ts';
import { judgementOf, judgeWithLlm } from './judge.ts';
import type { LlmEpisodeFacts } from './schemas.ts';
import { checkPersona, createLlmUser } from './user.ts';

export type LlmEpisodeInput = {
  client: LlmClient;
  spec: TaskSpec;
  persona: StoredPersona;
  /** A built agent (src/agent/build.ts): it talks through the episode's client, so its tokens count too. */
  agent: Pick<BuiltAgent, 'name' | 'factoryWith'>;
  /** The episode's generator: every seed of the episode comes from it. */
  rng: Rng;
  /** For the simulated user and LLM agents; the judge and the check use 0. */
  temperature: number;
};

export type LlmEpisode = { episode: Episode; llm: LlmEpisodeFacts };

/** The client, counting the tokens of every completion this episode asks for (cache hits included). */
const countingClient = (client: LlmClient, tokens: { input: number; output: number }): LlmClient => ({
  model: client.model,
  usage: () => client.usage(),
  async complete(request) {
    const completion = await client.complete(request);
    tokens.input += completion.usage.inputTokens;
    tokens.output += completion.usage.outputTokens;
    return completion;
  },
});

const SEED_RANGE = 2 ** 31 - 1 - 1000;

const notJudged = (why: string) => ({ reward: 0, success: false, reason: `not judged: ${why}` });

export const runLlmEpisode = async (input: LlmEpisodeInput): Promise<LlmEpisode> => {
  const { spec, persona } = input;
  const tokens = { input: 0, output: 0 };
  const client = countingClient(input.client, tokens);
  const user = createLlmUser(client, spec, persona, { temperature: input.temperature, seed: input.rng.fork('user').int(0, SEED_RANGE) });
  const agent = input.agent.factoryWith(client)({ rng: input.rng.fork(`agent-${input.agent.name}`), persona });
  const { turns, steps, ended, unusable } = await converse(user, agent, spec.maxTurns);
  const facts: LlmEpisodeFacts = { personaId: persona.id, tokens };
  if (unusable !== undefined) {
    // The conversation broke off, so neither a verdict nor a consistency check would mean much.
    return { episode: { turns, steps, judgement: notJudged(`the simulated user's reply was unusable (${unusable.message})`), ended }, llm: { ...facts, failure: { stage: 'user', ...unusable } } };
  }
  const seed = input.rng.fork('judge').int(0, SEED_RANGE);
  const [judged, personaCheck] = await Promise.all([judgeWithLlm(client, spec, persona, turns, seed), checkPersona(client, spec, persona, turns, seed)]);
  if ('failure' in judged) {
    return { episode: { turns, steps, judgement: notJudged(`the judge's reply was unusable (${judged.failure.message})`), ended }, llm: { ...facts, failure: { stage: 'judge', ...judged.failure }, personaCheck } };
  }
  return { episode: { turns, steps, judgement: judgementOf(judged.verdict, spec, steps.length), ended }, llm: { ...facts, verdict: judged.verdict, personaCheck } };
};
