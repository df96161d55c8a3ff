/**
 * Token-level against utterance-level ILQL on a built-in task (travel by default), on the same
 * imagined data and the same held-out test personas: token-level BC and token-level ILQL (a small
 * GPT-2 trained from scratch with `reverie train --algorithm token-bc|token-ilql`, the two in
 * parallel processes, for a fixed number of steps), and utterance-level ILQL trained as the demo
 * trains it. β of each ILQL agent is chosen on validation personas; the rows are test episodes
 * with 95% intervals, plus each model's parameters, training time and (token models) tokens/s.
 * The run folder keeps the data and checkpoints: a second run with the same settings reuses them,
 * and an interrupted token training resumes from its last save.
 *
 * @example
 * const rows = await benchTokenQuality({ ...defaultTokenQualityOptions, folder: 'bench/results/token-quality' });
 * // or: node --import tsx bench/token-quality.ts --steps 600 --episodes 300
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAgentFactory } from '../src/agent/build.ts';
import { checkpointAgentFactory } from '../src/agent/checkpoint-agent.ts';
import { chooseBeta } from '../src/pipeline/choose-beta.ts';
import { createTokenPolicy, tokenAgent } from '../src/agent/token-agent.ts';
import { dialoguesFingerprint } from '../src/data/dialogue.ts';
import type { Dialogue } from '../src/data/dialogue.ts';
import { createHashedEmbedder } from '../src/embed/hashed.ts';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import type { AgentResult } from '../src/eval/evaluate.ts';
import { markdownTable } from '../src/eval/report.ts';
import { imagineOffline } from '../src/imagine/offline.ts';
import { loadCheckpoint, saveActingDefaults, saveCheckpoint } from '../src/rl/checkpoint.ts';
import type { LoadedCheckpoint } from '../src/rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import type { TaskSimulator } from '../src/task/types.ts';
import { loadTokenCheckpoint, readTokenInfo, saveTokenActing } from '../src/token/checkpoint.ts';
import type { TokenCheckpointInfo } from '../src/token/checkpoint.ts';
import { disposeTokenModel } from '../src/token/model.ts';
import type { TokenModel } from '../src/token/model.ts';
import { tokenTrainOptions } from '../src/token/train-options.ts';
import type { TokenAlgorithm, TokenTrainOptions, TokenTrainOptionsInput } from '../src/token/train-options.ts';
import type { ResultRow } from './results.ts';
import { note } from './sampling.ts';

export type TokenQualityOptions = {
  folder: string;
  task: string;
  dialogues: number;
  /** Seed of the imagined data and of every model's training. */
  seed: number;
  /** Options of both token models (steps, batch size, model size, …); the algorithm is set per model. */
  token: TokenTrainOptionsInput;
  /** How the token agents decode (both alike); β is chosen on validation for ILQL. */
  decoding: { topK: number; temperature: number; greedy: boolean };
  tokenBetas: number[];
  utteranceSteps: number;
  utteranceBetas: number[];
  /** Candidates the utterance-level agent chooses among. */
  k: number;
  validationEpisodes: number;
  episodes: number;
  evalSeed: number;
};

export const defaultTokenQualityOptions: Omit<TokenQualityOptions, 'folder'> = {
  task: 'travel',
  dialogues: 5000,
  seed: 1,
  // The defaults of `reverie train --algorithm token-*` (train-options.ts, where they are justified).
  token: {},
  decoding: { topK: 10, temperature: 1, greedy: false },
  tokenBetas: [0, 4, 16, 64],
  utteranceSteps: defaultTrainOptions.steps,
  utteranceBetas: [0, 4, 16, 64],
  k: 16,
  validationEpisodes: 200,
  episodes: 500,
  evalSeed: 1000,
};

const bin = join(import.meta.dirname, '..', 'bin', 'reverie.mjs');

