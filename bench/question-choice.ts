/**
 * How well a value learner chooses its questions on a guessing task, on validation personas
 * (seed 1001): per question the agent asked, the share of the items still possible that remain
 * after the answer (halving gives 0.5), and, for a checkpoint trained with `--information-gain
 * on`, the information of the chosen question against the best of the proposals and of the whole
 * library (in nats, ln 2 = 0.693 at most), how often the chosen one is the best proposal, the
 * correlation of the advantage with the information among proposed questions, and Q's weight on it.
 *
 * @example
 * node --import tsx bench/ablation.ts --task countries --dialogues 50000 --algorithm ilql --encoder dialogue --input-dropout 0 --belief-weight 1 --information-gain on --betas 16 --save runs/ig
 * node --import tsx bench/question-choice.ts runs/ig 16 100
 */
import * as tf from '@tensorflow/tfjs-core';
import { createCheckpointAgent } from '../src/agent/checkpoint-agent.ts';
import { encodeConversation } from '../src/agent/value-agent.ts';
import { createEmbedder } from '../src/embed/create.ts';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import { sparseRows } from '../src/nn/sparse-layers.ts';
import { informationAll } from '../src/rl/answers.ts';
import { loadCheckpoint } from '../src/rl/checkpoint.ts';
import { encodeActions } from '../src/rl/network.ts';
import { beliefGain, beliefLayout } from '../src/rl/parameters.ts';
import { readKnowledge } from '../src/tasks/catalog/guess/knowledge.ts';
import { loadCatalogFile } from '../src/tasks/catalog/load.ts';
import { guessingTask } from '../src/tasks/catalog/task.ts';
import { countriesCatalogFile } from '../src/tasks/countries/index.ts';
import type { Turn } from '../src/task/types.ts';

const [folder = 'runs/ig', betaText = '16', episodesText = '100', catalogFile = countriesCatalogFile] = process.argv.slice(2);
const catalog = await loadCatalogFile(catalogFile);
if (catalog.family !== 'guessing') throw new Error(`${catalogFile} is not a guessing catalog`);
const task = guessingTask(catalog);
const checkpoint = await loadCheckpoint(folder);
const embedder = createEmbedder(checkpoint.config.embedder);
const parameters = checkpoint.parameters;
const fields = checkpoint.config.network.belief ?? [];
const item = fields.findIndex((field) => field.name === 'item');
const informed = parameters.has('answer.w') && item >= 0;
const layout = beliefLayout(parameters);
const library = checkpoint.library;
const position = new Map(library.map((text, at) => [text, at]));
const answers = informed ? tf.tidy(() => encodeActions(parameters, sparseRows(library.map((text) => embedder.embedAction(text)), embedder.dimension)).answers as tf.Tensor2D) : undefined;
const informationOf = (turns: readonly Turn[]): number[] =>
  answers === undefined
    ? []
    : tf.tidy(() => informationAll(encodeConversation(parameters, embedder, turns).belief as tf.Tensor2D, answers, layout, tf.tensor1d(fields.map((_, f) => (f === item ? 1 : 0)))).arraySync()[0] ?? []);
const review = (turns: readonly Turn[]) => task.reviewGuesses?.(turns).guesses ?? 0;
const isGuess = (before: readonly Turn[], text: string) => review([...before, { role: 'agent', text }]) > review(before);
const left = (turns: readonly Turn[]) => readKnowledge(catalog, turns).candidates.length || catalog.items.length;

const agent = createCheckpointAgent(checkpoint, { name: checkpoint.config.algorithm, k: 16, beta: Number(betaText), reportCandidates: true });
const result = await evaluateAgent(task, checkpoint.config.algorithm, () => agent, { episodes: Number(episodesText), seed: 1001, split: 'validation' });
const kept = { ratio: [] as number[], chosen: [] as number[], proposed: [] as number[], library: [] as number[], best: [] as number[], correlation: [] as number[] };
for (const { episode } of result.episodes) {
  let step = 0;
  episode.turns.forEach((turn, at) => {
    if (turn.role !== 'agent') return;
    const candidates = episode.steps[step]?.candidates ?? [];
    step += 1;
    const before = episode.turns.slice(0, at);
    if (isGuess(before, turn.text)) return;
    kept.ratio.push(left(episode.turns.slice(0, at + 2)) / left(before));
    if (!informed) return;
    const information = informationOf(before);
    const of = (text: string) => information[position.get(text) ?? -1] ?? NaN;
    const questions = candidates.filter((candidate) => !isGuess(before, candidate.text));
    const proposed = questions.map((candidate) => of(candidate.text));
    kept.chosen.push(of(turn.text));
    kept.proposed.push(Math.max(...proposed));
    kept.library.push(Math.max(...library.filter((text) => !isGuess(before, text)).map(of)));
    kept.best.push(of(turn.text) >= Math.max(...proposed) - 1e-6 ? 1 : 0);
    const advantages = questions.map((candidate) => candidate.advantage ?? 0);
    if (questions.length >= 3) kept.correlation.push(correlation(advantages, proposed));
  });
}
agent.dispose?.();

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  const cov = xs.reduce((sum, x, i) => sum + (x - mx) * ((ys[i] ?? 0) - my), 0);
  const spread = Math.sqrt(xs.reduce((sum, x) => sum + (x - mx) ** 2, 0) * ys.reduce((sum, y) => sum + (y - my) ** 2, 0));
  return spread > 0 ? cov / spread : NaN;
}
function mean(xs: readonly number[]): number {
  const finite = xs.filter(Number.isFinite);
  return finite.reduce((sum, x) => sum + x, 0) / finite.length;
}
const f = (x: number) => x.toFixed(3);
process.stdout.write(`${folder}: ${checkpoint.config.algorithm}, β ${betaText}, ${episodesText} validation episodes, success ${f(result.success.mean)}; ${kept.ratio.length} questions asked\n`);
process.stdout.write(`items left after a question's answer, as a share of those before: ${f(mean(kept.ratio))} (halving: 0.500)\n`);
if (informed) {
  const weight = (parameters.get('q1.information')?.dataSync()[item] ?? NaN) * beliefGain;
  process.stdout.write(
    `information (nats) of the question asked ${f(mean(kept.chosen))}, of the best proposed question ${f(mean(kept.proposed))}, of the best in the library ${f(mean(kept.library))}; ` +
      `the one asked is the best proposed ${f(mean(kept.best))} of the time; correlation of advantage and information among proposed questions ${f(mean(kept.correlation))}; ` +
      `Q1's weight on the item's information ${f(weight)} per nat\n`,
  );
}
