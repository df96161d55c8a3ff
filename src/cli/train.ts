/**
 * `reverie train`: ILQL, BC or filtered BC on a JSONL dataset, saved as a checkpoint folder;
 * `--algorithm token-ilql|token-bc` trains the token-level variant on a GPT-2-architecture LM
 * instead (see src/token), resumable from its last save in the same --out folder.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { defaultEmbeddingsCacheDir } from '../agent/checkpoint-embedder.ts';
import type { EncoderChoice } from '../embed/encoder-choice.ts';
import { createEmbeddingClient } from '../llm/embeddings.ts';
import type { EmbeddingClient } from '../llm/embeddings.ts';
import { parseModelRef } from '../llm/model-ref.ts';
import { readDataset, trainCheckpoint } from '../pipeline/train-checkpoint.ts';
import { defaultTrainOptions } from '../rl/train.ts';
import type { Algorithm, TrainOptions } from '../rl/train.ts';
import { disposeTokenModel } from '../token/model.ts';
import { defaultTokenTrainOptions, tokenAlgorithms, tokenTrainOptions } from '../token/train-options.ts';
import type { TokenAlgorithm } from '../token/train-options.ts';
import { trainTokenModel } from '../token/trainer.ts';
import { addEmbeddingsServerOptions, encoderChoice } from './embeddings-options.ts';
import { onInterrupt } from './interrupt.ts';
import { choice, integer, nonNegativeNumber, positiveInteger } from './options.ts';

const algorithms = ['ilql', 'mc', 'bc', 'fbc', ...tokenAlgorithms] as const;

const algorithm = (value: string): Algorithm | TokenAlgorithm => {
  if ((algorithms as readonly string[]).includes(value)) return value as Algorithm | TokenAlgorithm;
  throw new InvalidArgumentError(`--algorithm must be one of ${algorithms.join(', ')}, got "${value}"`);
};

const isTokenAlgorithm = (value: string): value is TokenAlgorithm => (tokenAlgorithms as readonly string[]).includes(value);

type TrainFlags = {
  data: string;
  algorithm: Algorithm | TokenAlgorithm;
  out: string;
  steps?: number;
  batchSize?: number;
  hidden: number;
  learningRate?: number;
  cqlWeight?: number;
  inputDropout: number;
  expectile?: number;
  gamma?: number;
  dimension: number;
  encoder: EncoderChoice;
  embeddingsBaseUrl?: string;
  embeddingsCacheDir?: string;
  prior: TrainOptions['prior'];
  beliefWeight?: number;
  returnMix?: number;
  answered?: boolean;
  beliefEvidence?: boolean;
  answerChance?: boolean;
  seed?: number;
  layers: number;
  embd: number;
  heads: number;
  vocabSize: number;
  maxLength: number;
  headWidth?: number;
  init?: string;
  saveEvery: number;
  sharedTrunk?: boolean;
};

/** The client of an `embeddings:MODEL` encoder; its API key comes from the environment. */
const embeddingClientOf = (flags: TrainFlags): EmbeddingClient | undefined =>
  flags.encoder.kind !== 'embeddings'
    ? undefined
    : createEmbeddingClient({
        model: parseModelRef(flags.encoder.model, flags.embeddingsBaseUrl === undefined ? {} : { baseURL: flags.embeddingsBaseUrl }),
        cacheDir: flags.embeddingsCacheDir ?? defaultEmbeddingsCacheDir,
      });

const trainUtterance = async (flags: TrainFlags, algorithm: Algorithm): Promise<void> => {
  const { dialogues } = await readDataset(flags.data);
  const embeddingClient = embeddingClientOf(flags);
  // Ctrl-C cancels the embedding requests in flight; what they fetched stays in the disk cache.
  const interrupt = embeddingClient === undefined ? undefined : onInterrupt();
  const trained = await trainCheckpoint(dialogues, {
    algorithm,
    out: flags.out,
    dimension: flags.dimension,
    steps: flags.steps,
    batchSize: flags.batchSize,
    hidden: flags.hidden,
    learningRate: flags.learningRate,
    cqlWeight: flags.cqlWeight,
    inputDropout: flags.inputDropout,
    expectile: flags.expectile,
    gamma: flags.gamma,
    prior: flags.prior,
    beliefWeight: flags.beliefWeight,
    returnMix: flags.returnMix,
    answered: flags.answered,
    beliefEvidence: flags.beliefEvidence,
    answerChance: flags.answerChance,
    seed: flags.seed,
    encoder: flags.encoder.kind,
    ...(embeddingClient === undefined ? {} : { embeddingClient }),
    ...(interrupt === undefined ? {} : { signal: interrupt.signal }),
    progress: process.stderr,
  }).finally(() => interrupt?.dispose());
  const usage = embeddingClient?.usage();
  const embedded = usage === undefined ? '' : `embeddings: ${usage.texts} texts (${usage.cachedTexts} from the cache), ${usage.requests} requests, ${usage.retries} retries\n`;
  process.stdout.write(`${embedded}${trained.summary}\n`);
};

