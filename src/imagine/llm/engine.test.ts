import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imaginationScript } from '../../../test/support/imagination-script.ts';
import { startScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import { dialogueSchema } from '../../data/dialogue.ts';
import { readJsonl } from '../../data/jsonl.ts';
import { createHashedEmbedder } from '../../embed/hashed.ts';
import { createLlmClient } from '../../llm/client.ts';
import { defaultTrainOptions, train } from '../../rl/train.ts';
import { resolveTaskSpec } from '../../tasks/registry.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { DatasetMismatchError } from '../offline.ts';
import { defaultLlmImagineOptions, droppedSchema, ImaginationStalledError, imagineWithLlm } from './engine.ts';

let spec: TaskSpec;
let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  spec = await resolveTaskSpec('instruction');
  server = await startScriptedServer(imaginationScript(spec));
  dir = await mkdtemp(join(tmpdir(), 'reverie-llm-imagine-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (cacheDir: string, baseURL = server.baseURL) =>
  createLlmClient({ model: { provider: 'openai-compatible', model: 'scripted', baseURL }, cacheDir, env: { REVERIE_API_KEY: 'sk-secret-test-key' }, backoff: { baseMs: 1, maxMs: 5 } });

const options = (out: string, count: number) => ({ ...defaultLlmImagineOptions, count, dir: out, personas: 12, personaBatch: 6, parallel: 4 });

describe('imagineWithLlm against a scripted OpenAI-compatible server', () => {
  it('runs the reasoning, imagination and critique steps and writes a dataset train() consumes', async () => {
    const out = join(dir, 'full');
    const result = await imagineWithLlm(client(join(out, 'cache')), spec, options(out, 30));
    expect(result.dialogues).toHaveLength(30);
    expect(new Set(result.dialogues.map((dialogue) => dialogue.id)).size).toBe(30);
    // The script repeats every fifth persona and leaves a field out in odd batches.
    expect(result.personas.personas).toHaveLength(12);
    expect(result.personas.nearDuplicates).toBeGreaterThan(0);
    expect(result.personas.invalid).toBeGreaterThan(0);
    expect(result.personas.reasons['missing hidden parameter "supervised-learning"']).toBeGreaterThan(0);
    expect(result.personas.diversity.meanDistance).toBeGreaterThan(0.3);
    expect(result.revised).toBeGreaterThan(0);
    for (const dialogue of result.dialogues) {
      expect(dialogue.turns[0]?.role).toBe('user');
      expect(dialogue.reward).toBe(dialogue.success ? 1 : 0);
      expect(dialogue.meta).toMatchObject({ engine: 'llm', model: 'openai-compatible:scripted', taskVersion: 1 });
      expect((dialogue.meta.tokens as { input: number }).input).toBeGreaterThan(0);
    }
    const revised = result.dialogues.find((dialogue) => Number(dialogue.meta.revisions) > 0);
    expect(revised?.meta.drafts).toBeDefined();
    expect(result.dialogues.some((dialogue) => dialogue.success) && result.dialogues.some((dialogue) => !dialogue.success)).toBe(true);
    // Unusable replies are dropped with their raw text, never silently.
    const dropped = await readJsonl(join(out, 'dropped.jsonl'), droppedSchema);
    expect(dropped.length).toBe(result.dropped.length);
    for (const row of dropped) {
      expect(row.step).toBe('imagine');
      expect(row.raw).toContain('lovely conversation');
    }
    const written = await readJsonl(join(out, 'dialogues.jsonl'), dialogueSchema);
    expect(written.map((dialogue) => dialogue.id).sort()).toEqual(result.dialogues.map((dialogue) => dialogue.id));
    const files = await Promise.all(['dialogues.jsonl', 'personas.jsonl', 'dropped.jsonl'].map((name) => readFile(join(out, name), 'utf8')));
    for (const text of files) expect(text).not.toContain('sk-secret-test-key');
    const model = await train(written, createHashedEmbedder({ dimension: 256 }), { ...defaultTrainOptions, steps: 3, batchSize: 8, hidden: 8 });
    expect(model.stats.dialogues).toBe(30);
  });

  it('resumes a run: more dialogues later, a torn last line repaired, paid replies served from the cache', async () => {
    const out = join(dir, 'resume');
    const first = await imagineWithLlm(client(join(out, 'cache')), spec, options(out, 10));
    expect(first.created).toBe(10);
    // Killed mid-run: the last dialogue's replies were paid for (cached) but its line never written,
    // and the line after it was torn mid-append.
    const file = join(out, 'dialogues.jsonl');
    const kept = (await readFile(file, 'utf8')).trimEnd().split('\n').slice(0, -1);
    await writeFile(file, `${kept.join('\n')}\n{"id":"instruction-1-0000`);
    const requestsBefore = server.requests.length;
    const again = client(join(out, 'cache'));
    const second = await imagineWithLlm(again, spec, options(out, 16));
    expect(second.reused).toBe(9);
    expect(second.created).toBe(7);
    expect(second.dialogues.map((dialogue) => dialogue.id)).toEqual([...new Set(second.dialogues.map((dialogue) => dialogue.id))]);
    expect(again.usage().cachedCalls).toBeGreaterThanOrEqual(2); // the lost dialogue's imagine and critique calls
    expect(server.requests.length - requestsBefore).toBe(again.usage().requests);
    const third = await imagineWithLlm(client(join(out, 'cache')), spec, options(out, 16));
    expect(third.created).toBe(0);
    expect(server.requests.length - requestsBefore).toBe(again.usage().requests);
    expect(await readJsonl(file, dialogueSchema)).toHaveLength(16);
  });

  it('refuses a folder that holds another task’s dialogues', async () => {
    const out = join(dir, 'mismatch');
    await imagineWithLlm(client(join(out, 'cache')), spec, options(out, 2));
    const persuasion = await resolveTaskSpec('persuasion');
    await expect(imagineWithLlm(client(join(out, 'cache')), persuasion, options(out, 2))).rejects.toBeInstanceOf(DatasetMismatchError);
  });

  it('gives up with the reasons when every dialogue fails review', async () => {
    const hopeless = await startScriptedServer(imaginationScript(spec, { critiqueFailure: 1, garbage: 0, duplicateEvery: 0 }));
    try {
      const out = join(dir, 'hopeless');
      const run = imagineWithLlm(client(join(out, 'cache'), hopeless.baseURL), spec, { ...options(out, 3), maxRevisions: 0 });
      await expect(run).rejects.toBeInstanceOf(ImaginationStalledError);
      const dropped = await readJsonl(join(out, 'dropped.jsonl'), droppedSchema);
      expect(dropped).toHaveLength(9);
      expect(dropped[0]?.reason).toMatch(/failed review after 0 revision\(s\): The user reveals their hidden traits gradually/);
    } finally {
      await hopeless.close();
    }
  });

  it('stops the run (keeping what is done) when the server rejects the key', async () => {
    const denied = await startScriptedServer(() => ({ status: 401, body: { error: { message: 'invalid api key', type: 'auth' } } }));
    try {
      const out = join(dir, 'denied');
      await expect(imagineWithLlm(client(join(out, 'cache'), denied.baseURL), spec, options(out, 3))).rejects.toThrow(/401/);
    } finally {
      await denied.close();
    }
  });
});
