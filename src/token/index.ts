/**
 * Token-level ILQL on a causal LM's hidden states: transitions of a tokenised dialogue, batches,
 * the Q/V heads, the losses and the decoding rule; and the training that puts them together
 * (options, the model bundle, step-seeded batches, Adam, checkpoints, resumable saves).
 *
 * @example
 * import { tokenTrainOptions, trainTokenModel, loadTokenCheckpoint } from './token/index.ts';
 * const { info } = await trainTokenModel(dialogues, tokenTrainOptions({ algorithm: 'token-ilql' }), { task: 'travel', taskVersion: 1, out: 'runs/tok' });
 */
export * from './transitions.ts';
export * from './batch.ts';
export * from './heads.ts';
export * from './losses.ts';
export * from './decode.ts';
export * from './train-options.ts';
export * from './vocabulary.ts';
export * from './model.ts';
export * from './data.ts';
export * from './objective.ts';
export * from './checkpoint.ts';
export * from './resume.ts';
export * from './trainer.ts';
