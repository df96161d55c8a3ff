/**
 * Token-level ILQL on a causal LM's hidden states: transitions of a tokenised dialogue, batches,
 * the Q/V heads, the losses and the decoding rule.
 *
 * @example
 * import { tokenTransitions, batchTransitions, actionRows, initIlqlHeads, ilqlLoss, decodeUtterance } from './token/index.ts';
 */
export * from './transitions.ts';
export * from './batch.ts';
export * from './heads.ts';
export * from './losses.ts';
export * from './decode.ts';
