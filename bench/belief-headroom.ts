/**
 * What a better belief would be worth to an agent already trained: act with a countries (or any
 * built-in guessing catalog) checkpoint on validation personas three ways, with its own belief over
 * the item, with that belief less the items the answers rule out (renormalised), and with a uniform
 * belief over the items that fit every answer (what an exact reading of the answers gives). The
 * catalog's own reading of the answers, as the behaviour agents use it, decides what fits.
 *
 * @example
 * node --import tsx bench/belief-headroom.ts runs/demo/countries/checkpoints/ilql 4,16 300
 */
import { createEmbedder } from '../src/embed/create.ts';
import { createValueAgent } from '../src/agent/value-agent.ts';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import { markdownTable } from '../src/eval/markdown.ts';
import { loadCheckpoint } from '../src/rl/checkpoint.ts';
import { readKnowledge } from '../src/tasks/catalog/guess/knowledge.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import type { Turn } from '../src/task/types.ts';
import { guessingCatalogOf, itemField } from './guessing.ts';

const [dir = 'runs/demo/countries/checkpoints/ilql', betaList = '4,16', episodes = '300'] = process.argv.slice(2);
const checkpoint = await loadCheckpoint(dir);
const catalog = await guessingCatalogOf(checkpoint.config.task, dir);
const task = await loadBuiltInTask(checkpoint.config.task);
const { offset, items } = itemField(checkpoint.config.network.belief ?? [], dir);
const embedder = createEmbedder(checkpoint.config.embedder as never);

/** The belief with its item field replaced by `reading(fits, own)`; the other fields kept. */
const adjusted =
  (reading: (fits: boolean[], own: number[]) => number[]) =>
  (turns: readonly Turn[], belief: Float32Array): Float32Array => {
    const fitting = new Set(readKnowledge(catalog, turns).candidates.map((item) => item.id));
    const own = Array.from(belief.subarray(offset, offset + items.length));
    const next = reading(
      items.map((id) => fitting.has(id)),
      own,
    );
    const copy = belief.slice();
    copy.set(next, offset);
    return copy;
  };
const normalised = (values: number[]): number[] => {
  const total = values.reduce((sum, value) => sum + value, 0);
  return total > 0 ? values.map((value) => value / total) : values;
};
const readings: [string, ((turns: readonly Turn[], belief: Float32Array) => Float32Array) | undefined][] = [
  ['its own belief', undefined],
  ['its own, less the items the answers rule out', adjusted((fits, own) => normalised(own.map((p, i) => (fits[i] === true ? p : 0))))],
  ['uniform over the items that fit every answer', adjusted((fits) => normalised(fits.map(Number)))],
];
const rows: string[][] = [];
for (const [name, adjustBelief] of readings) {
  const row = [name];
  for (const beta of betaList.split(',').map(Number)) {
    const agent = createValueAgent(checkpoint, embedder, { name: 'ilql', policy: 'advantage', k: checkpoint.acting?.k ?? 16, beta, ...(adjustBelief === undefined ? {} : { adjustBelief }) });
    const result = await evaluateAgent(task, 'ilql', () => agent, { episodes: Number(episodes), seed: 1001, split: 'validation' });
    agent.dispose?.();
    const fit = result.diagnostics?.guessFit;
    row.push(`${result.success.mean.toFixed(3)} [${result.success.low.toFixed(3)}, ${result.success.high.toFixed(3)}]${fit === undefined ? '' : `, ${(100 * fit).toFixed(1)}% fit`}`);
  }
  rows.push(row);
}
process.stdout.write(`${dir} (${checkpoint.config.algorithm}), ${episodes} validation personas, evaluation seed 1001\n\n${markdownTable(['belief over the item', ...betaList.split(',').map((beta) => `β ${beta}: success, guesses that fit`)], rows)}\n`);