/** The `reverie train` flags that make exactly these options. */
const trainFlags = (options: TokenTrainOptions): string[] => [
  ...['--algorithm', options.algorithm, '--steps', String(options.steps), '--batch-size', String(options.batchSize)],
  ...['--learning-rate', String(options.learningRate), '--seed', String(options.seed), '--save-every', String(options.saveEvery)],
  ...['--layers', String(options.model.layers), '--embd', String(options.model.embd), '--heads', String(options.model.heads)],
  ...['--vocab-size', String(options.model.vocabSize), '--max-length', String(options.model.maxLength)],
  ...(options.model.headWidth === undefined ? [] : ['--head-width', String(options.model.headWidth)]),
  ...['--cql-weight', String(options.ilql.cqlWeight), '--expectile', String(options.ilql.tau), '--gamma', String(options.ilql.gamma)],
  ...(options.ilql.detachHeads ? [] : ['--shared-trunk']),
];

/** A finished checkpoint of these options and data, or undefined. */
const finished = async (directory: string, options: TokenTrainOptions, fingerprint: string): Promise<TokenCheckpointInfo | undefined> => {
  const info = await readTokenInfo(directory).catch(() => undefined);
  const same = info !== undefined && JSON.stringify(info.options) === JSON.stringify(options) && info.data.fingerprint === fingerprint && info.training.steps === options.steps;
  return same ? info : undefined;
};

/** `reverie train` in a child process (its progress goes to our stderr), resuming any earlier save. */
const trainTokenProcess = (data: string, directory: string, options: TokenTrainOptions): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'train', '--data', data, '--out', directory, ...trainFlags(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) {
        note(out.trim().split('\n').join(' | '));
        resolve();
      } else reject(new Error(`reverie train --algorithm ${options.algorithm} exited with code ${code}`));
    });
  });

const trainTokenModels = async (dialogues: readonly Dialogue[], file: string, options: TokenQualityOptions): Promise<Map<TokenAlgorithm, { model: TokenModel; info: TokenCheckpointInfo }>> => {
  const fingerprint = dialoguesFingerprint(dialogues);
  const jobs = (['token-bc', 'token-ilql'] as const).map((algorithm) => ({
    algorithm,
    directory: join(options.folder, 'checkpoints', algorithm),
    options: tokenTrainOptions({ ...options.token, algorithm, seed: options.seed }, 'token-quality bench'),
  }));
  const pending = [];
  for (const job of jobs) {
    if ((await finished(job.directory, job.options, fingerprint)) !== undefined) note(`${job.algorithm}: reusing ${job.directory}`);
    else pending.push(job);
  }
  await Promise.all(pending.map((job) => trainTokenProcess(file, job.directory, job.options)));
  const loaded = new Map<TokenAlgorithm, { model: TokenModel; info: TokenCheckpointInfo }>();
  for (const job of jobs) loaded.set(job.algorithm, await loadTokenCheckpoint(job.directory, { task: options.task }));
  return loaded;
};

/** Utterance-level ILQL as the demo trains it, reused when its checkpoint has the same data and options. */
const trainUtteranceIlql = async (task: TaskSimulator<unknown>, dialogues: readonly Dialogue[], options: TokenQualityOptions): Promise<LoadedCheckpoint> => {
  const directory = join(options.folder, 'checkpoints', 'ilql');
  const trainOptions = { ...defaultTrainOptions, algorithm: 'ilql' as const, steps: options.utteranceSteps, seed: options.seed };
  const training = { ...trainOptions, data: dialoguesFingerprint(dialogues) };
  const existing = await loadCheckpoint(directory, { task: task.spec.name }).catch(() => undefined);
  if (existing !== undefined && JSON.stringify(existing.config.training) === JSON.stringify(training)) {
    note(`utterance ilql: reusing ${directory}`);
    return existing;
  }
  const embedder = createHashedEmbedder({ dimension: 1024 });
  note(`utterance ilql: training ${trainOptions.steps} steps`);
  const model = await train(dialogues, embedder, trainOptions);
  await saveCheckpoint(directory, model, { task: task.spec.name, taskVersion: task.spec.version, embedder: embedder.config, training });
  for (const variable of model.parameters.values()) variable.dispose();
  return loadCheckpoint(directory, { task: task.spec.name });
};

