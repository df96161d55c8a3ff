/**
 * `reverie imagine`: imagined dialogues for a built-in task, written as JSONL as they are made;
 * run it again with the same flags to finish an interrupted run.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { imagineOffline } from '../imagine/offline.ts';
import { datasetSummary } from '../pipeline/summary.ts';
import { loadBuiltInTask } from '../task/registry.ts';
import { positiveInteger } from './options.ts';

export const registerImagine = (program: Command): void => {
  program
    .command('imagine')
    .description('imagine dialogues between hidden-persona users and behaviour agents of uneven quality, each judged')
    .requiredOption('--task <name>', 'built-in task')
    .option('-n, --dialogues <n>', 'how many dialogues', positiveInteger('--dialogues'), 2000)
    .option('--seed <n>', 'seed: the same seed gives the same dialogues', positiveInteger('--seed'), 1)
    .option('--out <dir>', 'folder for dialogues.jsonl', 'runs/data')
    .action(async (flags: { task: string; dialogues: number; seed: number; out: string }) => {
      const task = await loadBuiltInTask(flags.task);
      const file = join(flags.out, 'dialogues.jsonl');
      const result = await imagineOffline(task, { count: flags.dialogues, seed: flags.seed, file, progress: process.stderr });
      process.stdout.write(`${datasetSummary(result.dialogues)}\n\n${result.created} new, ${result.reused} already there → ${file}\n`);
    });
};
