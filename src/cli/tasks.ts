/**
 * `reverie tasks [FILE…]`: the built-in tasks and what each is about; given files, checks them
 * as `reverie check` does.
 */
import type { Command } from 'commander';
import { builtInTaskNames, loadBuiltInTask } from '../tasks/registry.ts';
import { runCheck } from './check.ts';

export const registerTasks = (program: Command): void => {
  program
    .command('tasks')
    .description('list the built-in tasks (each runs offline; any task spec YAML file runs with --model); given files, check them like `reverie check`')
    .argument('[files...]', 'task spec or catalog YAML files to check')
    .action(async (files: string[]) => {
      if (files.length > 0) return runCheck(files);
      for (const name of builtInTaskNames()) {
        const { spec } = await loadBuiltInTask(name);
        process.stdout.write(`${name}  ${spec.title}: ${spec.agent.goal} (success ≥ ${spec.success.threshold}, at most ${spec.maxTurns} agent turns)\n`);
      }
      process.stdout.write('\nYour own task: `reverie init` writes a starting catalog, `reverie check FILE` checks it, `reverie demo --task FILE` runs it.\n');
    });
};
