/**
 * Token-level training on dialogues: ILQL (Snell et al.) on a GPT-2 causal LM, or BC, the same
 * LM loss alone. Adam with gradient clipping; Polyak updates of the target Q heads after every
 * ILQL step; a progress line with tokens/s, ETA and the losses; with an output folder, a
 * resumable save every `saveEvery` steps and the checkpoint at the end.
 *
 * Heads on a stop-gradient (`detachHeads`, the default) rather than back-propagating TD, V and
 * CQL into the transformer as the reference does: a step costs the same either way (the LM loss
 * back-propagates through the whole transformer anyway), but detached, the LM that ILQL
 * perturbs at decoding time is trained exactly as BC's is (same seed, same batches: the same
 * weights), so β = 0 reproduces BC and any difference between the two agents comes from the
 * learned values alone. Shared, CQL's pull toward the data's tokens and the TD error reshape
 * the features the policy reads; on a model this small that competes with learning the
 * utterances. Pass `detachHeads: false` for the reference's coupling.
 *
 * @example
 * const { model, info } = await trainTokenModel(dialogues, tokenTrainOptions({ algorithm: 'token-ilql' }), { task: 'travel', taskVersion: 1, out: 'runs/tok' }, { progress: process.stderr });
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { ReverieError } from '../errors.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { initBackend } from '../nn/backend.ts';
import { createProgress } from '../util/progress.ts';
import { createRng } from '../util/rng.ts';
import { createAdam } from '../nn/adam.ts';
import { saveTokenCheckpoint, tokenCheckpointFormat, tokenCheckpointVersion } from './checkpoint.ts';
import type { TokenCheckpointInfo } from './checkpoint.ts';
import { dialoguesFingerprint } from '../data/dialogue.ts';
import { createBatchPlan, prepareTokenData } from './data.ts';
import { polyakUpdate } from './heads.ts';
import { countParameters, createTokenModel, disposeTokenModel, trainableVariables } from './model.ts';
import type { TokenModel } from './model.ts';
import { disposeObjectiveInputs, objectiveInputs, tokenObjective } from './objective.ts';
import { clearResumeState, loadResumeState, saveResumeState } from './resume.ts';
import type { TokenTrainOptions } from './train-options.ts';

export type TokenTrainContext = {
  task: string;
  taskVersion: number;
  /** Checkpoint folder: saves for resuming go under it, the final checkpoint into it. */
  out?: string;
};

export type TokenTrainHooks = {
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** After every step; `losses` every `lossEvery` steps and on the last. */
  onStep?: (step: number, losses: Record<string, number> | undefined) => void;
  /** Stop after this step as if killed (the saves stay): for testing resumption. */
  stopAfter?: number;
};

export type TokenTrainResult = { model: TokenModel; info: TokenCheckpointInfo; resumedFrom: number | undefined };

export class TokenTrainingError extends ReverieError {
  override readonly name = 'TokenTrainingError';
}

const lossEvery = 25;

/** The options a save was made with must be the ones asked for now, or resuming would mix two runs. */
function checkResumable(info: TokenCheckpointInfo, options: TokenTrainOptions, fingerprint: string, task: string, out: string): void {
  const problems = [
    JSON.stringify(info.options) === JSON.stringify(options) ? '' : 'other training options',
    info.data.fingerprint === fingerprint ? '' : 'other dialogues',
    info.task === task ? '' : `task ${info.task}`,
  ].filter((problem) => problem !== '');
  if (problems.length > 0) {
    throw new TokenTrainingError(`${out} holds an unfinished run with ${problems.join(', ')} (step ${info.training.steps})`, {
      hint: `Train into another --out folder, or delete ${out}/resume to start this run from scratch.`,
    });
  }
}

