import '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashedEmbedder } from '../embed/hashed.ts';
import { imagineDialogue } from '../imagine/offline.ts';
import { initBackend } from '../nn/backend.ts';
import { CheckpointError, saveCheckpoint } from '../rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../rl/train.ts';
import type { TaskSimulator } from '../task/types.ts';
import { loadTravelTask } from '../tasks/travel/index.ts';
import type { TravelPersona } from '../tasks/travel/persona.ts';
import { createRng } from '../util/rng.ts';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { createLlmClient } from '../llm/client.ts';
import { parseModelRef } from '../llm/model-ref.ts';
import { buildAgent, createAgentFactory } from './build.ts';
import { EmptyReplyError } from './prompted.ts';
import { AgentSpecError, parseAgentSpec, scriptedAgentNames } from './spec.ts';

let dir: string;
let task: TaskSimulator<TravelPersona>;

beforeAll(async () => {
  await initBackend('cpu');
  task = await loadTravelTask();
  dir = await mkdtemp(join(tmpdir(), 'reverie-agents-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const specError = (text: string): AgentSpecError => {
  try {
    parseAgentSpec(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AgentSpecError);
    return error as AgentSpecError;
  }
  throw new Error(`parseAgentSpec(${JSON.stringify(text)}) did not throw`);
};

describe('parseAgentSpec', () => {
  it('reads NAME=CHECKPOINT', () => {
    expect(parseAgentSpec('ilql=some/dir')).toStrictEqual({ name: 'ilql', checkpoint: 'some/dir' });
    expect(parseAgentSpec('my-bc2=/abs/path/ckpt')).toStrictEqual({ name: 'my-bc2', checkpoint: '/abs/path/ckpt' });
  });

  it('reads the built-in names without a checkpoint', () => {
    expect(scriptedAgentNames).toEqual(['behaviour', 'naive', 'oracle']);
    expect(parseAgentSpec('naive')).toStrictEqual({ name: 'naive' });
    expect(parseAgentSpec('oracle')).toStrictEqual({ name: 'oracle' });
    expect(parseAgentSpec('behaviour')).toStrictEqual({ name: 'behaviour' });
  });

  it('refuses an unknown name without a checkpoint, suggesting NAME=CHECKPOINT_DIR', () => {
    const error = specError('ilql');
    expect(error.message).toContain('"ilql"');
    expect(error.hint).toContain('ilql=CHECKPOINT_DIR');
  });

  it('refuses names that are not lowercase letters, digits and dashes', () => {
    for (const text of ['ILQL!', 'ILQL', '1ilql', '-x', '', 'a b', 'il_ql=dir', '=dir']) expect(specError(text).message).toContain('lowercase');
  });

  // Only the first '=' separates the name: sweep folders such as runs/lr=0.001/ hold one too.
  it('keeps a checkpoint path that contains "="', () => {
    expect(parseAgentSpec('ilql=runs/lr=0.001/ilql')).toStrictEqual({ name: 'ilql', checkpoint: 'runs/lr=0.001/ilql' });
  });
});

describe('createAgentFactory', () => {
  it('returns the task’s scripted agents by name', async () => {
    const acting = { k: 4, beta: 1 };
    expect(await createAgentFactory(task, { name: 'naive' }, acting)).toBe(task.naive);
    expect(await createAgentFactory(task, { name: 'oracle' }, acting)).toBe(task.oracle);
    const behaviour = await createAgentFactory(task, { name: 'behaviour' }, acting);
    const persona = task.samplePersona(createRng(1));
    const step = await behaviour({ rng: createRng(2), persona }).act([{ role: 'user', text: 'Hi!' }]);
    expect(step.text.length).toBeGreaterThan(0);
  });

  it('acts from a checkpoint: ILQL by advantage, BC by its policy; a checkpoint of another task is refused', async () => {
    const dialogues = await Promise.all(Array.from({ length: 20 }, (_, i) => imagineDialogue(task, 1, i)));
    const embedder = createHashedEmbedder({ dimension: 64 });
    const turns = dialogues[0]?.turns.slice(0, 1) ?? [];
    for (const algorithm of ['ilql', 'bc'] as const) {
      const model = await train(dialogues, embedder, { ...defaultTrainOptions, algorithm, steps: 3, batchSize: 32, hidden: 8 });
      const folder = join(dir, algorithm);
      await saveCheckpoint(folder, model, { task: 'travel', taskVersion: 1, embedder: embedder.config });
      const factory = await createAgentFactory(task, { name: algorithm, checkpoint: folder }, { k: 3, beta: 2 });
      const agent = factory({ rng: createRng(0), persona: task.samplePersona(createRng(0)) });
      expect(agent.name).toBe(algorithm);
      const step = await agent.act(turns);
      expect(model.library).toContain(step.text);
      if (algorithm === 'ilql') expect(step.candidates).toHaveLength(3);
      else expect(step.candidates).toBeUndefined();
    }
    const other = { ...task, spec: { ...task.spec, name: 'other' } };
    await expect(createAgentFactory(other, { name: 'ilql', checkpoint: join(dir, 'ilql') }, { k: 3, beta: 2 })).rejects.toBeInstanceOf(CheckpointError);
  });
});

describe('buildAgent: one meaning per name', () => {
  const servers: ScriptedServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  const llmAnswering = async (answer: (body: { messages: { role: string; content: string }[]; seed?: number }, index: number) => string) => {
    const server = await startScriptedServer((body, index) => ({ text: answer(body as { messages: { role: string; content: string }[]; seed?: number }, index) }));
    servers.push(server);
    return { server, llm: createLlmClient({ model: parseModelRef('openai-compatible:scripted', { baseURL: server.baseURL }), env: {}, maxRetries: 0 }) };
  };
  const opening = [{ role: 'user' as const, text: 'Hi! Any ideas for my trip?' }];

  it('gives naive and oracle as the task’s scripted agents without an LLM, and as the LLM prompted so with one', async () => {
    const context = { spec: task.spec, simulator: task as TaskSimulator<unknown> };
    expect((await buildAgent({ name: 'naive' }, context)).factory).toBe(task.naive);
    expect((await buildAgent({ name: 'oracle' }, context)).factory).toBe(task.oracle);
    const { server, llm } = await llmAnswering((body) => `I heard: ${body.messages[0]?.content.includes('do not ask') ? 'answer at once' : 'go ahead'}`);
    const persona = task.samplePersona(createRng(5));
    const naive = await buildAgent({ name: 'naive' }, { ...context, llm });
    expect(naive.description).toBe('naive openai-compatible:scripted');
    expect((await naive.factory({ rng: createRng(1), persona }).act(opening)).text).toBe('I heard: answer at once');
    const oracle = await buildAgent({ name: 'oracle' }, { ...context, llm });
    expect(oracle.needsPersona).toBe(true);
    await oracle.factory({ rng: createRng(1), persona }).act(opening);
    // The oracle is told the built-in persona, in the task's own words.
    expect(server.requests.at(-1)?.body.messages[0]?.content).toContain(task.describePersona(persona));
  });

  it('refuses what a name cannot mean here: prompted without an LLM, scripted agents without a simulator', async () => {
    await expect(buildAgent({ name: 'prompted' }, { spec: task.spec, simulator: task as TaskSimulator<unknown> })).rejects.toThrow(/needs an LLM/);
    const { llm } = await llmAnswering(() => 'hello');
    await expect(buildAgent({ name: 'behaviour' }, { spec: task.spec, llm })).rejects.toThrow(/is played by an LLM/);
    await expect(buildAgent({ name: 'naive' }, { spec: task.spec })).rejects.toBeInstanceOf(AgentSpecError);
  });

  it('asks the LLM once more, with another seed, when its reply is empty, and fails with EmptyReplyError if that is empty too', async () => {
    const { server, llm } = await llmAnswering((_body, index) => (index === 0 ? '   ' : 'Second thoughts: a museum?'));
    const prompted = await buildAgent({ name: 'prompted' }, { spec: task.spec, llm });
    const agent = prompted.factory({ rng: createRng(3), persona: undefined });
    expect((await agent.act(opening)).text).toBe('Second thoughts: a museum?');
    const [first, second] = server.requests.map((request) => request.body.seed as number);
    expect(second).not.toBe(first);
    const { llm: silent } = await llmAnswering(() => '');
    const mute = (await buildAgent({ name: 'prompted' }, { spec: task.spec, llm: silent })).factory({ rng: createRng(3), persona: undefined });
    await expect(mute.act(opening)).rejects.toBeInstanceOf(EmptyReplyError);
  });
});
