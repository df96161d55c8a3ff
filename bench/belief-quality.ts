/**
 * How well a belief head reads the answers, on a built-in guessing catalog: train a learner with
 * the belief loss, then on the agent turns of held-out imagined dialogues (seed 77, never the
 * training seed) compare its belief over the item with what the answers so far allow (the
 * catalog's own reading, as the behaviour agents use it). Prints the belief's mass on items that
 * fit every answer, whether its most believed item fits, and its probability of the right item
 * against a uniform belief over the fitting items. Then the action head: for each utterance of the
 * training library that names one item, the probability it gives that item, and whether that is
 * its most likely one.
 *
 * @example
 * node --import tsx bench/belief-quality.ts --task countries --dialogues 20000 --algorithm bc
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { encodeConversation } from '../src/agent/value-agent.ts';
import { sparseRows } from '../src/nn/sparse-layers.ts';
import { encodeActions } from '../src/rl/network.ts';
import { readAgentText } from '../src/tasks/catalog/reading.ts';
import { toTransitions } from '../src/data/transitions.ts';
import { createDialogueEmbedder } from '../src/embed/dialogue.ts';
import { markdownTable } from '../src/eval/markdown.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import type { Algorithm } from '../src/rl/train.ts';
import { readKnowledge } from '../src/tasks/catalog/guess/knowledge.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import { beliefFit, guessingCatalogOf, itemField } from './guessing.ts';
import { scratchDialogues } from './scratch-data.ts';
import { givenTrainOptions, trainFlags } from './train-flags.ts';

const { values: flags } = parseArgs({
  options: {
    task: { type: 'string', default: 'countries' },
    dialogues: { type: 'string', default: '20000' },
    algorithm: { type: 'string', default: 'bc' },
    ...trainFlags,
    steps: { type: 'string' },
    held: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
  },
});

const catalog = await guessingCatalogOf(flags.task, `--task ${flags.task}`);
const task = await loadBuiltInTask(flags.task);
const seed = Number(flags.seed);
const { dialogues } = await scratchDialogues(task, flags.task, Number(flags.dialogues), seed);
const { dialogues: held } = await scratchDialogues(task, flags.task, Number(flags.held), 77);
const embedder = createDialogueEmbedder({ dimension: 1024 });
const options = { ...defaultTrainOptions, inputDropout: 0, beliefWeight: 1, ...givenTrainOptions(flags), algorithm: flags.algorithm as Algorithm, seed, ...(flags.steps === undefined ? {} : { steps: Number(flags.steps) }) };
const model = await train(dialogues, embedder, options);
const { offset, items } = itemField(model.belief ?? [], 'the trained model');
const totals = { states: 0, mass: 0, topFits: 0, topRight: 0, right: 0, uniform: 0 };
for (const transition of toTransitions(held)) {
  const item = (held[transition.dialogue]?.persona as { item: string }).item;
  const fitting = new Set(readKnowledge(catalog, transition.state).candidates.map((candidate) => candidate.id));
  const belief = tf.tidy(() => {
    const state = encodeConversation(model.parameters, embedder, transition.state);
    return Array.from(state.belief?.dataSync() ?? []).slice(offset, offset + items.length);
  });
  const { mass, top, topFits } = beliefFit(items, belief, fitting);
  totals.states += 1;
  totals.mass += mass;
  totals.topFits += Number(topFits);
  totals.topRight += Number(top === item);
  totals.right += belief[items.indexOf(item)] ?? 0;
  totals.uniform += fitting.has(item) ? 1 / fitting.size : 0;
}
const share = (value: number) => (value / totals.states).toFixed(3);
const naming = model.library.flatMap((text) => {
  const named = readAgentText(catalog, text).items;
  return named.length === 1 && named[0] !== undefined ? [{ text, item: named[0].id }] : [];
});
const goesWith = tf.tidy(() => {
  const actions = encodeActions(model.parameters, sparseRows(naming.map(({ text }) => embedder.embedAction(text)), embedder.dimension));
  return (actions.belief?.arraySync() ?? []) as number[][];
});
const actionTotals = naming.reduce(
  (sum, { item }, a) => {
    const row = (goesWith[a] ?? []).slice(offset, offset + items.length);
    return { named: sum.named + (row[items.indexOf(item)] ?? 0), top: sum.top + Number(items[row.indexOf(Math.max(...row))] === item) };
  },
  { named: 0, top: 0 },
);
process.stdout.write(
  `${flags.task}, ${dialogues.length} dialogues, ${options.algorithm}, belief weight ${options.beliefWeight}, ${options.steps} steps in ${model.stats.seconds.toFixed(0)} s; ${totals.states} agent turns of ${held.length} held-out dialogues\n\n` +
    markdownTable(
      ['belief mass on fitting items', 'most believed item fits', 'most believed item is right', 'p(right item)', 'uniform over fitting items'],
      [[share(totals.mass), share(totals.topFits), share(totals.topRight), share(totals.right), share(totals.uniform)]],
    ) +
    `\n\nThe action head, on the ${naming.length} library utterances that name one item:\n\n` +
    markdownTable(['P(named item) by the action head', 'named item is its most likely'], [[(actionTotals.named / naming.length).toFixed(3), (actionTotals.top / naming.length).toFixed(3)]]),
);
