/**
 * `reverie tasks`: the built-in tasks and what each is about.
 */
import type { Command } from 'commander';
import { builtInTaskNames, loadBuiltInTask } from '../task/registry.ts';

export const registerTasks = (program: Command): void => {
  program
    .command('tasks')
    .description('list the built-in tasks')
    .action(async () => {
      for (const name of builtInTaskNames()) {
        const task = await loadBuiltInTask(name);
        process.stdout.write(`${name}  ${task.spec.title}: ${task.spec.agent.goal} (success ≥ ${task.spec.success.threshold}, at most ${task.spec.maxTurns} agent turns)\n`);
      }
    });
};
