/**
 * The PyTorch reference for the training benchmark: runs bench/reference/train_step.py with the
 * shapes of our own batches (distinct candidates per batch and non-zero features per row, both
 * measured on the benchmark's data set), and reports its ms per step. Skipped, with a message that
 * says how to enable it, where Debian's python3-torch is not installed.
 *
 * @example
 * const torch = await torchReference(dialogues, embedder, { steps: 200, runs: 5 });
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Dialogue } from '../src/data/dialogue.ts';
import { toTransitions } from '../src/data/transitions.ts';
import type { Embedder } from '../src/embed/hashed.ts';
import { defaultTrainOptions } from '../src/rl/train.ts';
import { createRng } from '../src/util/rng.ts';
import { medianOf, note, repeat } from './sampling.ts';

const script = fileURLToPath(new URL('./reference/train_step.py', import.meta.url));
// Debian's interpreter, where python3-torch installs; a pyenv or venv python3 earlier on PATH lacks it.
const pythons = ['/usr/bin/python3', 'python3'];

const findPython = (): string | undefined => pythons.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

/** Mean distinct actions in a batch and mean non-zero features per state, as train.ts samples them. */
export const batchShape = (dialogues: readonly Dialogue[], embedder: Embedder, batchSize: number) => {
  const transitions = toTransitions(dialogues);
  const rng = createRng(1);
  let distinct = 0;
  const batches = 50;
  for (let i = 0; i < batches; i += 1) distinct += new Set(Array.from({ length: batchSize }, () => transitions[rng.int(0, transitions.length - 1)]?.action)).size;
  const sample = transitions.slice(0, 500);
  const nonzeros = sample.reduce((sum, transition) => sum + embedder.embedState(transition.state).indices.length, 0) / Math.max(1, sample.length);
  return { candidates: Math.round(distinct / batches), nonzeros: Math.max(1, Math.round(nonzeros)) };
};

export type TorchTiming = { bc: number; ilql: number; version: string } | { skipped: string };

export const torchReference = async (dialogues: readonly Dialogue[], embedder: Embedder, options: { steps: number; runs: number }): Promise<TorchTiming> => {
  const python = findPython();
  if (python === undefined) return { skipped: 'PyTorch reference skipped: python3-torch is not installed (on Debian: apt-get install python3-torch)' };
  const shape = batchShape(dialogues, embedder, defaultTrainOptions.batchSize);
  note(`PyTorch reference with ${shape.candidates} candidates and ${shape.nonzeros} non-zero features per row`);
  const timing: Record<string, number> = {};
  let version = '';
  for (const algorithm of ['bc', 'ilql'] as const) {
    const args = [script, '--algorithm', algorithm, '--steps', String(options.steps), '--dimension', String(embedder.dimension), '--hidden', String(defaultTrainOptions.hidden), '--batch', String(defaultTrainOptions.batchSize), '--candidates', String(shape.candidates), '--nonzeros', String(shape.nonzeros), '--threads', '2'];
    const samples = await repeat(options.runs, `PyTorch ${algorithm} (${options.steps} steps)`, async () => {
      const run = spawnSync(python, args, { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`the PyTorch reference failed: ${run.stderr}`);
      const result = JSON.parse(run.stdout) as { msPerStep: number; torch: string };
      version = result.torch;
      return { msPerStep: result.msPerStep };
    });
    timing[algorithm] = medianOf(samples).msPerStep ?? NaN;
  }
  return { bc: timing.bc ?? NaN, ilql: timing.ilql ?? NaN, version };
};
