/**
 * A learning curve of value learning: train one value learner (ILQL or MC) on imagined data and,
 * at chosen steps, act with the network as it stands on held-out validation personas: success,
 * and whether Q and the advantage rank the right candidate above the others (see
 * src/eval/value-diagnostics.ts), and on a guessing task whether it ranks guesses that fit the
 * answers above those they rule out. It says whether a learner that fails to rank the right guess
 * fails from the start, learns and then forgets, or simply needs more steps.
 *
 * @example
 * node --import tsx bench/value-curve.ts --task countries --dialogues 20000 --algorithm ilql --at 500,1000,2000,3000
 */
import { parseArgs } from 'node:util';
import { createValueAgent } from '../src/agent/value-agent.ts';
import { createEmbedder } from '../src/embed/create.ts';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import { markdownTable } from '../src/eval/markdown.ts';
import { valueDiagnostics } from '../src/eval/value-diagnostics.ts';
import { imagineOffline } from '../src/imagine/offline.ts';
import { taskSettings } from '../src/pipeline/task-settings.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import type { Algorithm } from '../src/rl/train.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import { givenTrainOptions, trainFlags } from './train-flags.ts';

const { values: flags } = parseArgs({
  options: {
    task: { type: 'string', default: 'countries' },
    dialogues: { type: 'string', default: '5000' },
    algorithm: { type: 'string', default: 'ilql' },
    at: { type: 'string', default: '500,1000,2000,3000' },
    episodes: { type: 'string', default: '100' },
    beta: { type: 'string', default: '4' },
    k: { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
    ...trainFlags,
    data: { type: 'string', description: 'JSONL file to imagine into (default: a temporary one)' },
  },
});

const task = await loadBuiltInTask(flags.task);
const settings = taskSettings(task);
const seed = Number(flags.seed);
const count = Number(flags.dialogues);
const file = flags.data ?? `${process.env.TMPDIR ?? '/tmp'}/reverie-value-curve-${flags.task}-${count}-s${seed}.jsonl`;
const { dialogues } = await imagineOffline(task, { count, seed, file });
const embedder = createEmbedder({ kind: settings.encoder ?? 'hashed', version: 1, dimension: 1024 });
const at = new Set(flags.at.split(',').map(Number));
const options = {
  ...defaultTrainOptions,
  ...settings.train,
  ...givenTrainOptions(flags),
  algorithm: flags.algorithm as Algorithm,
  seed,
  steps: Math.max(...at),
};
const rows: string[][] = [];
const f = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');
await train(dialogues, embedder, options, {
  onStep: async (step, _losses, model) => {
    if (!at.has(step)) return;
    const agent = createValueAgent(model, embedder, { name: 'curve', policy: 'advantage', k: Number(flags.k), beta: Number(flags.beta) });
    const result = await evaluateAgent(task, 'curve', () => agent, { episodes: Number(flags.episodes), seed: 1001, split: 'validation' });
    agent.dispose?.();
    const records = result.episodes.map(({ episode, persona }) => ({ persona, turns: episode.turns, steps: episode.steps }));
    const d = await valueDiagnostics((persona, turns) => task.judge(persona, turns), records, task.reviewGuesses?.bind(task));
    const g = d.guesses;
    rows.push([
      String(step), f(result.success.mean), String(d.turns), String(d.withoutRight), f(d.qRight), f(d.qOthers), f(d.advantageGap), f(d.bestByAdvantage), f(d.bestByPrior), f(d.bestByScore),
      ...(g === undefined ? [] : [f(g.advantageGap), f(g.fittingBestByAdvantage), f(g.fittingBestByPrior)]),
    ]);
    process.stderr.write(`step ${step}: success ${f(result.success.mean)}\n`);
  },
});
process.stdout.write(
  `${flags.task}, ${count} dialogues, ${options.algorithm}, CQL weight ${options.cqlWeight}, β ${flags.beta}, k ${flags.k}, ${flags.episodes} validation episodes\n\n` +
    `${markdownTable(['step', 'success', 'turns with a right candidate', 'without one', 'Q right', 'Q others', 'A gap', 'right best by A', 'by prior', 'by score', ...(task.reviewGuesses === undefined ? [] : ['A gap fitting − ruled-out guesses', 'best guess by A fits', 'by prior'])], rows)}\n`,
);