const trainToken = async (flags: TrainFlags, algorithm: TokenAlgorithm): Promise<void> => {
  const d = defaultTokenTrainOptions;
  const { dialogues, task, version } = await readDataset(flags.data);
  const options = tokenTrainOptions(
    {
      algorithm,
      steps: flags.steps ?? d.steps,
      batchSize: flags.batchSize ?? d.batchSize,
      learningRate: flags.learningRate ?? d.learningRate,
      seed: flags.seed ?? d.seed,
      saveEvery: flags.saveEvery,
      ...(flags.init === undefined ? {} : { init: flags.init }),
      model: { layers: flags.layers, embd: flags.embd, heads: flags.heads, vocabSize: flags.vocabSize, maxLength: flags.maxLength, ...(flags.headWidth === undefined ? {} : { headWidth: flags.headWidth }) },
      ilql: {
        cqlWeight: flags.cqlWeight ?? d.ilql.cqlWeight,
        tau: flags.expectile ?? d.ilql.tau,
        gamma: flags.gamma ?? d.ilql.gamma,
        detachHeads: flags.sharedTrunk !== true,
      },
    },
    'reverie train',
  );
  const { model, info, resumedFrom } = await trainTokenModel(dialogues, options, { task, taskVersion: version, out: flags.out }, { progress: process.stderr });
  disposeTokenModel(model);
  const { training, data } = info;
  const size = `${training.parameters.lm.toLocaleString('en')} LM parameters${training.parameters.heads > 0 ? ` + ${training.parameters.heads.toLocaleString('en')} in the Q/V heads` : ''}`;
  process.stdout.write(
    `${algorithm}: ${info.data.dialogues} dialogues, ${data.tokens} tokens (${data.actions} agent tokens); ${size}\n` +
      `${resumedFrom === undefined ? '' : `resumed at step ${resumedFrom}; `}${training.steps} steps in ${training.seconds.toFixed(1)} s of training (${Math.round(training.tokensPerSecond)} tokens/s on ${training.backend}); final losses ${Object.entries(training.losses).map(([name, value]) => `${name} ${value.toFixed(3)}`).join(', ')}\n` +
      `checkpoint → ${flags.out}\n`,
  );
};

