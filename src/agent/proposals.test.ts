import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import { createLlmClient } from '../llm/client.ts';
import { LlmAbortedError } from '../llm/errors.ts';
import type { LlmClient } from '../llm/client.ts';
import { parseModelRef } from '../llm/model-ref.ts';
import { initBackend } from '../nn/backend.ts';
import { encodeActions, encodeStates, qValues, values } from '../rl/network.ts';
import { defaultTrainOptions, train } from '../rl/train.ts';
import type { TrainedModel } from '../rl/train.ts';
import type { LoadedCheckpoint } from '../rl/checkpoint.ts';
import { colourDialogues, colourOpening as opening, colourReply as reply, colours, colourSpec as spec } from '../../test/support/colour-task.ts';
import type { Turn } from '../task/types.ts';
import { createCheckpointAgent, EmbedderMismatchError } from './checkpoint-agent.ts';
import { createPromptedAgent } from './prompted.ts';
import { createLlmProposer } from './proposals.ts';
import { ProposalError } from './value-agent.ts';
import { sparseRows } from '../nn/sparse-layers.ts';

const toyDialogues = (): Dialogue[] => colourDialogues();

// What the LLM proposes, by seed: library replies, a duplicate, an empty one and replies the data never had.
const PROPOSALS = ['Here is something blue.', 'Here is something red.', '"Here is something red."', '   ', 'Something red, just for you.', 'Something blue, just for you.'];

const embedder = createHashedEmbedder({ dimension: 256 });
let model: TrainedModel;
let checkpoint: LoadedCheckpoint;
let server: ScriptedServer;
let llm: LlmClient;

