/**
 * Reverie's benchmark: training speed, simulation speed, acting latency and imagination overhead, one Markdown table
 * per topic on stdout (progress on stderr), every figure the median of the timed runs after one
 * warm-up run. The figures also go to `<out>/<timestamp>.json` with the machine and commit;
 * `--compare old.json` adds new ÷ old tables.
 *
 * @example
 * npm run bench -- --quick
 * npm run bench -- --compare bench/results/2025-01-01T00-00-00.000Z.json
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs';
import type { Dialogue } from '../src/data/dialogue.ts';
import { createHashedEmbedder } from '../src/embed/hashed.ts';
import { imagineDialogue } from '../src/imagine/offline.ts';
import { initBackend } from '../src/nn/backend.ts';
import { defaultTrainOptions } from '../src/rl/train.ts';
import { builtInTaskNames, loadBuiltInTask } from '../src/tasks/registry.ts';
import { loadTravelTask } from '../src/tasks/travel/index.ts';
import { benchActing } from './acting.ts';
import { benchFlops } from './flops.ts';
import { benchSparseProducts } from './sparse-products.ts';
import { benchImagination } from './imagination.ts';
import { benchQuality } from './quality.ts';
import { benchTokenQuality } from './token-quality.ts';
import { compareTables, gitCommit, loadResults, machineInfo, topicTable, writeResults } from './results.ts';
import type { BenchResults, ResultRow, TopicId } from './results.ts';
import { note } from './sampling.ts';
import { benchDemo, benchSimulation } from './simulation.ts';
import { benchTraining } from './training.ts';

const usage = `usage: node --import tsx bench/run.ts [options]

  --quick            small sizes that finish in well under a minute
  --compare FILE     also print new ÷ old ratios against an earlier results JSON
  --out DIR          folder for the results JSON (default bench/results)
  --only LIST        topics to run, comma-separated: training,flops,first-layer,simulation,acting,imagination,quality,
                     token-quality (default all but the two quality topics: quality runs the whole demo per
                     task and seed, token-quality trains two small GPT-2s, about 15 minutes)
  --seeds LIST       training seeds of the quality topic (default 1,2,3)
  --runs N           timed runs per figure, after one warm-up (default 5)
  --dialogues N      imagined travel dialogues to train on (default 10000, quick 1000)
  --steps N          training steps per timed run (default 200, quick 20)
  --full-runs N      whole default-length trainings timed per algorithm (default 1, quick 0)
  --episodes N       simulated episodes per timed run (default 2000, quick 200)
  --demo-runs N      whole default demos timed, in fresh folders (default 1, quick 0)
  --calls N          act calls per timed run (default 500, quick 100)
  --act-steps N      training steps of the models that act (default 200, quick 20)
  --llm-calls N      LLM calls per timed run against an instant scripted server (default 1000, quick 200)
  --llm-dialogues N  dialogues imagined per timed run against it (default 200, quick 40)
  --help             show this text`;

const sizes = {
  full: { dialogues: 10000, fullRuns: 1, demoRuns: 1, steps: 200, episodes: 2000, calls: 500, actSteps: 200, llmCalls: 1000, llmDialogues: 200 },
  quick: { dialogues: 1000, fullRuns: 0, demoRuns: 0, steps: 20, episodes: 200, calls: 100, actSteps: 20, llmCalls: 200, llmDialogues: 40 },
};

const allTopics: readonly TopicId[] = ['training', 'flops', 'first-layer', 'simulation', 'acting', 'imagination', 'quality', 'token-quality'];
const defaultTopics: readonly TopicId[] = ['training', 'flops', 'first-layer', 'simulation', 'acting', 'imagination'];
const imagineSeed = 1;
const dimension = 1024;
const ks = [4, 16, 64] as const;
const beta = 16;

const fail = (message: string): never => {
  process.stderr.write(`bench: ${message}\n\n${usage}\n`);
  process.exit(2);
};

const count = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 ? value : fail(`${flag} must be a positive integer, got "${text}"`);
};

const parseFlags = (argv: readonly string[]) => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      compare: { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
      only: { type: 'string' },
      runs: { type: 'string' },
      dialogues: { type: 'string' },
      steps: { type: 'string' },
      'full-runs': { type: 'string' },
      'demo-runs': { type: 'string' },
      episodes: { type: 'string' },
      calls: { type: 'string' },
      'act-steps': { type: 'string' },
      'llm-calls': { type: 'string' },
      'llm-dialogues': { type: 'string' },
      seeds: { type: 'string', default: '1,2,3' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const base = values.quick ? sizes.quick : sizes.full;
  const only = values.only === undefined ? defaultTopics : values.only.split(',').map((name) => name.trim());
  const unknown = only.filter((name) => !(allTopics as readonly string[]).includes(name));
  if (unknown.length > 0) fail(`unknown topic(s) in --only: ${unknown.join(', ')}`);
  const settings = {
    quick: values.quick,
    runs: count('--runs', values.runs, 5),
    dialogues: count('--dialogues', values.dialogues, base.dialogues),
    steps: count('--steps', values.steps, base.steps),
    fullRuns: values['full-runs'] === '0' ? 0 : count('--full-runs', values['full-runs'], base.fullRuns),
    demoRuns: values['demo-runs'] === '0' ? 0 : count('--demo-runs', values['demo-runs'], base.demoRuns),
    episodes: count('--episodes', values.episodes, base.episodes),
    calls: count('--calls', values.calls, base.calls),
    actSteps: count('--act-steps', values['act-steps'], base.actSteps),
    llmCalls: count('--llm-calls', values['llm-calls'], base.llmCalls),
    llmDialogues: count('--llm-dialogues', values['llm-dialogues'], base.llmDialogues),
    seeds: values.seeds.split(',').map((seed) => count('--seeds', seed.trim(), 1)),
  };
  if (settings.steps < 2) fail('--steps must be at least 2: the first step is not timed');
  if (settings.runs < 5) note(`only ${settings.runs} timed run(s) per figure: medians of fewer than 5 runs are noisy`);
  return { settings, topics: only as TopicId[], out: values.out, compare: values.compare };
};

const imagine = async (count: number): Promise<Dialogue[]> => {
  const task = await loadTravelTask();
  note(`imagining ${count} travel dialogues (seed ${imagineSeed})`);
  const dialogues: Dialogue[] = [];
  for (let index = 0; index < count; index += 1) dialogues.push(await imagineDialogue(task, imagineSeed, index));
  return dialogues;
};

const main = async (): Promise<void> => {
  const flags = parseFlags(process.argv.slice(2));
  const { settings } = flags;
  const old = flags.compare === undefined ? undefined : await loadResults(flags.compare);
  const backend = await initBackend();
  note(`backend ${backend}; ${settings.runs} timed runs per figure after one warm-up${settings.quick ? ' (quick sizes)' : ''}`);
  const started = performance.now();
  const embedder = createHashedEmbedder({ dimension });
  const needsData = flags.topics.includes('training') || flags.topics.includes('acting');
  const dialogues = needsData ? await imagine(settings.dialogues) : [];
  const results: Partial<Record<TopicId, ResultRow[]>> = {};
  const report = (id: TopicId, rows: ResultRow[]) => {
    results[id] = rows;
    process.stdout.write(`${topicTable(id, rows)}\n\n`);
  };
  if (flags.topics.includes('training')) report('training', await benchTraining(dialogues, embedder, { steps: settings.steps, runs: settings.runs, fullRuns: settings.fullRuns }));
  if (flags.topics.includes('flops')) report('flops', await benchFlops({ runs: settings.runs, batch: defaultTrainOptions.batchSize, input: dimension, hidden: defaultTrainOptions.hidden }));
  if (flags.topics.includes('first-layer')) report('first-layer', await benchSparseProducts({ runs: settings.runs, input: dimension }));
  if (flags.topics.includes('simulation')) {
    const tasks = await Promise.all(builtInTaskNames().map(async (name) => [name, await loadBuiltInTask(name)] as const));
    const rows = await benchSimulation(tasks, { episodes: settings.episodes, runs: settings.runs });
    report('simulation', settings.demoRuns > 0 ? [...rows, ...(await benchDemo({ runs: settings.demoRuns }))] : rows);
  }
  if (flags.topics.includes('acting')) {
    report('acting', await benchActing(dialogues, embedder, { trainSteps: settings.actSteps, calls: settings.calls, runs: settings.runs, beta, ks }));
  }
  if (flags.topics.includes('imagination')) {
    report('imagination', await benchImagination({ calls: settings.llmCalls, dialogues: settings.llmDialogues, runs: settings.runs, latencyMs: 200, concurrencies: [16, 64] }));
  }
  if (flags.topics.includes('quality')) report('quality', await benchQuality({ seeds: settings.seeds, folder: join(flags.out, 'quality') }));
  if (flags.topics.includes('token-quality')) report('token-quality', await benchTokenQuality({ folder: join(flags.out, 'token-quality') }));
  const output: BenchResults = {
    timestamp: new Date().toISOString(),
    commit: gitCommit(),
    machine: machineInfo(backend),
    settings: { ...settings, topics: flags.topics, imagineSeed, dimension, batchSize: defaultTrainOptions.batchSize, ks: [...ks], beta, seconds: (performance.now() - started) / 1000 },
    topics: results,
  };
  const file = await writeResults(flags.out, output);
  note(`wrote ${file} in ${(output.settings['seconds'] as number).toFixed(1)} s`);
  if (old !== undefined) {
    const tables = compareTables(output, old);
    process.stdout.write(tables.length === 0 ? `No rows in common with ${flags.compare}.\n` : `${tables.join('\n\n')}\n`);
    if (old.commit !== output.commit) note(`compared with commit ${old.commit.slice(0, 12)} (now ${output.commit.slice(0, 12)})`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
