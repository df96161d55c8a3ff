/**
 * A token-level dialogue model: a GPT-2 causal LM (the behaviour policy), its tokenizer with the
 * dialogue format's tokens, and, for ILQL, the Q/V heads over its hidden states. Built fresh
 * (a BPE trained on the dialogues and a randomly initialised GPT-2 of the options' size) or from
 * a pretrained GPT-2 folder, whose vocabulary grows by the format's tokens.
 *
 * @example
 * const model = await createTokenModel(dialogues, options, createRng(0).fork('init'));
 * countParameters(model); // { lm: 1_234_567, heads: 456_789 }
 * disposeTokenModel(model);
 */
import { ReverieError } from '../errors.ts';
import type { Dialogue } from '../data/dialogue.ts';
import type { ByteLevelBpe } from '../lm/bpe.ts';
import { tinyGpt2Config } from '../lm/gpt2-config.ts';
import type { Gpt2Config } from '../lm/gpt2-config.ts';
import { disposeGpt2Parameters, growVocabulary, initGpt2Parameters } from '../lm/gpt2-params.ts';
import type { Gpt2Parameters } from '../lm/gpt2-params.ts';
import { loadGpt2Folder } from '../lm/hf-folder.ts';
import type { Rng } from '../util/rng.ts';
import type { NamedVariable } from '../nn/adam.ts';
import { disposeHeads, initIlqlHeads, isTargetHead } from './heads.ts';
import type { IlqlHeads } from './heads.ts';
import type { TokenTrainOptions } from './train-options.ts';
import { specialTokenIds, trainDialogueTokenizer, withDialogueTokens } from './vocabulary.ts';
import type { DialogueSpecialTokens } from './vocabulary.ts';

export type TokenModel = {
  config: Gpt2Config;
  params: Gpt2Parameters;
  tokenizer: ByteLevelBpe;
  special: DialogueSpecialTokens;
  /** Present for ILQL; BC is the LM alone. */
  heads?: IlqlHeads;
};

export class TokenModelError extends ReverieError {
  override readonly name = 'TokenModelError';
}

/** The LM (fresh or pretrained) with heads when the algorithm is ILQL. */
export async function createTokenModel(dialogues: readonly Dialogue[], options: TokenTrainOptions, rng: Rng): Promise<TokenModel> {
  const { model } = options;
  let lm: { config: Gpt2Config; params: Gpt2Parameters; tokenizer: ByteLevelBpe };
  if (options.init === undefined) {
    const tokenizer = trainDialogueTokenizer(dialogues, model.vocabSize);
    const config = tinyGpt2Config({ vocab_size: tokenizer.vocabSize, n_positions: model.maxLength, n_embd: model.embd, n_layer: model.layers, n_head: model.heads });
    lm = { config, params: initGpt2Parameters(config, rng.fork('lm')), tokenizer };
  } else {
    const loaded = await loadGpt2Folder(options.init);
    if (loaded.tokenizer === undefined) {
      disposeGpt2Parameters(loaded.params);
      throw new TokenModelError(`${options.init} has no tokenizer (vocab.json and merges.txt)`, {
        hint: 'Copy the tokenizer files that came with the model into the folder.',
      });
    }
    if (model.maxLength > loaded.config.n_positions) {
      disposeGpt2Parameters(loaded.params);
      throw new TokenModelError(`--max-length ${model.maxLength} is beyond the model's ${loaded.config.n_positions} positions`, {
        hint: `Pass --max-length ${loaded.config.n_positions} or less.`,
      });
    }
    const tokenizer = withDialogueTokens(loaded.tokenizer);
    const config = growVocabulary(loaded.params, loaded.config, Math.max(loaded.config.vocab_size, tokenizer.vocabSize));
    lm = { config, params: loaded.params, tokenizer };
  }
  const special = specialTokenIds(lm.tokenizer);
  if (options.algorithm === 'token-bc') return { ...lm, special };
  const heads = initIlqlHeads({ hiddenSize: lm.config.n_embd, vocabSize: lm.config.vocab_size, width: model.headWidth ?? lm.config.n_embd }, rng.fork('heads'));
  return { ...lm, special, heads };
}

/** Every variable gradients update, under a stable name (GPT-2's tensor names, `ilql.*`), grouped for clipping. */
export function trainableVariables(model: TokenModel): NamedVariable[] {
  const lm = [...model.params].map(([name, variable]) => ({ name, variable, group: 'lm' }));
  const heads = [...(model.heads ?? [])].filter(([name]) => !isTargetHead(name)).map(([name, variable]) => ({ name, variable, group: 'heads' }));
  return [...lm, ...heads];
}

export function countParameters(model: TokenModel): { lm: number; heads: number } {
  const sum = (variables: Iterable<{ size: number }>) => [...variables].reduce((total, variable) => total + variable.size, 0);
  return { lm: sum(model.params.values()), heads: sum([...(model.heads ?? [])].filter(([name]) => !isTargetHead(name)).map(([, variable]) => variable)) };
}

export function disposeTokenModel(model: TokenModel): void {
  disposeGpt2Parameters(model.params);
  if (model.heads !== undefined) disposeHeads(model.heads);
}
