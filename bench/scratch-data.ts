/**
 * Imagined datasets the benches keep between runs: the same task, count and seed give the same
 * file in TMPDIR, which imagination reuses rather than writes again.
 *
 * @example
 * const { dialogues } = await scratchDialogues(task, 'countries', 50000, 1);
 */
import type { Dialogue } from '../src/data/dialogue.ts';
import { imagineOffline } from '../src/imagine/offline.ts';
import type { TaskSimulator } from '../src/task/types.ts';

export const scratchDialogues = async (task: TaskSimulator<unknown>, taskName: string, count: number, seed: number): Promise<{ dialogues: Dialogue[] }> =>
  imagineOffline(task, { count, seed, file: `${process.env.TMPDIR ?? '/tmp'}/reverie-ablation-${taskName}-${count}-s${seed}.jsonl` });
