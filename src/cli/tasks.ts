/**
 * `reverie tasks`: the built-in tasks and what each is about.
 */
import type { Command } from 'commander';
import { builtInTaskNames, loadBuiltInTask } from '../tasks/registry.ts';

export const registerTasks = (program: Command): void => {
  program
    .command('tasks')
    .description('list the built-in tasks (each runs offline; any task spec YAML file runs with --model)')
    .action(async () => {
      for (const name of builtInTaskNames()) {
        const { spec } = await loadBuiltInTask(name);
        process.stdout.write(`${name}  ${spec.title}: ${spec.agent.goal} (success ≥ ${spec.success.threshold}, at most ${spec.maxTurns} agent turns)\n`);
      }
    });
};
