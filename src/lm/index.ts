/**
 * GPT-2-architecture causal language models and byte-level BPE tokenizers, in Hugging Face's
 * file formats, trained and run with TensorFlow.js.
 *
 * @example
 * import { loadGpt2Folder, forward, lmLogits } from './lm/index.ts';
 * const { config, params, tokenizer } = await loadGpt2Folder('models/gpt2');
 * const logits = lmLogits(params, forward(params, config, tokenizer!.encode('Hello')).hidden);
 */
export * from './gpt2-config.ts';
export * from './gpt2-params.ts';
export * from './gpt2-input.ts';
export * from './gpt2.ts';
export * from './gpt2-cache.ts';
export { gelu, layerNorm, softmaxCrossEntropy, tiedLogits } from './gpt2-ops.ts';
export * from './hf-folder.ts';
export * from './bpe.ts';
export * from './bpe-train.ts';
export * from './bpe-files.ts';
export { preTokenize } from './byte-unicode.ts';
