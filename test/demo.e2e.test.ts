import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultDemoOptions, runDemo } from '../src/pipeline/demo.ts';
import { loadCheckpoint } from '../src/rl/checkpoint.ts';

const intervalSchema = z.object({ mean: z.number(), low: z.number(), high: z.number() });
const resultsSchema = z.object({
  task: z.literal('travel'),
  agents: z.array(z.object({ name: z.string(), success: intervalSchema, reward: intervalSchema, turns: z.number() })),
});

describe('demo, end to end on a small run', () => {
  let out: string;
  const logs: string[] = [];
  const small = {
    ...defaultDemoOptions,
    dialogues: 300,
    episodes: 60,
    validationEpisodes: 20,
    betas: [0, 4],
    train: { ...defaultDemoOptions.train, steps: 40, batchSize: 32 },
    log: (line: string) => logs.push(line),
  };

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'reverie-demo-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes the dataset, checkpoints, report and results with every agent', async () => {
    const { results, table } = await runDemo({ ...small, out });
    expect(results.map((result) => result.name)).toEqual(['behaviour', 'naive', 'bc', 'fbc', 'mc', 'ilql', 'oracle']);
    const json = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    expect(json.agents.map((agent) => agent.name)).toEqual(['behaviour', 'naive', 'bc', 'fbc', 'mc', 'ilql', 'oracle']);
    for (const agent of json.agents) {
      expect(agent.success.low).toBeLessThanOrEqual(agent.success.mean);
      expect(agent.success.mean).toBeLessThanOrEqual(agent.success.high);
    }
    const byName = Object.fromEntries(json.agents.map((agent) => [agent.name, agent]));
    // The oracle knows the persona: it must beat the agent that recommends blindly.
    expect(byName.oracle?.success.mean).toBeGreaterThan(byName.naive?.success.mean ?? 1);
    expect(table).toContain('ILQL (utterance-level)');
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('| agent');
    const dataset = (await readFile(join(out, 'dialogues.jsonl'), 'utf8')).trim().split('\n');
    expect(dataset).toHaveLength(300);
    for (const algorithm of ['bc', 'fbc']) {
      expect((await readdir(join(out, 'checkpoints', algorithm))).sort()).toEqual(['config.json', 'model.safetensors']);
    }
    // ILQL keeps the β chosen on validation personas beside its weights, for every later command.
    expect((await readdir(join(out, 'checkpoints', 'ilql'))).sort()).toEqual(['acting.json', 'config.json', 'model.safetensors']);
    const acting = JSON.parse(await readFile(join(out, 'checkpoints', 'ilql', 'acting.json'), 'utf8')) as { k: number; beta: number };
    expect(acting.k).toBe(small.k);
    expect(small.betas).toContain(acting.beta);
    expect((await loadCheckpoint(join(out, 'checkpoints', 'ilql'))).acting).toMatchObject({ k: small.k, beta: acting.beta });
    expect((await readdir(join(out, 'episodes'))).sort()).toEqual(['bc.jsonl', 'behaviour.jsonl', 'fbc.jsonl', 'ilql.jsonl', 'mc.jsonl', 'naive.jsonl', 'oracle.jsonl']);
  });

  it('reuses the dataset and checkpoints on a second run and gets the same numbers', async () => {
    const before = await readFile(join(out, 'results.json'), 'utf8');
    logs.length = 0;
    await runDemo({ ...small, out });
    expect(logs.filter((line) => line.includes('reusing'))).toHaveLength(4);
    expect(logs.some((line) => line.startsWith('imagined 0 dialogues (300 reused)'))).toBe(true);
    const strip = (text: string) => ({ ...JSON.parse(text), settings: undefined });
    expect(strip(await readFile(join(out, 'results.json'), 'utf8'))).toEqual(strip(before));
  });
});
