import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTokenOptions } from '../../test/support/token-fixtures.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { initBackend } from '../nn/backend.ts';
import { loadBuiltInTask } from '../tasks/registry.ts';
import type { Turn } from '../task/types.ts';
import { loadTokenCheckpoint, saveTokenActing } from '../token/checkpoint.ts';
import { disposeTokenModel } from '../token/model.ts';
import { trainTokenModel } from '../token/trainer.ts';
import { createRng } from '../util/rng.ts';
import { buildAgent, createAgentFactory } from './build.ts';
import { parseAgentSpec } from './spec.ts';
import { createTokenPolicy, resolveTokenDecoding, tokenAgent } from './token-agent.ts';

let folder: string;
let checkpoint: string;

/** Whatever the user says first, the agent asks the same question; then it recommends the museum. */
const dialogues: Dialogue[] = ['Hi there!', 'Hello, any ideas?', 'Good morning.', 'Hey, what should I do?'].map((opening, index) => ({
  id: `toy-${index}`,
  task: 'travel',
  persona: {},
  turns: [
    { role: 'user', text: opening },
    { role: 'agent', text: 'What do you enjoy?' },
    { role: 'user', text: index % 2 === 0 ? 'Museums.' : 'Art, mostly.' },
    { role: 'agent', text: 'Try the Old Masters Gallery.' },
    { role: 'user', text: 'Thanks!' },
  ],
  reward: index % 2,
  success: index % 2 === 1,
  meta: {},
}));

const opening: Turn[] = [{ role: 'user', text: 'Hi there!' }];

beforeAll(async () => {
  await initBackend('wasm');
  folder = await mkdtemp(join(tmpdir(), 'reverie-token-agent-'));
  checkpoint = join(folder, 'token-ilql');
  const options = tinyTokenOptions({ algorithm: 'token-ilql', steps: 60, batchSize: 4, learningRate: 1e-2, model: { vocabSize: 280, maxLength: 64 } });
  const { model } = await trainTokenModel(dialogues, options, { task: 'travel', taskVersion: 1, out: checkpoint });
  disposeTokenModel(model);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('token agent', () => {
  it('says the learned reply and stops at its end-of-turn token; greedy replies do not depend on the rng', async () => {
    const { model, info } = await loadTokenCheckpoint(checkpoint);
    const policy = createTokenPolicy(model, info, { beta: 0, greedy: true });
    const first = await tokenAgent(policy, 'tok', createRng(1)).act(opening);
    // Without the end-of-turn token it would run on to maxTokens (twice the longest utterance).
    expect(first.text).toBe('What do you enjoy?');
    expect((await tokenAgent(policy, 'tok', createRng(2)).act(opening)).text).toBe(first.text);
    const later = await tokenAgent(policy, 'tok', createRng(3)).act([...opening, { role: 'agent', text: 'What do you enjoy?' }, { role: 'user', text: 'Museums.' }]);
    expect(later.text).toBe('Try the Old Masters Gallery.');
    policy.dispose();
    disposeTokenModel(model);
  });

  it('samples reproducibly per episode seed, and reports the advantage of what it said when asked', async () => {
    const { model, info } = await loadTokenCheckpoint(checkpoint);
    const policy = createTokenPolicy(model, info, { beta: 4, topK: 5, temperature: 2, reportAdvantages: true });
    const replies = async (seed: number) => {
      const agent = tokenAgent(policy, 'tok', createRng(seed));
      return [(await agent.act(opening)).text, (await agent.act(opening)).text];
    };
    expect(await replies(7)).toEqual(await replies(7));
    const step = await tokenAgent(policy, 'tok', createRng(8)).act(opening);
    expect(step.candidates).toHaveLength(1);
    expect(step.candidates?.[0]?.text).toBe(step.text);
    expect(Number.isFinite(step.candidates?.[0]?.advantage)).toBe(true);
    policy.dispose();
    disposeTokenModel(model);
  });

  it('acts with the caller’s settings, else the checkpoint’s, else the defaults; BC always at β = 0', async () => {
    const { model, info } = await loadTokenCheckpoint(checkpoint);
    disposeTokenModel(model);
    expect(resolveTokenDecoding(info)).toMatchObject({ beta: 4, topK: 10, temperature: 1, greedy: false });
    const acting = { ...info, acting: { beta: 16, greedy: true } };
    expect(resolveTokenDecoding(acting)).toMatchObject({ beta: 16, greedy: true, topK: 10 });
    expect(resolveTokenDecoding(acting, { beta: 2 })).toMatchObject({ beta: 2, greedy: true });
    expect(resolveTokenDecoding({ ...acting, algorithm: 'token-bc' }, { beta: 2 }).beta).toBe(0);
  });

  it('is built from NAME=DIR for chat, serve and eval, with the β and greedy decoding saved beside it', async () => {
    await saveTokenActing(checkpoint, { beta: 0, greedy: true, chosenOn: 'test' });
    const task = await loadBuiltInTask('travel');
    const built = await buildAgent(parseAgentSpec(`tok=${checkpoint}`), { spec: task.spec, simulator: task, k: 3 });
    expect(built.description).toBe(`token-ilql checkpoint ${checkpoint} (β 0, top-k 3, greedy)`);
    expect(built.needsPersona).toBe(false);
    const persona = task.samplePersona(createRng(1));
    expect((await built.factory({ rng: createRng(1), persona }).act(opening)).text).toBe('What do you enjoy?');
    built.dispose();
    const factory = await createAgentFactory(task, { name: 'tok', checkpoint }, {});
    expect((await factory({ rng: createRng(2), persona }).act(opening)).text).toBe('What do you enjoy?');
    await expect(buildAgent(parseAgentSpec(`tok=${checkpoint}`), { spec: { ...task.spec, name: 'instruction' } })).rejects.toThrow(/trained on task "travel"/);
  });
});
