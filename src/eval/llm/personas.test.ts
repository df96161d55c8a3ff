import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationScript } from '../../../test/support/evaluation-script.ts';
import { startScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import { createNearDuplicateFilter } from '../../imagine/llm/diversity.ts';
import { EXCLUDED_REASON, imaginePersonas, personaText } from '../../imagine/llm/persona-step.ts';
import { createLlmClient } from '../../llm/client.ts';
import type { LlmClient } from '../../llm/client.ts';
import { resolveTaskSpec } from '../../tasks/registry.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { evaluationPersonas, evaluationPersonaSeedBase, PersonaSourceError, readPersonaFile } from './personas.ts';

let spec: TaskSpec;
let server: ScriptedServer;
let client: LlmClient;
let dir: string;

const hidden = { stance: 'sceptical', values: 'fairness', distrust: 'some', budget: 'a modest amount', patience: 'short' };
const persona = (summary: string, extra: Record<string, unknown> = {}) => ({ summary, voice: 'blunt', hidden, ...extra });

beforeAll(async () => {
  spec = await resolveTaskSpec('persuasion');
  server = await startScriptedServer(evaluationScript(spec));
  client = createLlmClient({ model: { provider: 'openai-compatible', model: 'scripted', baseURL: server.baseURL }, env: {} });
  dir = await mkdtemp(join(tmpdir(), 'reverie-eval-personas-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const write = async (name: string, rows: unknown[]) => {
  const file = join(dir, name);
  await writeFile(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return file;
};

const options = (extra: Partial<Parameters<typeof evaluationPersonas>[2]> = {}) => ({ count: 2, seed: 1000, dir, temperature: 1, ...extra });

describe('readPersonaFile', () => {
  it('reads persona-step logs, dialogues and plain personas alike', async () => {
    const file = await write('mixed.jsonl', [
      { batch: 0, kept: [{ id: 'p0-0', ...persona('A nurse who gives to local causes every winter.') }], rejected: [], tokens: { input: 1, output: 1 } },
      { id: 'instruction-1-000001', task: 'x', persona: { id: 'p0-1', ...persona('A lawyer who doubts every charity she meets.') }, turns: [], reward: 1, success: true, meta: {} },
      persona('A student with very little money but strong views.'),
    ]);
    expect((await readPersonaFile(file)).map((row) => [row.id, row.summary.split(' ')[1]])).toEqual([
      ['p0-0', 'nurse'],
      ['p0-1', 'lawyer'],
      [undefined, 'student'],
    ]);
  });

  it('names the line that is not a persona', async () => {
    const file = await write('bad.jsonl', [persona('A nurse who gives to local causes every winter.'), { name: 'nobody' }]);
    await expect(readPersonaFile(file)).rejects.toThrow(/bad\.jsonl:2:/);
  });
});

describe('evaluationPersonas from a file', () => {
  it('numbers personas without an id, and keeps the first `count`', async () => {
    const file = await write('plain.jsonl', [persona('A nurse who gives to local causes every winter.'), persona('A lawyer who doubts every charity she meets.'), persona('A pilot who gives when a friend asks.')]);
    const result = await evaluationPersonas(client, spec, options({ file }));
    expect(result.personas.map((row) => row.id)).toEqual(['plain.jsonl-1', 'plain.jsonl-2']);
    expect(result.source).toBe(file);
  });

  it('refuses personas that do not fit the task, and duplicate ids', async () => {
    const wrong = await write('wrong.jsonl', [persona('A nurse who gives to local causes every winter.', { hidden: { ...hidden, stance: 'hostile' } })]);
    await expect(evaluationPersonas(client, spec, options({ file: wrong, count: 1 }))).rejects.toThrow(/"stance" is not one of the listed values/);
    const twice = await write('twice.jsonl', [persona('A nurse who gives to local causes.', { id: 'a' }), persona('A lawyer who doubts charities.', { id: 'a' })]);
    await expect(evaluationPersonas(client, spec, options({ file: twice }))).rejects.toThrow(PersonaSourceError);
  });

  it('passes over personas that nearly repeat a training persona, and says when too few are left', async () => {
    const training = await write('training.jsonl', [persona('A nurse who gives to local causes every winter.')]);
    const file = await write('candidates.jsonl', [persona('A nurse who gives to local causes every winter!'), persona('A lawyer who doubts every charity she meets.'), persona('A pilot who gives when a friend asks.')]);
    const result = await evaluationPersonas(client, spec, options({ file, exclude: [training] }));
    expect(result.personas.map((row) => row.summary.split(' ')[1])).toEqual(['lawyer', 'pilot']);
    expect(result).toMatchObject({ excluded: 1, excludedAgainst: 1 });
    await expect(evaluationPersonas(client, spec, options({ file, exclude: [training], count: 3 }))).rejects.toThrow(/gives 2 usable held-out personas \(1 nearly repeat a training persona\)/);
  });
});

describe('evaluationPersonas sampled by the persona step', () => {
  it('uses seeds no imagination run uses, and keeps away from the training personas even when the model repeats them', async () => {
    // The training run's personas, as `reverie imagine --model` samples them (batch seeds 0, 1, …).
    const trainingFile = join(dir, 'training-personas.jsonl');
    const training = await imaginePersonas(client, spec, { target: 6, batchSize: 10, threshold: 0.6, maxBatches: 4, temperature: 1, file: trainingFile });
    const before = server.requests.length;
    const out = join(dir, 'sampled');
    // The scripted model writes the same personas for the same batch number whatever the seed:
    // evaluation's batch 0 repeats training's batch 0 and must be rejected wholesale.
    const result = await evaluationPersonas(client, spec, { count: 6, seed: 1000, dir: out, exclude: [trainingFile], temperature: 1 });
    const seeds = server.requests.slice(before).map((request) => Number(request.body.seed));
    expect(seeds[0]).toBe(evaluationPersonaSeedBase(1000));
    expect(Math.min(...seeds)).toBeGreaterThanOrEqual(1_000_000_000);
    expect(result.source).toBe(join(out, 'personas.jsonl'));
    expect(result.personas).toHaveLength(6);
    const seen = createNearDuplicateFilter(Number.POSITIVE_INFINITY);
    for (const kept of training.personas) seen.admit(personaText(kept));
    for (const kept of result.personas) expect(seen.closest(personaText(kept))).toBeLessThan(0.6);
    expect(await readFile(join(out, 'personas.jsonl'), 'utf8')).toContain(`"reason":"${EXCLUDED_REASON}"`);
    const log = await readPersonaFile(join(out, 'personas.jsonl'));
    expect(log.map((row) => row.id)).toEqual(result.personas.map((row) => row.id));
  });
});