export async function trainTokenModel(
  dialogues: readonly Dialogue[],
  options: TokenTrainOptions,
  context: TokenTrainContext,
  hooks: TokenTrainHooks = {},
): Promise<TokenTrainResult> {
  const backend = await initBackend();
  const fingerprint = dialoguesFingerprint(dialogues);
  const resumed = context.out === undefined ? undefined : await loadResumeState(context.out);
  if (resumed !== undefined && context.out !== undefined) {
    try {
      checkResumable(resumed.info, options, fingerprint, context.task, context.out);
    } catch (error) {
      disposeTokenModel(resumed.model);
      throw error;
    }
  }
  const model = resumed?.model ?? (await createTokenModel(dialogues, options, createRng(options.seed).fork('init')));
  const data = prepareTokenData(dialogues, model.tokenizer, model.special, { maxLength: options.model.maxLength });
  const batchAt = createBatchPlan(data, { seed: options.seed, batchSize: options.batchSize, padTokenId: model.special.endOfText });
  const variables = trainableVariables(model);
  const adam = createAdam(variables, { learningRate: options.learningRate, clipNorm: options.clipNorm }, resumed?.adam);
  const start = resumed?.info.training.steps ?? 0;
  let seconds = resumed?.info.training.seconds ?? 0;
  let tokens = resumed?.info.training.tokens ?? 0;
  let losses: Record<string, number> = resumed?.info.training.losses ?? {};

  const info = (steps: number): TokenCheckpointInfo => ({
    format: tokenCheckpointFormat,
    formatVersion: tokenCheckpointVersion,
    task: context.task,
    taskVersion: context.taskVersion,
    algorithm: options.algorithm,
    options,
    special: model.special,
    data: { fingerprint, dialogues: dialogues.length, sequences: data.transitions.length, tokens: data.tokens, actions: data.actions, longestUtterance: data.longestUtterance },
    training: { steps, seconds, tokensPerSecond: seconds > 0 ? tokens / seconds : 0, tokens, parameters: countParameters(model), backend, losses },
  });

  const last = Math.min(options.steps, hooks.stopAfter ?? options.steps);
  const progress =
    hooks.progress === undefined || start >= last
      ? undefined
      : createProgress({ label: `train ${options.algorithm}${start > 0 ? ` (resumed at ${start})` : ''}`, total: last - start, stream: hooks.progress });
  for (let step = start + 1; step <= last; step += 1) {
    const began = performance.now();
    const batch = batchAt(step);
    const inputs = objectiveInputs(batch);
    const report = step % lossEvery === 0 || step === options.steps;
    let parts: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const objective = tokenObjective(model, inputs, options);
      if (report) parts = Object.fromEntries(Object.entries(objective).map(([name, loss]) => [name, loss.dataSync()[0] ?? Number.NaN]));
      return objective.total;
    }, variables.map(({ variable }) => variable));
    const norms = adam.apply(grads);
    tf.dispose([value, ...Object.values(grads)]);
    disposeObjectiveInputs(inputs);
    if (model.heads !== undefined) polyakUpdate(model.heads, options.ilql.polyakRate);
    seconds += (performance.now() - began) / 1000;
    tokens += batch.attentionMask.reduce((sum, flag) => sum + flag, 0);
    if (report) {
      losses = { ...parts, ...Object.fromEntries(Object.entries(norms).map(([group, norm]) => [`${group}GradientNorm`, norm])) };
      if (Object.values(losses).some((loss) => !Number.isFinite(loss))) {
        throw new TokenTrainingError(`training diverged at step ${step}: losses ${JSON.stringify(losses)}`, { hint: 'Lower --learning-rate, or check the rewards in the dataset.' });
      }
    }
    progress?.tick(1, { 'tokens/s': Math.round(tokens / seconds), ...Object.fromEntries(Object.entries(losses).filter(([name]) => name !== 'total' && !name.endsWith('GradientNorm')).map(([name, loss]) => [name, loss.toFixed(3)])) });
    hooks.onStep?.(step, report ? losses : undefined);
    if (context.out !== undefined && options.saveEvery > 0 && step % options.saveEvery === 0 && step < options.steps) {
      await saveResumeState(context.out, model, info(step), adam.state());
    }
  }
  progress?.done();
  const result = info(last);
  if (context.out !== undefined && last === options.steps) {
    await saveTokenCheckpoint(context.out, model, result);
    await clearResumeState(context.out);
  }
  return { model, info: result, resumedFrom: resumed === undefined ? undefined : start };
}