export const registerTrain = (program: Command): void => {
  const d = defaultTrainOptions;
  const t = defaultTokenTrainOptions;
  const command = program
    .command('train')
    .description('train ILQL (or BC / filtered BC) on imagined dialogues; token-ilql / token-bc train the token-level variant on a small GPT-2')
    .requiredOption('--data <file>', 'dialogues.jsonl from `reverie imagine`')
    .option('--algorithm <name>', `${algorithms.join(', ')}`, algorithm, d.algorithm)
    .option('--out <dir>', 'checkpoint folder (model.safetensors + config.json; token models: a GPT-2 folder + ilql-heads.safetensors + reverie.json)', 'runs/checkpoint')
    .option('--steps <n>', `gradient steps (default ${d.steps}; token: ${t.steps})`, positiveInteger('--steps'))
    .option('--batch-size <n>', `transitions per step (default ${d.batchSize}; token: dialogues per step, ${t.batchSize})`, positiveInteger('--batch-size'))
    .option('--learning-rate <x>', `Adam learning rate (default ${d.learningRate}; token: ${t.learningRate})`, nonNegativeNumber('--learning-rate'))
    .option('--cql-weight <x>', `weight of the conservative term (default ${d.cqlWeight}; token: ${t.ilql.cqlWeight})`, nonNegativeNumber('--cql-weight'))
    .option('--expectile <x>', `expectile τ of the V regression (default ${d.expectile})`, nonNegativeNumber('--expectile'))
    .option('--gamma <x>', `discount γ (default ${d.gamma}; token: ${t.ilql.gamma} per token)`, nonNegativeNumber('--gamma'))
    .option('--seed <n>', `seed of initialisation and batches (default ${d.seed})`, integer('--seed'))
    .option('--hidden <n>', 'utterance level: hidden width of every network', positiveInteger('--hidden'), d.hidden)
    .option('--input-dropout <x>', 'utterance level: share of input features dropped while training', nonNegativeNumber('--input-dropout'), d.inputDropout)
    .option('--dimension <n>', 'utterance level: hashed embedding dimension (hashed and dialogue encoders)', positiveInteger('--dimension'), 1024)
    .addOption(
      new Option(
        '--encoder <spec>',
        'utterance level: state encoder, hashed, dialogue (reads each exchange apart: which answer went with which question) or embeddings:PROVIDER:MODEL (vectors of each utterance from an OpenAI-compatible /v1/embeddings server, e.g. embeddings:ollama:nomic-embed-text)',
      )
        .argParser(encoderChoice)
        .default({ kind: 'hashed' }, 'hashed'),
    )
    .option(
      '--belief-weight <x>',
      `utterance level: weight of the belief loss; above 0 the state also predicts the hidden persona and the prior and Q read that belief (default ${d.beliefWeight})`,
      nonNegativeNumber('--belief-weight'),
    )
    .option('--return-mix <λ>', `utterance level, ilql: mix each transition's return-to-go into the Q target, (1 − λ)·(r + γV(s′)) + λ·G (default ${d.returnMix})`, nonNegativeNumber('--return-mix'))
    .option('--answered', `utterance level: the prior and Q read how the user answered each word a candidate says again${d.answered ? ' (the default)' : ''}`)
    .option('--no-answered', `utterance level: leave the answered words out${d.answered ? '' : ' (the default)'}`)
    .option('--no-belief-evidence', 'utterance level, with a belief: it reads the state\'s features rather than the answer evidence (each asked word with the reply that answers it), as models trained before the evidence did')
    .option('--answer-chance', `utterance level, with a belief: also learn which questions each user can answer with a yes or a no; agents rank a candidate likely to go unanswered after the others${d.answerChance ? ' (the default)' : ''}`)
    .option('--no-answer-chance', `utterance level: leave the answer chance out${d.answerChance ? '' : ' (the default)'}`)
    .option('--prior <from>', 'utterance level, ilql and mc: what the prior that proposes candidates learns from, all (the behaviour policy) or successes (filtered BC)', choice('--prior', ['all', 'successes'] as const), d.prior)
    .option('--layers <n>', 'token level: transformer layers', positiveInteger('--layers'), t.model.layers)
    .option('--embd <n>', 'token level: hidden size', positiveInteger('--embd'), t.model.embd)
    .option('--heads <n>', 'token level: attention heads (must divide --embd)', positiveInteger('--heads'), t.model.heads)
    .option('--vocab-size <n>', 'token level: ids of the BPE trained on the dialogues', positiveInteger('--vocab-size'), t.model.vocabSize)
    .option('--max-length <n>', 'token level: longest token window (longer dialogues keep their end)', positiveInteger('--max-length'), t.model.maxLength)
    .option('--head-width <n>', 'token level: hidden width of the Q and V heads (default: --embd)', positiveInteger('--head-width'))
    .option('--init <dir>', 'token level: start from a pretrained GPT-2 folder (config.json, model.safetensors, vocab.json, merges.txt) instead of a fresh model and BPE')
    .option('--save-every <n>', 'token level: save a resumable state every n steps (0: never); rerunning with the same --out resumes', integer('--save-every'), t.saveEvery)
    .option('--shared-trunk', 'token level: let the TD, V and CQL losses train the transformer too, as the reference does (default: the heads read its hidden states under a stop-gradient)');
  addEmbeddingsServerOptions(command)
    .addHelpText('after', '\nAn embeddings encoder takes its API key from the environment: OPENAI_API_KEY, or REVERIE_API_KEY for other servers.')
    .action(async (flags: TrainFlags) => {
      if (isTokenAlgorithm(flags.algorithm) && flags.encoder.kind === 'embeddings') throw new InvalidArgumentError('--encoder embeddings:… is for the utterance-level algorithms; token-level ones read the text itself');
      if (isTokenAlgorithm(flags.algorithm)) await trainToken(flags, flags.algorithm);
      else await trainUtterance(flags, flags.algorithm);
    });
};