const interval = (result: AgentResult<unknown>) => ({
  success: result.success.mean,
  successLow: result.success.low,
  successHigh: result.success.high,
  reward: result.reward.mean,
  rewardLow: result.reward.low,
  rewardHigh: result.reward.high,
  turns: result.turns,
});

const logValidation = (label: string) => (beta: number, result: AgentResult<unknown>) =>
  note(`${label} β = ${beta}: validation success ${result.success.mean.toFixed(3)}, reward ${result.reward.mean.toFixed(3)}, turns ${result.turns.toFixed(2)}`);

export const benchTokenQuality = async (given: Partial<TokenQualityOptions> & { folder: string }): Promise<ResultRow[]> => {
  const options: TokenQualityOptions = { ...defaultTokenQualityOptions, ...given };
  const task = await loadBuiltInTask(options.task);
  const file = join(options.folder, 'dialogues.jsonl');
  const { dialogues } = await imagineOffline(task, { count: options.dialogues, seed: options.seed, file });
  note(`token quality: ${dialogues.length} imagined ${task.spec.name} dialogues in ${file}`);

  // The token models train in child processes while this one trains the utterance-level model.
  const started = performance.now();
  const [tokenModels, utterance] = await Promise.all([trainTokenModels(dialogues, file, options), trainUtteranceIlql(task, dialogues, options)]);
  note(`token quality: training done in ${((performance.now() - started) / 1000).toFixed(0)} s of wall time`);

  const validation = { episodes: options.validationEpisodes, seed: options.evalSeed + 1, split: 'validation' as const };
  const test = { episodes: options.episodes, seed: options.evalSeed, split: 'test' as const };
  const chosenOn = (betas: readonly number[]) => `best reward on ${options.validationEpisodes} validation episodes (seed ${options.evalSeed + 1}) among β = ${betas.join(', ')}`;
  const rows: ResultRow[] = [];
  const row = (name: string, result: AgentResult<unknown>, extra: Record<string, number>) => rows.push({ name: `${task.spec.name} ${name}`, values: { ...interval(result), ...extra } });

  const behaviour = await evaluateAgent(task, 'behaviour', await createAgentFactory(task, { name: 'behaviour' }, {}), test);
  row('behaviour in the imagined data', behaviour, {});

  const tokenStats = (info: TokenCheckpointInfo) => ({
    parameters: info.training.parameters.lm + info.training.parameters.heads,
    trainSeconds: info.training.seconds,
    tokensPerSecond: info.training.tokensPerSecond,
  });
  for (const algorithm of ['token-bc', 'token-ilql'] as const) {
    const { model, info } = tokenModels.get(algorithm) as { model: TokenModel; info: TokenCheckpointInfo };
    const evaluateWith = (split: typeof test | typeof validation, beta: number) => {
      const policy = createTokenPolicy(model, info, { ...options.decoding, beta });
      return evaluateAgent(task, algorithm, ({ rng }) => tokenAgent(policy, algorithm, rng), split).finally(() => policy.dispose());
    };
    const beta = algorithm === 'token-bc' ? 0 : await chooseBeta(options.tokenBetas, (candidate) => evaluateWith(validation, candidate), logValidation(algorithm));
    const directory = join(options.folder, 'checkpoints', algorithm);
    await saveTokenActing(directory, { ...options.decoding, beta, chosenOn: algorithm === 'token-bc' ? 'BC decodes from the LM alone' : chosenOn(options.tokenBetas) });
    row(algorithm === 'token-bc' ? 'token-level BC' : `token-level ILQL, β = ${beta}`, await evaluateWith(test, beta), { ...(algorithm === 'token-ilql' ? { beta } : {}), ...tokenStats(info) });
    disposeTokenModel(model);
  }

  const utteranceBeta = await chooseBeta(options.utteranceBetas, (beta) => evaluateAgent(task, 'ilql', checkpointAgentFactory('ilql', utterance, { k: options.k, beta }), validation), logValidation('utterance ilql'));
  await saveActingDefaults(join(options.folder, 'checkpoints', 'ilql'), { k: options.k, beta: utteranceBeta, chosenOn: chosenOn(options.utteranceBetas) });
  const utteranceResult = await evaluateAgent(task, 'ilql', checkpointAgentFactory('ilql', utterance, { k: options.k, beta: utteranceBeta }), test);
  row(`utterance-level ILQL, β = ${utteranceBeta}`, utteranceResult, {
    beta: utteranceBeta,
    parameters: [...utterance.parameters.values()].reduce((sum, variable) => sum + variable.size, 0),
    trainSeconds: utterance.config.stats['seconds'] ?? Number.NaN,
  });
  for (const variable of utterance.parameters.values()) variable.dispose();
  return rows;
};

