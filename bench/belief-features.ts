/**
 * Which features a belief head should read, measured on the head alone: train a linear softmax
 * over the item (the learners' rate, gain and batch) on one set of features of the states of
 * imagined countries dialogues, then read it on the agent turns of 300 held-out dialogues (seed
 * 77) and, given a demo's episodes, at the states where that agent guessed. Prints the belief's
 * mass on the items that fit every answer and whether its most believed item fits.
 *
 * Features: `old` (the dialogue encoder's bag plus its exchange rows, what the belief read before
 * the evidence), `evidence` (embed/evidence.ts), `both`.
 *
 * @example
 * node --import tsx bench/belief-features.ts --features evidence --width 4096 --episodes runs/demo/countries/episodes/ilql.jsonl
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { z } from 'zod';
import { readJsonl } from '../src/data/jsonl.ts';
import { toTransitions } from '../src/data/transitions.ts';
import { createDialogueEmbedder } from '../src/embed/dialogue.ts';
import { createEvidenceIndex } from '../src/embed/evidence.ts';
import { markdownTable } from '../src/eval/markdown.ts';
import { createAdam } from '../src/nn/adam.ts';
import { initBackend } from '../src/nn/backend.ts';
import { sparseLinear, sparseRows } from '../src/nn/sparse-layers.ts';
import type { SparseVector } from '../src/nn/sparse-layers.ts';
import { sumVectors } from '../src/rl/exchange-rows.ts';
import { crossEntropy } from '../src/rl/losses.ts';
import { beliefGain } from '../src/rl/parameters.ts';
import { defaultTrainOptions } from '../src/rl/train.ts';
import type { Turn } from '../src/task/types.ts';
import { readKnowledge } from '../src/tasks/catalog/guess/knowledge.ts';
import { readAgentText } from '../src/tasks/catalog/reading.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import { createRng } from '../src/util/rng.ts';
import { beliefFit, guessingCatalogOf } from './guessing.ts';
import { scratchDialogues } from './scratch-data.ts';

const { values: flags } = parseArgs({
  options: {
    features: { type: 'string', default: 'evidence' },
    width: { type: 'string', default: '4096' },
    dialogues: { type: 'string', default: '50000' },
    steps: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '1' },
    episodes: { type: 'string' },
  },
});
const kinds = ['old', 'evidence', 'both'];
if (!kinds.includes(flags.features)) throw new Error(`--features ${flags.features}: one of ${kinds.join(', ')}`);
await initBackend();
const width = Number(flags.width);
const task = await loadBuiltInTask('countries');
const catalog = await guessingCatalogOf('countries', 'bench/belief-features.ts');
const { dialogues } = await scratchDialogues(task, 'countries', Number(flags.dialogues), Number(flags.seed));
const { dialogues: held } = await scratchDialogues(task, 'countries', 300, 77);
const encoder = createDialogueEmbedder({ dimension: width });
const evidence = createEvidenceIndex(width);
const features = (turns: readonly Turn[]): SparseVector => {
  const parts: SparseVector[] = [];
  if (flags.features !== 'evidence') parts.push(encoder.embedState(turns), ...encoder.embedExchanges(turns));
  if (flags.features !== 'old') parts.push(...evidence.ofState(turns));
  return sumVectors(parts, width);
};
const itemOf = (persona: unknown): string => z.object({ item: z.string() }).parse(persona).item;
const transitions = toTransitions(dialogues);
const items = [...new Set(dialogues.map((dialogue) => itemOf(dialogue.persona)))].sort();
const index = new Map(items.map((item, i) => [item, i]));
const inputs = transitions.map((transition) => features(transition.state));
const labels = Int32Array.from(transitions, (transition) => index.get(itemOf(dialogues[transition.dialogue]?.persona)) ?? 0);

const weights = tf.variable(tf.zeros<tf.Rank.R2>([width, items.length]), true, 'belief.w');
const bias = tf.variable(tf.zeros<tf.Rank.R1>([items.length]), true, 'belief.b');
const adam = createAdam(
  [
    { name: 'w', variable: weights },
    { name: 'b', variable: bias },
  ],
  { learningRate: defaultTrainOptions.learningRate },
);
const rng = createRng(Number(flags.seed)).fork('belief-features');
const started = performance.now();
for (let step = 0; step < Number(flags.steps); step += 1) {
  const rows = Array.from({ length: defaultTrainOptions.batchSize }, () => rng.int(0, inputs.length - 1));
  const x = sparseRows(
    rows.map((row) => inputs[row] as SparseVector),
    width,
  );
  const { value, grads } = tf.variableGrads(() => crossEntropy(tf.mul(sparseLinear(x, weights, bias), beliefGain) as tf.Tensor2D, Int32Array.from(rows, (row) => labels[row] ?? 0)));
  adam.apply(grads);
  tf.dispose([value, ...Object.values(grads)]);
}
const seconds = (performance.now() - started) / 1000;

/** Mean mass on fitting items and share of states whose top item fits. */
const read = (states: readonly (readonly Turn[])[]): string => {
  let mass = 0;
  let fits = 0;
  for (const turns of states) {
    const fitting = new Set(readKnowledge(catalog, turns).candidates.map((item) => item.id));
    const belief = tf.tidy(() => Array.from(tf.softmax(tf.mul(sparseLinear(sparseRows([features(turns)], width), weights, bias), beliefGain)).dataSync()));
    const fit = beliefFit(items, belief, fitting);
    mass += fit.mass;
    fits += Number(fit.topFits);
  }
  return `${(mass / states.length).toFixed(3)} / ${(fits / states.length).toFixed(3)}`;
};
const row = [`${flags.features}, ${width} wide`, read(toTransitions(held).map((transition) => transition.state))];
const header = ['belief head alone, over', `${held.length} held-out dialogues' agent turns: mass on fitting / top fits`];
if (flags.episodes !== undefined) {
  const episode = z.object({ turns: z.array(z.object({ role: z.enum(['user', 'agent']), text: z.string() })) });
  const guessed = (await readJsonl(flags.episodes, episode)).flatMap(({ turns }) =>
    turns.flatMap((turn, at) => (turn.role === 'agent' && readAgentText(catalog, turn.text).items.length === 1 ? [turns.slice(0, at)] : [])),
  );
  header.push(`the ${guessed.length} states where ${flags.episodes} guessed: mass / top fits`);
  row.push(read(guessed));
}
process.stdout.write(`${transitions.length} transitions of ${dialogues.length} dialogues, ${flags.steps} steps in ${seconds.toFixed(0)} s\n\n${markdownTable(header, [row])}\n`);
