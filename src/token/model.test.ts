import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTokenOptions, travelDialogues } from '../../test/support/token-fixtures.ts';
import { trainBpe } from '../lm/bpe-train.ts';
import { tinyGpt2Config } from '../lm/gpt2-config.ts';
import { disposeGpt2Parameters, initGpt2Parameters } from '../lm/gpt2-params.ts';
import { saveGpt2Folder } from '../lm/hf-folder.ts';
import { initBackend } from '../nn/backend.ts';
import { createRng } from '../util/rng.ts';
import { loadTokenCheckpoint } from './checkpoint.ts';
import { countParameters, createTokenModel, disposeTokenModel, TokenModelError } from './model.ts';
import { trainTokenModel } from './trainer.ts';

let folder: string;

beforeAll(async () => {
  await initBackend('wasm');
  folder = await mkdtemp(join(tmpdir(), 'reverie-token-model-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('token models', () => {
  it('builds a fresh model whose vocabulary is the BPE trained on the dialogues', async () => {
    const dialogues = await travelDialogues(6);
    const model = await createTokenModel(dialogues, tinyTokenOptions({ algorithm: 'token-ilql', model: { headWidth: 8 } }), createRng(1));
    expect(model.config.vocab_size).toBe(model.tokenizer.vocabSize);
    expect(model.config).toMatchObject({ n_embd: 32, n_layer: 1, n_head: 2, n_positions: 192 });
    expect(model.heads?.get('ilql.q1.w1')?.shape).toEqual([32, 8]);
    // 4 heads' (d·w + w + w·V + V) for Q1, Q2, V (targets are not counted) and the LM's tensors.
    const vocab = model.config.vocab_size;
    expect(countParameters(model).heads).toBe(2 * (32 * 8 + 8 + 8 * vocab + vocab) + (32 * 8 + 8 + 8 + 1));
    disposeTokenModel(model);
  });

  it('starts from a pretrained GPT-2 folder: the tokenizer gains the role markers, the model their rows', async () => {
    const dialogues = await travelDialogues(6);
    const pretrained = join(folder, 'gpt2');
    const tokenizer = trainBpe(['Hello there, what would you like to do today?'], { vocabSize: 300, specialTokens: ['<|endoftext|>'] });
    const config = tinyGpt2Config({ vocab_size: tokenizer.vocabSize, n_positions: 256, n_embd: 32, n_layer: 1, n_head: 2 });
    const params = initGpt2Parameters(config, createRng('pretrained'));
    await saveGpt2Folder(pretrained, config, params, tokenizer);
    disposeGpt2Parameters(params);

    const options = tinyTokenOptions({ algorithm: 'token-bc', steps: 2, init: pretrained });
    const { model, info } = await trainTokenModel(dialogues, options, { task: 'travel', taskVersion: 1, out: join(folder, 'tuned') });
    expect(model.config.vocab_size).toBe(tokenizer.vocabSize + 3);
    expect(model.special.endOfText).toBe(tokenizer.specialTokenId('<|endoftext|>'));
    const size = tokenizer.vocabSize; // the corpus runs out of merges below 300
    expect([model.special.user, model.special.agent, model.special.endOfTurn].sort()).toEqual([size, size + 1, size + 2]);
    expect(info.options.init).toBe(pretrained);
    const loaded = await loadTokenCheckpoint(join(folder, 'tuned'));
    expect(loaded.model.special).toEqual(model.special);
    expect(loaded.model.config.n_positions).toBe(256);
    disposeTokenModel(model);
    disposeTokenModel(loaded.model);

    await expect(createTokenModel(dialogues, tinyTokenOptions({ init: pretrained, model: { maxLength: 512 } }), createRng(1))).rejects.toThrow(TokenModelError);
  });
});