beforeAll(async () => {
  await initBackend('cpu');
  // Few steps, enough for Q to tell the colours apart; the test is about scoring, not learning.
  model = await train(toyDialogues(), embedder, { ...defaultTrainOptions, steps: 150, batchSize: 32, hidden: 16, inputDropout: 0 });
  checkpoint = {
    config: { format: 'reverie-utterance-model', formatVersion: 1, task: 'toy', taskVersion: 1, algorithm: 'ilql', embedder: embedder.config, network: { inputDimension: 256, hidden: 16 }, training: {}, stats: {}, library: model.library },
    parameters: model.parameters,
    library: model.library,
  };
  server = await startScriptedServer((body) => {
    if (body.seed === undefined) return { text: '  Agent: "Which colour do you love?"  ' };
    return { text: PROPOSALS[Number(body.seed)] ?? 'none' };
  });
  llm = createLlmClient({ model: parseModelRef('openai-compatible:scripted', { baseURL: server.baseURL }), env: {}, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await server.close();
});

/** Q(s, a) and V(s) computed straight from the network, for one text: the check the agent must agree with. */
const directQ = (turns: Turn[], text: string): { q: number; v: number } =>
  tf.tidy(() => {
    const state = encodeStates(model.parameters, sparseRows([embedder.embedState(turns)], 256));
    const action = encodeActions(model.parameters, sparseRows([embedder.embedAction(text)], 256));
    const q = tf.minimum(qValues(model.parameters, 'target-q1', state, action), qValues(model.parameters, 'target-q2', state, action));
    return { q: q.dataSync()[0] ?? NaN, v: values(model.parameters, state).dataSync()[0] ?? NaN };
  });

describe('ILQL choosing among LLM proposals', () => {
  it('asks for k samples with distinct seeds and the task prompt, and says the argmax of log π_β + β(Q − V)', async () => {
    const before = server.requests.length;
    const beta = 10;
    const agent = createCheckpointAgent(checkpoint, { name: 'ilql', k: PROPOSALS.length, beta, propose: createLlmProposer({ llm, spec, k: PROPOSALS.length }) });
    const turns = opening('red');
    const step = await agent.act(turns);

    const sent = server.requests.slice(before);
    expect(sent.map((request) => request.body.seed).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const system = sent[0]?.body.messages[0];
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('a colour advisor');
    expect(system?.content).toContain('offer the colour the user loves');
    expect(sent[0]?.body.messages.slice(1)).toEqual([{ role: 'user', content: 'I love red' }]);

    // Blank proposals are dropped; quotes are stripped, after which a duplicate counts once.
    const candidates = step.candidates ?? [];
    expect(candidates.map((candidate) => candidate.text).sort()).toEqual(['Here is something blue.', 'Here is something red.', 'Something blue, just for you.', 'Something red, just for you.'].sort());
    const best = candidates.reduce((a, b) => (b.score > a.score ? b : a));
    expect(step.text).toBe(best.text);
    expect(candidates[0]?.text).toBe(step.text);
    expect(step.text).toContain('red');
    expect(candidates.reduce((sum, candidate) => sum + Math.exp(candidate.prior ?? NaN), 0)).toBeCloseTo(1, 5);
    for (const candidate of candidates) {
      expect(candidate.source).toBe('llm');
      const direct = directQ(turns, candidate.text);
      expect(candidate.q).toBeCloseTo(direct.q, 5);
      expect(candidate.v).toBeCloseTo(direct.v, 5);
      expect(candidate.score).toBeCloseTo((candidate.prior ?? NaN) + beta * ((candidate.q ?? NaN) - (candidate.v ?? NaN)), 5);
    }
  });

  it('scores replies outside the training library by their words: a new red reply is worth more to a red lover than a new blue one', async () => {
    for (const colour of colours) {
      const other = colour === 'red' ? 'blue' : 'red';
      expect(model.library).not.toContain(`Something ${colour}, just for you.`);
      expect(directQ(opening(colour), `Something ${colour}, just for you.`).q).toBeGreaterThan(directQ(opening(colour), `Something ${other}, just for you.`).q);
    }
  });

  it('falls back to the data’s utterances without a proposer, marked as library candidates', async () => {
    const step = await createCheckpointAgent(checkpoint, { name: 'ilql', k: 2, beta: 10 }).act(opening('blue'));
    expect(step.text).toBe(reply('blue'));
    expect(step.candidates?.map((candidate) => candidate.source)).toEqual(['library', 'library']);
  });

  it('lets BC pick by its prior alone among proposals, with no Q', async () => {
    const bc = createCheckpointAgent({ ...checkpoint, config: { ...checkpoint.config, algorithm: 'bc' } }, { name: 'bc', k: 2, beta: 10, propose: async () => [reply('red'), reply('blue')] });
    const step = await bc.act(opening('red'));
    expect(step.candidates?.[0]?.q).toBeUndefined();
    expect(step.candidates?.[0]?.score).toBe(step.candidates?.[0]?.prior);
  });

  it('cancels the proposal requests in flight when the caller’s signal fires (a served client hanging up)', async () => {
    const hanging = await startScriptedServer(() => ({ hang: true }));
    try {
      const client = createLlmClient({ model: parseModelRef('openai-compatible:scripted', { baseURL: hanging.baseURL }), env: {}, maxRetries: 0 });
      const agent = createCheckpointAgent(checkpoint, { name: 'ilql', k: 2, beta: 1, propose: createLlmProposer({ llm: client, spec, k: 2 }) });
      const controller = new AbortController();
      const pending = agent.act(opening('red'), { signal: controller.signal }).catch((error: unknown) => error);
      while (hanging.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
      expect(await pending).toBeInstanceOf(LlmAbortedError);
      while (hanging.requests.some((request) => request.cancelledAt === undefined)) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await hanging.close();
    }
  });

  it('refuses proposals that are all blank with a typed error', async () => {
    const agent = createCheckpointAgent(checkpoint, { name: 'ilql', k: 2, beta: 1, propose: async () => ['', '  '] });
    await expect(agent.act(opening('red'))).rejects.toBeInstanceOf(ProposalError);
  });

  it('refuses an embedder other than the one the checkpoint was trained with', () => {
    const attempt = () => createCheckpointAgent(checkpoint, { name: 'ilql', k: 2, beta: 1, embedder: createHashedEmbedder({ dimension: 512 }), where: 'runs/x/ilql' });
    expect(attempt).toThrow(EmbedderMismatchError);
    expect(attempt).toThrow('runs/x/ilql: trained with the hashed v1, dimension 256 embedder, asked to act with hashed v1, dimension 512');
    const otherKind = { ...embedder, config: { ...embedder.config, kind: 'api' } } as unknown as typeof embedder;
    expect(() => createCheckpointAgent(checkpoint, { name: 'ilql', k: 2, beta: 1, embedder: otherKind })).toThrow(EmbedderMismatchError);
    expect(() => createCheckpointAgent(checkpoint, { name: 'ilql', k: 2, beta: 1, embedder: createHashedEmbedder({ dimension: 256 }) })).not.toThrow();
  });
});

describe('the prompted agent', () => {
  it('sends the task prompt and the conversation with roles mapped, and says the reply without label or quotes', async () => {
    const before = server.requests.length;
    const agent = createPromptedAgent({ llm, spec });
    const turns: Turn[] = [...opening('red'), { role: 'agent', text: 'Lovely.' }, { role: 'user', text: 'So?' }];
    expect(await agent.act(turns)).toEqual({ text: 'Which colour do you love?' });
    const messages = server.requests[before]?.body.messages ?? [];
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[0]?.content).toContain('You are a colour advisor.');
  });

  it('opens the conversation when nobody has spoken, with a user message first', async () => {
    const before = server.requests.length;
    await createPromptedAgent({ llm, spec, seed: undefined }).act([]);
    expect(server.requests[before]?.body.messages.map((message) => message.role)).toEqual(['system', 'user']);
  });
});
