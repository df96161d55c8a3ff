import '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dialogue } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import { initBackend } from '../nn/backend.ts';
import { defaultTrainOptions, train } from '../rl/train.ts';
import type { TrainedModel } from '../rl/train.ts';
import type { Turn } from '../task/types.ts';
import { createValueAgent } from './value-agent.ts';

const colours = ['red', 'blue'] as const;
const opening = (colour: string): Turn[] => [{ role: 'user', text: `I love ${colour}` }];
const reply = (colour: string): string => `Here is something ${colour}.`;

/** A user likes a colour, the agent offers one; reward 1 when they match. All four pairs equally often. */
const toyDialogues = (): Dialogue[] =>
  Array.from({ length: 200 }, (_, i): Dialogue => {
    const liked = colours[i % 2] ?? 'red';
    const offered = colours[Math.floor(i / 2) % 2] ?? 'red';
    const reward = liked === offered ? 1 : 0;
    return {
      id: `toy-0-${String(i).padStart(6, '0')}`,
      task: 'toy',
      persona: {},
      turns: [...opening(liked), { role: 'agent', text: reply(offered) }],
      reward,
      success: reward === 1,
      meta: {},
    };
  });

const embedder = createHashedEmbedder({ dimension: 256 });
let model: TrainedModel;

beforeAll(async () => {
  await initBackend('cpu');
  model = await train(toyDialogues(), embedder, { ...defaultTrainOptions, steps: 300, batchSize: 32, hidden: 16, inputDropout: 0 });
}, 60_000);

describe('createValueAgent with the advantage policy', () => {
  it.each(colours)('offers %s to a user who loves it', async (colour) => {
    const agent = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 2, beta: 10 });
    expect(agent.name).toBe('ilql');
    const step = await agent.act(opening(colour));
    expect(step.text).toBe(reply(colour));
  });

  it('returns the top-k candidates sorted by score, with q, v, advantage = q − v and log-prior', async () => {
    const agent = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 2, beta: 10 });
    const step = await agent.act(opening('red'));
    const candidates = step.candidates ?? [];
    expect(candidates).toHaveLength(2);
    expect(candidates.map((candidate) => candidate.text).sort()).toEqual([reply('blue'), reply('red')]);
    expect(candidates[0]?.text).toBe(step.text);
    for (let i = 1; i < candidates.length; i += 1) expect(candidates[i - 1]?.score ?? NaN).toBeGreaterThanOrEqual(candidates[i]?.score ?? NaN);
    const v = candidates[0]?.v;
    for (const candidate of candidates) {
      const { q, v: value, advantage, prior } = candidate;
      if (q === undefined || value === undefined || advantage === undefined || prior === undefined) throw new Error(`incomplete candidate ${JSON.stringify(candidate)}`);
      expect(value).toBe(v);
      expect(advantage).toBeCloseTo(q - value, 6);
      expect(prior).toBeLessThanOrEqual(0);
      expect(candidate.score).toBeCloseTo(prior + 10 * advantage, 5);
    }
    const mass = candidates.reduce((sum, candidate) => sum + Math.exp(candidate.prior ?? NaN), 0);
    expect(mass).toBeCloseTo(1, 5);
    // The matching reply is worth more than the other one.
    const red = candidates.find((candidate) => candidate.text === reply('red'));
    const blue = candidates.find((candidate) => candidate.text === reply('blue'));
    expect(red?.q ?? NaN).toBeGreaterThan(blue?.q ?? NaN);
  });

  it('caps k at the library size and renormalises the prior over the top 1 with k = 1', async () => {
    const wide = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 50, beta: 1 });
    expect((await wide.act(opening('blue'))).candidates).toHaveLength(2);
    const one = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 1, beta: 1 });
    const step = await one.act(opening('blue'));
    expect(step.candidates).toHaveLength(1);
    expect(step.candidates?.[0]?.prior).toBeCloseTo(0, 6);
    expect(step.text).toBe(step.candidates?.[0]?.text);
  });

  it('acts deterministically', async () => {
    const agent = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 2, beta: 10 });
    expect(await agent.act(opening('blue'))).toEqual(await agent.act(opening('blue')));
  });
});

describe('createValueAgent with the behaviour policy', () => {
  it('says a library utterance and gives no candidates', async () => {
    const agent = createValueAgent(model, embedder, { name: 'bc', policy: 'policy', k: 2, beta: 10 });
    expect(agent.name).toBe('bc');
    for (const colour of colours) {
      const step = await agent.act(opening(colour));
      expect(step.candidates).toBeUndefined();
      expect(model.library).toContain(step.text);
    }
  });
});
