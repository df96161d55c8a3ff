import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationScript } from '../../../test/support/evaluation-script.ts';
import { startScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import type { Script, ScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import { createHashedEmbedder } from '../../embed/hashed.ts';
import { defaultLlmImagineOptions, imagineWithLlm } from '../../imagine/llm/engine.ts';
import { createLlmClient } from '../../llm/client.ts';
import { LlmHttpError } from '../../llm/errors.ts';
import { saveCheckpoint } from '../../rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../../rl/train.ts';
import { resolveTaskSpec } from '../../tasks/registry.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { JournalMismatchError } from '../journal.ts';
import { parseAgentSpec } from '../../agent/spec.ts';
import { evaluateWithLlm, LlmEvaluationError } from './evaluate.ts';
import type { LlmEvaluationOptions } from './evaluate.ts';

let spec: TaskSpec;
let dir: string;
const servers: ScriptedServer[] = [];

beforeAll(async () => {
  spec = await resolveTaskSpec('instruction');
  dir = await mkdtemp(join(tmpdir(), 'reverie-llm-eval-'));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
});

const serve = async (script: Script) => {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
};

// Without a cache folder unless one is given: every cached reply is written with an fsync.
const client = (server: ScriptedServer, cacheDir?: string) =>
  createLlmClient({ model: { provider: 'openai-compatible', model: 'scripted', baseURL: server.baseURL }, ...(cacheDir === undefined ? {} : { cacheDir }), env: {}, maxRetries: 0, backoff: { baseMs: 1, maxMs: 5 } });

const options = (out: string, extra: Partial<LlmEvaluationOptions> = {}): LlmEvaluationOptions => ({
  spec,
  agents: ['prompted', 'naive'].map(parseAgentSpec),
  episodes: 4,
  trials: 2,
  seed: 1000,
  dir: out,
  excludePersonas: [],
  temperature: 1,
  parallel: 3,
  acting: { k: 4, beta: 1 },
  ...extra,
});

const journalKeys = async (file: string): Promise<string[]> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const row = JSON.parse(line) as { agent: string; index: number; trial: number };
      return `${row.agent}/${row.index}/${row.trial}`;
    });

describe('evaluateWithLlm', () => {
  it('meets the same held-out personas with every agent, trials included, and summarises ratings and pass^k', async () => {
    const server = await serve(evaluationScript(spec, { judgeOutOfRange: 0.3, leftPersona: 0.2 }));
    const out = join(dir, 'whole');
    const evaluation = await evaluateWithLlm(client(server), options(out));
    expect(server.scriptErrors).toEqual([]);
    const [prompted, naive] = evaluation.results;
    for (const result of evaluation.results) {
      expect(result.episodes.map((record) => [record.index, record.trial])).toEqual([0, 1, 2, 3].flatMap((index) => [[index, 0], [index, 1]]));
      expect(result.episodes.map((record) => record.llm?.personaId)).toEqual(evaluation.personas.personas.flatMap((persona) => [persona.id, persona.id]));
      expect(result.passK?.map((point) => point.k)).toEqual([1, 2]);
      expect(result.llm?.judged).toBe(8);
    }
    expect(prompted?.success.mean).toBe(1);
    expect(prompted?.llm?.ratings?.overall.mean).toBe(5);
    expect(naive?.turns).toBe(1);
    expect(naive?.llm?.ratings?.overall.mean).toBeLessThan(4);
    expect(evaluation.usage.repairs).toBeGreaterThan(0);
    // The journal stays until the report is written; the caller then finishes it.
    expect(await journalKeys(evaluation.journal.file)).toHaveLength(16);
    await evaluation.journal.finish();
  });

  it('resumes after the server starts failing mid-run: the same episodes, each once, and the same numbers', async () => {
    const script = evaluationScript(spec);
    const reference = await evaluateWithLlm(client(await serve(script)), options(join(dir, 'reference')));
    const out = join(dir, 'resumed');
    // The key is revoked after 60 requests: the run stops, keeping the episodes it finished.
    const failing = await serve((body, index, request) => (index < 60 ? script(body, index, request) : { status: 401, body: { error: { message: 'key revoked', type: 'auth' } } }));
    await expect(evaluateWithLlm(client(failing), options(out))).rejects.toBeInstanceOf(LlmHttpError);
    const before = await journalKeys(join(out, 'episodes.journal.jsonl'));
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(16);
    const healthy = await serve(script);
    const resumed = await evaluateWithLlm(client(healthy), options(out));
    expect(resumed.resumed).toBe(before.length);
    const after = await journalKeys(resumed.journal.file);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(16);
    expect(new Set(after).size).toBe(16);
    const strip = (value: unknown) => JSON.parse(JSON.stringify(value, (key, inner: unknown) => (key === 'journal' || key === 'usage' || key === 'resumed' || key === 'tokens' ? undefined : inner)));
    expect(strip(resumed.results)).toEqual(strip(reference.results));
  });

  it('refuses to resume with other settings, and agents named twice', async () => {
    const server = await serve(evaluationScript(spec));
    const out = join(dir, 'settings');
    await evaluateWithLlm(client(server, join(out, 'cache')), options(out, { episodes: 1, trials: 1 }));
    await expect(evaluateWithLlm(client(server, join(out, 'cache')), options(out, { episodes: 1, trials: 1, temperature: 0.5 }))).rejects.toBeInstanceOf(JournalMismatchError);
    await expect(evaluateWithLlm(client(server, join(out, 'cache')), options(out, { agents: ['naive', 'naive'].map(parseAgentSpec) }))).rejects.toBeInstanceOf(LlmEvaluationError);
  });

  it('evaluates a checkpoint trained on LLM-imagined dialogues beside the prompted baseline', async () => {
    const server = await serve(evaluationScript(spec));
    const data = join(dir, 'imagined');
    const imagined = await imagineWithLlm(client(server), spec, { ...defaultLlmImagineOptions, count: 12, dir: data, personas: 6, personaBatch: 6, parallel: 4 });
    const embedder = createHashedEmbedder({ dimension: 256 });
    const model = await train(imagined.dialogues, embedder, { ...defaultTrainOptions, steps: 3, batchSize: 8, hidden: 8 });
    const checkpoint = join(dir, 'ilql');
    await saveCheckpoint(checkpoint, model, { task: spec.name, taskVersion: spec.version, embedder: embedder.config });
    const out = join(dir, 'with-checkpoint');
    const evaluation = await evaluateWithLlm(client(server), options(out, { agents: ['prompted', `ilql=${checkpoint}`].map(parseAgentSpec), episodes: 2, trials: 1, excludePersonas: [join(data, 'personas.jsonl')] }));
    const ilql = evaluation.results[1];
    expect(ilql?.name).toBe('ilql');
    expect(ilql?.llm?.judged).toBe(2);
    // Trained agents say utterances of their data, and report the candidates they weighed.
    for (const record of ilql?.episodes ?? []) {
      for (const step of record.episode.steps) expect(model.library).toContain(step.text);
      expect(record.episode.steps[0]?.candidates?.length).toBeGreaterThan(0);
    }
    expect(evaluation.personas.excludedAgainst).toBe(6);
  });
});
