/**
 * `reverie eval`: agents against the task's simulated users on held-out personas, with a
 * table, report.md, results.json, report.html and every transcript. `--trials N` meets each
 * persona N times (different episode seeds) so pass^k can say how consistent an agent is.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { evaluateAgent } from '../eval/evaluate.ts';
import type { AgentResult } from '../eval/evaluate.ts';
import { passKTable, resultsTable, writeReport } from '../eval/report.ts';
import { createAgentFactory, parseAgentSpec } from '../pipeline/agents.ts';
import type { PersonaSplit } from '../sim/personas.ts';
import { loadBuiltInTask } from '../task/registry.ts';
import { collect, integer, nonNegativeNumber, positiveInteger } from './options.ts';

const split = (value: string): PersonaSplit => {
  if (value === 'test' || value === 'validation') return value;
  throw new InvalidArgumentError(`--split must be test or validation (training personas are never used for evaluation), got "${value}"`);
};

type EvalFlags = { task: string; agent: string[]; episodes: number; trials: number; seed: number; split: PersonaSplit; k: number; beta: number; out: string };

export const registerEval = (program: Command): void => {
  program
    .command('eval')
    .description('evaluate agents on held-out personas of a built-in task')
    .requiredOption('--task <name>', 'built-in task')
    .requiredOption('--agent <spec>', 'behaviour | naive | oracle | NAME=CHECKPOINT_DIR (repeat the flag)', collect)
    .option('--episodes <n>', 'personas per agent (episodes when --trials is 1)', positiveInteger('--episodes'), 500)
    .option('--trials <n>', 'episodes per persona, each with its own seed; above 1 the report adds pass^k', positiveInteger('--trials'), 1)
    .option('--seed <n>', 'seed of the evaluation personas', integer('--seed'), 1000)
    .option('--split <name>', 'persona split: test or validation', split, 'test')
    .option('--k <n>', 'proposals an ILQL agent chooses among', positiveInteger('--k'), 16)
    .option('--beta <x>', 'ILQL β: weight of the advantage against the behaviour prior', nonNegativeNumber('--beta'), 4)
    .option('--out <dir>', 'folder for report.md, report.html, results.json and transcripts', 'runs/eval')
    .action(async (flags: EvalFlags) => {
      const task = await loadBuiltInTask(flags.task);
      const specs = flags.agent.map(parseAgentSpec);
      const results: AgentResult<unknown>[] = [];
      for (const spec of specs) {
        const factory = await createAgentFactory(task, spec, { k: flags.k, beta: flags.beta });
        results.push(await evaluateAgent(task, spec.name, factory, { episodes: flags.episodes, seed: flags.seed, split: flags.split, trials: flags.trials }));
        process.stderr.write(`${spec.name}: done\n`);
      }
      await writeReport(flags.out, {
        task: task.spec.name,
        results,
        settings: { episodes: flags.episodes, trials: flags.trials, seed: flags.seed, split: flags.split, k: flags.k, beta: flags.beta, agents: flags.agent },
        notes: [
          flags.trials === 1
            ? `${flags.episodes} episodes per agent on ${flags.split} personas (seed ${flags.seed}); ILQL agents use k = ${flags.k}, β = ${flags.beta}.`
            : `${flags.episodes} ${flags.split} personas per agent (seed ${flags.seed}), each met ${flags.trials} times with different episode seeds; ILQL agents use k = ${flags.k}, β = ${flags.beta}.`,
        ],
      });
      const passK = passKTable(results);
      process.stdout.write(`${resultsTable(results)}\n${passK === '' ? '' : `\n${passK}\n`}\nreport: ${flags.out}/report.md, ${flags.out}/report.html\n`);
    });
};
