/**
 * `reverie train`: ILQL, BC or filtered BC on a JSONL dataset, saved as a checkpoint folder.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { readJsonl } from '../data/jsonl.ts';
import { dialogueSchema } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import { saveCheckpoint } from '../rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../rl/train.ts';
import type { Algorithm } from '../rl/train.ts';
import { ReverieError } from '../errors.ts';
import { integer, nonNegativeNumber, positiveInteger } from './options.ts';

const algorithm = (value: string): Algorithm => {
  if (value === 'ilql' || value === 'bc' || value === 'fbc') return value;
  throw new InvalidArgumentError(`--algorithm must be ilql, bc or fbc, got "${value}"`);
};

type TrainFlags = {
  data: string;
  algorithm: Algorithm;
  out: string;
  steps: number;
  batchSize: number;
  hidden: number;
  learningRate: number;
  cqlWeight: number;
  inputDropout: number;
  expectile: number;
  gamma: number;
  dimension: number;
  seed: number;
};

export const registerTrain = (program: Command): void => {
  const d = defaultTrainOptions;
  program
    .command('train')
    .description('train ILQL (or BC / filtered BC) on imagined dialogues')
    .requiredOption('--data <file>', 'dialogues.jsonl from `reverie imagine`')
    .option('--algorithm <name>', 'ilql, bc or fbc', algorithm, d.algorithm)
    .option('--out <dir>', 'checkpoint folder (model.safetensors + config.json)', 'runs/checkpoint')
    .option('--steps <n>', 'gradient steps', positiveInteger('--steps'), d.steps)
    .option('--batch-size <n>', 'transitions per step', positiveInteger('--batch-size'), d.batchSize)
    .option('--hidden <n>', 'hidden width of every network', positiveInteger('--hidden'), d.hidden)
    .option('--learning-rate <x>', 'Adam learning rate', nonNegativeNumber('--learning-rate'), d.learningRate)
    .option('--cql-weight <x>', 'weight of the conservative term', nonNegativeNumber('--cql-weight'), d.cqlWeight)
    .option('--input-dropout <x>', 'share of input features dropped while training', nonNegativeNumber('--input-dropout'), d.inputDropout)
    .option('--expectile <x>', 'expectile τ of the V regression', nonNegativeNumber('--expectile'), d.expectile)
    .option('--gamma <x>', 'discount γ', nonNegativeNumber('--gamma'), d.gamma)
    .option('--dimension <n>', 'hashed embedding dimension', positiveInteger('--dimension'), 1024)
    .option('--seed <n>', 'seed of initialisation and batches', integer('--seed'), d.seed)
    .action(async (flags: TrainFlags) => {
      const dialogues = await readJsonl(flags.data, dialogueSchema);
      const tasks = [...new Set(dialogues.map((dialogue) => dialogue.task))];
      if (tasks.length !== 1) throw new ReverieError(`${flags.data} holds dialogues of ${tasks.length === 0 ? 'no task' : `several tasks (${tasks.join(', ')})`}`, { hint: 'Train on a dataset of one task.' });
      const embedder = createHashedEmbedder({ dimension: flags.dimension });
      const options = { ...d, algorithm: flags.algorithm, steps: flags.steps, batchSize: flags.batchSize, hidden: flags.hidden, learningRate: flags.learningRate, cqlWeight: flags.cqlWeight, inputDropout: flags.inputDropout, expectile: flags.expectile, gamma: flags.gamma, seed: flags.seed };
      const model = await train(dialogues, embedder, options, { progress: process.stderr });
      const task = tasks[0] ?? '';
      const version = typeof dialogues[0]?.meta.taskVersion === 'number' ? dialogues[0].meta.taskVersion : 1;
      await saveCheckpoint(flags.out, model, { task, taskVersion: version, embedder: embedder.config });
      const last = model.history.at(-1)?.losses ?? {};
      process.stdout.write(
        `${flags.algorithm}: ${model.stats.dialogues} dialogues, ${model.stats.transitions} transitions, ${model.library.length} distinct utterances\n` +
          `${options.steps} steps in ${model.stats.seconds.toFixed(1)} s (${model.stats.stepsPerSecond.toFixed(1)} steps/s); final losses ${Object.entries(last).map(([name, value]) => `${name} ${value.toFixed(3)}`).join(', ')}\n` +
          `checkpoint → ${flags.out}\n`,
      );
    });
};