/** The rows as the README shows agent results: mean [low, high]. */
export const tokenQualityTable = (rows: readonly ResultRow[]): string => {
  const number = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));
  const withInterval = (values: Record<string, number>, key: string) => `${number(values[key], 3)} [${number(values[`${key}Low`], 3)}, ${number(values[`${key}High`], 3)}]`;
  return markdownTable(
    ['agent', 'success (95% CI)', 'mean reward (95% CI)', 'agent turns', 'parameters', 'training (s)', 'tokens/s'],
    rows.map(({ name, values }) => [
      name,
      withInterval(values, 'success'),
      withInterval(values, 'reward'),
      number(values['turns'], 2),
      values['parameters'] === undefined ? '—' : Math.round(values['parameters']).toLocaleString('en'),
      number(values['trainSeconds'], 0),
      number(values['tokensPerSecond'], 0),
    ]),
  );
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      folder: { type: 'string', default: 'bench/results/token-quality' },
      task: { type: 'string' },
      dialogues: { type: 'string' },
      'utterance-steps': { type: 'string' },
      steps: { type: 'string' },
      'batch-size': { type: 'string' },
      'learning-rate': { type: 'string' },
      gamma: { type: 'string' },
      layers: { type: 'string' },
      embd: { type: 'string' },
      heads: { type: 'string' },
      'vocab-size': { type: 'string' },
      betas: { type: 'string' },
      'validation-episodes': { type: 'string' },
      episodes: { type: 'string' },
      greedy: { type: 'boolean' },
    },
  });
  const d = defaultTokenQualityOptions;
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const model = Object.fromEntries(
    Object.entries({ layers: number(values.layers), embd: number(values.embd), heads: number(values.heads), vocabSize: number(values['vocab-size']) }).filter(([, value]) => value !== undefined),
  );
  const token = Object.fromEntries(
    Object.entries({ steps: number(values.steps), batchSize: number(values['batch-size']), learningRate: number(values['learning-rate']) }).filter(([, value]) => value !== undefined),
  );
  const options: TokenQualityOptions = {
    ...d,
    folder: values.folder,
    task: values.task ?? d.task,
    dialogues: number(values.dialogues) ?? d.dialogues,
    utteranceSteps: number(values['utterance-steps']) ?? d.utteranceSteps,
    token: {
      ...d.token,
      ...token,
      model: model as TokenTrainOptionsInput['model'],
      ...(values.gamma === undefined ? {} : { ilql: { gamma: Number(values.gamma) } }),
    },
    decoding: { ...d.decoding, greedy: values.greedy ?? d.decoding.greedy },
    tokenBetas: values.betas === undefined ? d.tokenBetas : values.betas.split(',').map(Number),
    validationEpisodes: number(values['validation-episodes']) ?? d.validationEpisodes,
    episodes: number(values.episodes) ?? d.episodes,
  };
  const started = performance.now();
  const rows = await benchTokenQuality(options);
  process.stdout.write(`${tokenQualityTable(rows)}\n\n${options.episodes} test episodes per agent (seed ${options.evalSeed}); wall time ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  note(`settings ${JSON.stringify({ ...options, token: tokenTrainOptions({ ...options.token, seed: options.seed }) })}`);
};

if (process.argv[1] !== undefined && import.meta.filename === resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
