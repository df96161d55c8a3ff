/**
 * `reverie eval`: agents against the task's simulated users on held-out personas, with a
 * table, report.md, results.json and every transcript.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { evaluateAgent } from '../eval/evaluate.ts';
import type { AgentResult } from '../eval/evaluate.ts';
import { resultsTable, writeReport } from '../eval/report.ts';
import { createAgentFactory, parseAgentSpec } from '../pipeline/agents.ts';
import type { PersonaSplit } from '../sim/personas.ts';
import { loadBuiltInTask } from '../task/registry.ts';
import { collect, integer, nonNegativeNumber, positiveInteger } from './options.ts';

const split = (value: string): PersonaSplit => {
  if (value === 'test' || value === 'validation') return value;
  throw new InvalidArgumentError(`--split must be test or validation (training personas are never used for evaluation), got "${value}"`);
};

type EvalFlags = { task: string; agent: string[]; episodes: number; seed: number; split: PersonaSplit; k: number; beta: number; out: string };

export const registerEval = (program: Command): void => {
  program
    .command('eval')
    .description('evaluate agents on held-out personas of a built-in task')
    .requiredOption('--task <name>', 'built-in task')
    .requiredOption('--agent <spec>', 'behaviour | naive | oracle | NAME=CHECKPOINT_DIR (repeat the flag)', collect)
    .option('--episodes <n>', 'episodes per agent', positiveInteger('--episodes'), 500)
    .option('--seed <n>', 'seed of the evaluation personas', integer('--seed'), 1000)
    .option('--split <name>', 'persona split: test or validation', split, 'test')
    .option('--k <n>', 'proposals an ILQL agent chooses among', positiveInteger('--k'), 16)
    .option('--beta <x>', 'ILQL β: weight of the advantage against the behaviour prior', nonNegativeNumber('--beta'), 4)
    .option('--out <dir>', 'folder for report.md, results.json and transcripts', 'runs/eval')
    .action(async (flags: EvalFlags) => {
      const task = await loadBuiltInTask(flags.task);
      const specs = flags.agent.map(parseAgentSpec);
      const results: AgentResult<unknown>[] = [];
      for (const spec of specs) {
        const factory = await createAgentFactory(task, spec, { k: flags.k, beta: flags.beta });
        results.push(await evaluateAgent(task, spec.name, factory, { episodes: flags.episodes, seed: flags.seed, split: flags.split }));
        process.stderr.write(`${spec.name}: done\n`);
      }
      await writeReport(flags.out, {
        task: task.spec.name,
        results,
        settings: { episodes: flags.episodes, seed: flags.seed, split: flags.split, k: flags.k, beta: flags.beta, agents: flags.agent },
        notes: [`${flags.episodes} episodes per agent on ${flags.split} personas (seed ${flags.seed}); ILQL agents use k = ${flags.k}, β = ${flags.beta}.`],
      });
      process.stdout.write(`${resultsTable(results)}\n\nreport: ${flags.out}/report.md\n`);
    });
};
