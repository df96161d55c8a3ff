/**
 * `reverie tasks`: the built-in tasks and what each is about, and which can run offline.
 */
import type { Command } from 'commander';
import { builtInSpecNames, hasSimulator, resolveTaskSpec } from '../task/registry.ts';

export const registerTasks = (program: Command): void => {
  program
    .command('tasks')
    .description('list the built-in tasks')
    .action(async () => {
      for (const name of builtInSpecNames()) {
        const spec = await resolveTaskSpec(name);
        const runs = hasSimulator(name) ? 'offline simulator' : 'LLM imagination only (--model)';
        process.stdout.write(`${name}  ${spec.title}: ${spec.agent.goal} (success ≥ ${spec.success.threshold}, at most ${spec.maxTurns} agent turns; ${runs})\n`);
      }
    });
};
