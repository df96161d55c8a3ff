/**
 * One ablation: imagine a built-in task's dialogues, train one learner with the given settings
 * and act on validation personas (seed 1001, never the demo's test personas), for each β asked
 * and with repeat-avoidance on or off. Prints success, reward, turns, the share of guesses that
 * fit every earlier answer (guessing tasks) and the share of turns said before (eval/diagnostics.ts).
 *
 * @example
 * node --import tsx bench/ablation.ts --task countries --dialogues 20000 --algorithm ilql --encoder dialogue --input-dropout 0 --betas 0,4,16
 * node --import tsx bench/ablation.ts --task travel --algorithm ilql --repeats on,off --betas 16,64
 *
 * `--save DIR` also writes the trained checkpoint there, for bench/value-diagnostics.ts or `reverie eval`.
 */
import { parseArgs } from 'node:util';
import { createValueAgent } from '../src/agent/value-agent.ts';
import { createEmbedder } from '../src/embed/create.ts';
import type { OfflineEmbedderKind } from '../src/embed/embedder.ts';
import { diagnose } from '../src/eval/diagnostics.ts';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import { markdownTable } from '../src/eval/markdown.ts';
import { saveCheckpoint } from '../src/rl/checkpoint.ts';
import { defaultTrainOptions, isValueAlgorithm, train } from '../src/rl/train.ts';
import type { Algorithm } from '../src/rl/train.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import { scratchDialogues } from './scratch-data.ts';
import { givenTrainOptions, trainFlags } from './train-flags.ts';

const { values: flags } = parseArgs({
  options: {
    task: { type: 'string', default: 'travel' },
    dialogues: { type: 'string', default: '5000' },
    algorithm: { type: 'string', default: 'ilql' },
    encoder: { type: 'string', default: 'hashed' },
    ...trainFlags,
    steps: { type: 'string' },
    betas: { type: 'string', default: '0,4,16,64' },
    repeats: { type: 'string', default: 'on' },
    k: { type: 'string', default: '16' },
    episodes: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    save: { type: 'string' },
  },
});

const task = await loadBuiltInTask(flags.task);
const seed = Number(flags.seed);
const count = Number(flags.dialogues);
const { dialogues } = await scratchDialogues(task, flags.task, count, seed);
const embedder = createEmbedder({ kind: flags.encoder as OfflineEmbedderKind, version: 1, dimension: 1024 });
const options = { ...defaultTrainOptions, ...givenTrainOptions(flags), ...(flags.steps === undefined ? {} : { steps: Number(flags.steps) }), algorithm: flags.algorithm as Algorithm, seed };
const started = performance.now();
const model = await train(dialogues, embedder, options, { progress: process.stderr });
const seconds = (performance.now() - started) / 1000;
if (flags.save !== undefined) await saveCheckpoint(flags.save, model, { task: task.spec.name, taskVersion: task.spec.version, embedder: embedder.config });
const value = isValueAlgorithm(options.algorithm);
const rows: string[][] = [];
for (const beta of value ? flags.betas.split(',').map(Number) : [0]) {
  for (const repeats of flags.repeats.split(',')) {
    const agent = createValueAgent(model, embedder, { name: options.algorithm, policy: value ? 'advantage' : 'policy', k: Number(flags.k), beta, avoidRepeats: repeats !== 'off' });
    const result = await evaluateAgent(task, options.algorithm, () => agent, { episodes: Number(flags.episodes), seed: 1001, split: 'validation' });
    agent.dispose?.();
    const d = diagnose(result.episodes.map(({ episode }) => episode.turns), task.reviewGuesses);
    const f = (x: number) => x.toFixed(3);
    rows.push([String(beta), repeats, f(result.success.mean), `[${f(result.success.low)}, ${f(result.success.high)}]`, f(result.reward.mean), result.turns.toFixed(2), d.guessFit === undefined ? '—' : f(d.guessFit), f(d.repeatedTurns)]);
    process.stderr.write(`β ${beta}, repeat-avoidance ${repeats}: success ${f(result.success.mean)}\n`);
  }
}
process.stdout.write(
  `${flags.task}, ${count} dialogues, ${options.algorithm}, ${embedder.config.kind} encoder, prior ${options.prior}, input dropout ${options.inputDropout}, belief weight ${options.beliefWeight}, polyak ${options.polyak}, expectile ${options.expectile}, CQL weight ${options.cqlWeight}, answered words ${options.answered ? 'on' : 'off'}, V reads the belief ${options.valueBelief ? 'on' : 'off'}, information gain ${options.informationGain ? 'on' : 'off'}, prior reads information ${options.priorInformation ? 'on' : 'off'}, answer chance ${options.answerChance ? 'on' : 'off'}, return mix ${options.returnMix}, ${options.steps} steps in ${seconds.toFixed(0)} s; ${flags.episodes} validation episodes\n\n` +
    `${markdownTable(['β', 'repeat-avoidance', 'success', '95% CI', 'reward', 'turns', 'guesses that fit', 'turns said before'], rows)}\n`,
);
