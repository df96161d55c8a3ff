/**
 * One LLM-evaluated episode: the simulated user opens, agent and user alternate until the user
 * sends its stop signal or the agent has used the task's maxTurns (the cap that stops a
 * simulator that never says it is done), then the judge and the persona-consistency check read
 * the transcript. An unusable reply from the simulator ends the episode as a simulator failure;
 * one from the judge makes it a judge failure. Both keep the raw text and are counted, never dropped.
 *
 * @example
 * const record = await runLlmEpisode({ client, spec, persona, agent, rng, temperature: 1 });
 * record.llm.verdict?.ratings.overall;
 */
import type { LlmClient } from '../../llm/client.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import type { Episode } from '../../sim/episode.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { AgentStep, Turn } from '../../task/types.ts';
import type { Rng } from '../../util/rng.ts';
import type { LlmEvalAgent } from './agents.ts';
import { judgementOf, judgeWithLlm } from './judge.ts';
import type { LlmEpisodeFacts, Unusable } from './schemas.ts';
import { checkPersona, createLlmUser, unusableFrom } from './user.ts';

export type LlmEpisodeInput = {
  client: LlmClient;
  spec: TaskSpec;
  persona: StoredPersona;
  agent: LlmEvalAgent;
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
  const agent = input.agent.factoryFor(client)({ rng: input.rng.fork(`agent-${input.agent.spec.name}`), persona });
  const turns: Turn[] = [];
  const steps: AgentStep[] = [];
  let ended: Episode['ended'] = 'turn-limit';
  let userFailure: Unusable | undefined;
  const userSays = async (): Promise<boolean> => {
    try {
      const reply = await user.reply(turns);
      turns.push({ role: 'user', text: reply.text });
      return reply.done;
    } catch (error) {
      userFailure = unusableFrom(error);
      return true;
    }
  };
  if (!(await userSays())) {
    while (steps.length < spec.maxTurns) {
      const step = await agent.act(turns);
      steps.push(step);
      turns.push({ role: 'agent', text: step.text });
      if (await userSays()) {
        ended = 'user';
        break;
      }
    }
  }
  const facts: LlmEpisodeFacts = { personaId: persona.id, tokens };
  if (userFailure !== undefined) {
    // The conversation broke off, so neither a verdict nor a consistency check would mean much.
    return { episode: { turns, steps, judgement: notJudged(`the simulated user's reply was unusable (${userFailure.message})`), ended: 'user' }, llm: { ...facts, failure: { stage: 'user', ...userFailure } } };
  }
  const seed = input.rng.fork('judge').int(0, SEED_RANGE);
  const [judged, personaCheck] = await Promise.all([judgeWithLlm(client, spec, persona, turns, seed), checkPersona(client, spec, persona, turns, seed)]);
  if ('failure' in judged) {
    return { episode: { turns, steps, judgement: notJudged(`the judge's reply was unusable (${judged.failure.message})`), ended }, llm: { ...facts, failure: { stage: 'judge', ...judged.failure }, personaCheck } };
  }
  return { episode: { turns, steps, judgement: judgementOf(judged.verdict, spec, steps.length), ended }, llm: { ...facts, verdict: judged.verdict, personaCheck } };
};
