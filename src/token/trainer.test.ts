import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTokenOptions, travelDialogues } from '../../test/support/token-fixtures.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { initBackend } from '../nn/backend.ts';
import { disposeTokenModel } from './model.ts';
import type { TokenModel } from './model.ts';
import { loadResumeState } from './resume.ts';
import { trainTokenModel, TokenTrainingError } from './trainer.ts';

let folder: string;
let dialogues: Dialogue[];

beforeAll(async () => {
  await initBackend('wasm');
  folder = await mkdtemp(join(tmpdir(), 'reverie-token-train-'));
  dialogues = await travelDialogues(16);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const context = { task: 'travel', taskVersion: 1 };

/** Every LM and head tensor (targets included), by name. */
const weights = (model: TokenModel): Map<string, number[]> =>
  new Map([...model.params, ...(model.heads ?? [])].map(([name, variable]) => [name, Array.from(variable.dataSync())]));

describe('token training', () => {
  it('BC lowers the LM loss on the agent tokens of a few dialogues', async () => {
    const losses: number[] = [];
    const { model, info } = await trainTokenModel(dialogues, tinyTokenOptions({ algorithm: 'token-bc', steps: 50, batchSize: 8, learningRate: 1e-2 }), context, {
      onStep: (_step, reported) => {
        if (reported?.['lm'] !== undefined) losses.push(reported['lm']);
      },
    });
    // Reported at steps 25 and 50; a fresh model starts near log(vocab) ≈ 5.7 nats.
    expect(losses).toHaveLength(2);
    expect(losses[1]).toBeLessThan(3);
    expect(losses[1]).toBeLessThan(losses[0] as number);
    expect(info.training.steps).toBe(50);
    expect(info.training.tokensPerSecond).toBeGreaterThan(0);
    expect(info.training.parameters.heads).toBe(0);
    expect(Object.keys(info.training.losses).sort()).toEqual(['lm', 'lmGradientNorm', 'total']);
    disposeTokenModel(model);
  });

  it('ILQL reports TD, V and CQL beside the LM loss, and detached heads leave the LM exactly as BC trains it', async () => {
    const options = { steps: 3 };
    const ilql = await trainTokenModel(dialogues, tinyTokenOptions({ ...options, algorithm: 'token-ilql' }), context);
    const bc = await trainTokenModel(dialogues, tinyTokenOptions({ ...options, algorithm: 'token-bc' }), context);
    expect(Object.keys(ilql.info.training.losses).sort()).toEqual(['cql', 'headsGradientNorm', 'lm', 'lmGradientNorm', 'td', 'total', 'value']);
    expect(ilql.info.training.parameters.heads).toBeGreaterThan(0);
    const bcWeights = weights(bc.model);
    for (const [name, values] of weights(ilql.model)) if (!name.startsWith('ilql.')) expect(values).toEqual(bcWeights.get(name));
    // With the Q/V losses back-propagated into the transformer, the LM differs.
    const shared = await trainTokenModel(dialogues, tinyTokenOptions({ ...options, algorithm: 'token-ilql', ilql: { detachHeads: false } }), context);
    expect(weights(shared.model).get('h.0.attn.c_attn.weight')).not.toEqual(bcWeights.get('h.0.attn.c_attn.weight'));
    for (const run of [ilql, bc, shared]) disposeTokenModel(run.model);
  });

  it('resumes a killed run from its last save and ends exactly where an uninterrupted run does', async () => {
    const options = tinyTokenOptions({ algorithm: 'token-ilql', steps: 4, saveEvery: 2 });
    const whole = await trainTokenModel(dialogues, options, { ...context, out: join(folder, 'whole') });

    const out = join(folder, 'killed');
    // Killed after step 3: the save at step 2 is the one to resume from.
    const killed = await trainTokenModel(dialogues, options, { ...context, out }, { stopAfter: 3 });
    disposeTokenModel(killed.model);
    expect(await readdir(join(out, 'resume'))).toEqual(expect.arrayContaining(['latest.json', 'step-000002']));
    const saved = await loadResumeState(out);
    expect(saved?.info.training.steps).toBe(2);
    expect(saved?.adam.step).toBe(2);
    if (saved !== undefined) disposeTokenModel(saved.model);

    const steps: number[] = [];
    const resumed = await trainTokenModel(dialogues, options, { ...context, out }, { onStep: (step) => steps.push(step) });
    expect(resumed.resumedFrom).toBe(2);
    expect(steps).toEqual([3, 4]);
    expect(weights(resumed.model)).toEqual(weights(whole.model));
    expect(resumed.info.training.steps).toBe(4);
    // The finished checkpoint replaces the saves.
    expect(await readdir(out)).not.toContain('resume');
    disposeTokenModel(whole.model);
    disposeTokenModel(resumed.model);
  });

  it('refuses to resume a run with other options', async () => {
    const out = join(folder, 'other');
    const first = await trainTokenModel(dialogues, tinyTokenOptions({ algorithm: 'token-bc', steps: 4, saveEvery: 1 }), { ...context, out }, { stopAfter: 1 });
    disposeTokenModel(first.model);
    const error = await trainTokenModel(dialogues, tinyTokenOptions({ algorithm: 'token-bc', steps: 4, saveEvery: 1, learningRate: 1e-2 }), { ...context, out }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenTrainingError);
    expect((error as TokenTrainingError).message).toMatch(/unfinished run with other training options \(step 1\)/);
    expect((error as TokenTrainingError).hint).toMatch(/delete .*resume/);
  });
});
