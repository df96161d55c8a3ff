/**
 * The LLM path against a server that writes only what each request's JSON Schema allows — random
 * values, no knowledge of the prompt — as constrained decoding does (vLLM guided decoding,
 * llama.cpp grammars, Ollama `format`, OpenAI strict mode), with 429s, 500s and torn bodies on the
 * way. Every shipped task imagines to the requested count, and one goes on through training and
 * an LLM evaluation of a prompted agent beside the trained checkpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashedEmbedder } from '../src/embed/hashed.ts';
import { parseAgentSpec } from '../src/agent/spec.ts';
import { evaluateWithLlm } from '../src/eval/llm/evaluate.ts';
import { defaultLlmImagineOptions, imagineWithLlm } from '../src/imagine/llm/engine.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { saveCheckpoint } from '../src/rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import { resolveTaskSpec } from '../src/tasks/registry.ts';
import { schemaConstrainedScript } from './support/schema-script.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  server = await startScriptedServer(schemaConstrainedScript({ rateLimited: 0.04, serverError: 0.04, garbage: 0.04 }));
  dir = await mkdtemp(join(tmpdir(), 'reverie-schema-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const client = () =>
  createLlmClient({ model: { provider: 'openai-compatible', model: 'constrained', baseURL: server.baseURL }, env: {}, maxRetries: 8, backoff: { baseMs: 1, maxMs: 4 } });

// A schema-faithful model with no idea of the prompt fails review often: more slots per dialogue.
const imagineOptions = (out: string, count: number) => ({ ...defaultLlmImagineOptions, count, dir: out, personas: 8, personaBatch: 5, parallel: 6, maxSlotsPerDialogue: 40 });

const SHORT_KIND = /^(structure: (agent spoke first|agent never spoke|over the turn limit)|failed review: criterion (\d+|out of range)|reply not usable|reply cut off at the token limit)$/;

describe('a schema-constrained server', () => {
  for (const task of ['travel', 'instruction', 'persuasion']) {
    it(`imagines ${task} to the requested count through 429s, 500s and torn bodies`, async () => {
      const spec = await resolveTaskSpec(task);
      const llm = client();
      const before = server.requests.length;
      const result = await imagineWithLlm(llm, spec, imagineOptions(join(dir, task), 12));
      expect(result.dialogues).toHaveLength(12);
      expect(new Set(result.dialogues.map((dialogue) => dialogue.id)).size).toBe(12);
      // Every persona has every hidden parameter, with a listed value where the spec lists them.
      expect(result.personas.invalid).toBe(0);
      for (const persona of result.personas.personas) {
        for (const parameter of spec.user.hiddenParameters) {
          const value = persona.hidden[parameter.name];
          expect(value).toBeDefined();
          if (parameter.values !== undefined) expect(parameter.values).toContain(value);
        }
      }
      for (const dialogue of result.dialogues) {
        expect(dialogue.turns[0]?.role).toBe('user');
        expect(dialogue.turns.filter((turn) => turn.role === 'agent').length).toBeLessThanOrEqual(spec.maxTurns);
      }
      // Drops are counted by a few short kinds, not one kind per dialogue.
      const kinds = new Set(result.dropped.map((row) => row.kind));
      for (const kind of kinds) expect(kind).toMatch(SHORT_KIND);
      expect(kinds.size).toBeLessThanOrEqual(spec.critique.length + 5 + 5);
      // The faults happened and were retried.
      const usage = llm.usage();
      expect(usage.retries).toBeGreaterThan(0);
      expect(usage.rateLimited).toBeGreaterThan(0);
      // Each structured request carried its task-built schema, strictly.
      const personaRequest = server.requests.slice(before).find((request) => JSON.stringify(request.body.response_format ?? '').includes('"personas"'));
      const format = personaRequest?.body.response_format as { json_schema: { strict: boolean; schema: { properties: { personas: { items: { properties: { hidden: unknown } } } } } } };
      expect(format.json_schema.strict).toBe(true);
      const hidden = format.json_schema.schema.properties.personas.items.properties.hidden as { required: string[]; properties: Record<string, { enum?: string[] }> };
      expect(hidden.required.sort()).toEqual(spec.user.hiddenParameters.map((parameter) => parameter.name).sort());
      for (const parameter of spec.user.hiddenParameters) if (parameter.values !== undefined) expect(hidden.properties[parameter.name]?.enum).toEqual(parameter.values);
    });
  }

  it('goes on from imagined data through training to an LLM evaluation', async () => {
    const spec = await resolveTaskSpec('persuasion');
    const data = join(dir, 'whole-path');
    const imagined = await imagineWithLlm(client(), spec, imagineOptions(data, 16));
    const embedder = createHashedEmbedder({ dimension: 128 });
    const model = await train(imagined.dialogues, embedder, { ...defaultTrainOptions, steps: 3, batchSize: 8, hidden: 8 });
    const checkpoint = join(dir, 'ilql');
    await saveCheckpoint(checkpoint, model, { task: spec.name, taskVersion: spec.version, embedder: embedder.config });
    const evaluation = await evaluateWithLlm(client(), {
      spec,
      agents: ['prompted', `ilql=${checkpoint}`].map(parseAgentSpec),
      episodes: 4,
      trials: 1,
      seed: 1000,
      dir: join(dir, 'eval'),
      excludePersonas: [join(data, 'personas.jsonl')],
      temperature: 1,
      parallel: 4,
      acting: { k: 4, beta: 1 },
    });
    expect(evaluation.results.map((result) => result.name)).toEqual(['prompted', 'ilql']);
    for (const result of evaluation.results) {
      expect(result.episodes.length).toBe(4);
      const llm = result.llm;
      expect(llm).toBeDefined();
      // Every episode is either judged (ratings 1–5 by the schema) or counted as a failure apart.
      expect((llm?.judged ?? 0) + (llm?.judgeFailures ?? 0) + (llm?.simulatorFailures ?? 0)).toBe(4);
      for (const rating of Object.values(llm?.ratings ?? {})) {
        if (Number.isNaN(rating.mean)) continue;
        expect(rating.mean).toBeGreaterThanOrEqual(1);
        expect(rating.mean).toBeLessThanOrEqual(5);
      }
    }
    await evaluation.journal.finish();
  });
});
