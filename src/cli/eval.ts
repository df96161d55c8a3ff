/**
 * `reverie eval`: parses the flags, runs `runEvaluation` (src/eval/run.ts) and prints its tables.
 * A built-in task's programmatic simulator and judge run offline; with `--model`, any task spec
 * is evaluated by an LLM user simulator and an LLM judge.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { agentHelp } from '../agent/spec.ts';
import { ReverieError } from '../errors.ts';
import { createLlmClient } from '../llm/client.ts';
import { parseModelRef } from '../llm/model-ref.ts';
import { defaultEpisodes, runEvaluation } from '../eval/run.ts';
import type { PersonaSplit } from '../sim/personas.ts';
import { onInterrupt } from './interrupt.ts';
import { addActingEncoderOptions, embeddingsAccess } from './embeddings-options.ts';
import type { EmbeddingsFlags } from './embeddings-options.ts';
import { addLlmOptions, llmSettingsFromFlags } from './llm-config.ts';
import type { LlmFlags } from './llm-config.ts';
import { collect, integer, nonNegativeNumber, positiveInteger } from './options.ts';

const split = (value: string): PersonaSplit => {
  if (value === 'test' || value === 'validation') return value;
  throw new InvalidArgumentError(`--split must be test or validation (training personas are never used for evaluation), got "${value}"`);
};

type EvalFlags = LlmFlags & EmbeddingsFlags & {
  task: string;
  agent: string[];
  episodes?: number;
  trials: number;
  seed: number;
  split: PersonaSplit;
  k?: number;
  beta?: number;
  answerChance: boolean;
  out: string;
  personas?: string;
  excludePersonas: string[];
  parallel: number;
  userModel?: string;
  judgeModel?: string;
};

export const registerEval = (program: Command): void => {
  const command = program
    .command('eval')
    .description('evaluate agents on held-out personas: a built-in task offline, or any task spec with an LLM as user simulator and judge')
    .requiredOption('--task <name|file>', 'built-in task, or a task spec YAML file (needs --model)')
    .requiredOption('--agent <spec>', 'behaviour | naive | oracle | prompted | NAME=CHECKPOINT_DIR (repeat the flag; see the agents below)', collect)
    .option('--episodes <n>', `personas per agent (default ${defaultEpisodes.simulator}; ${defaultEpisodes.llm} with --model)`, positiveInteger('--episodes'))
    .option('--trials <n>', 'episodes per persona, each with its own seed; above 1 the report adds pass^k', positiveInteger('--trials'), 1)
    .option('--seed <n>', 'seed of the evaluation personas and episodes', integer('--seed'), 1000)
    .option('--split <name>', 'persona split of a built-in simulator: test or validation', split, 'test')
    .option('--k <n>', 'proposals an ILQL agent chooses among (default: as chosen for the checkpoint in its acting.json, else 16)', positiveInteger('--k'))
    .option('--beta <x>', 'ILQL β, the weight of the advantage against the behaviour prior (default: as chosen for the checkpoint, else 4)', nonNegativeNumber('--beta'))
    .option('--no-answer-chance', 'checkpoints trained with the answer chance act without it: they may ask again what the user said they do not know (to measure what it does)')
    .option('--out <dir>', 'folder for report.md, report.html, results.json and transcripts', 'runs/eval');
  addActingEncoderOptions(command);
  addLlmOptions(command, 'evaluate with an LLM as user simulator and judge', 'temperature of the simulated user and LLM agents (default 1; the judge uses 0)')
    .option('--personas <file>', 'with --model: held-out personas to use (personas.jsonl or dialogues.jsonl, or one {summary, hidden, voice} a line) instead of sampling them')
    .option('--exclude-personas <file>', 'with --model: personas used in training (their personas.jsonl or dialogues.jsonl); no evaluation persona may nearly repeat one (repeatable)', collect, [])
    .option('--parallel <n>', 'with --model: episodes in flight at once', positiveInteger('--parallel'), 8)
    .option('--user-model <provider:model>', 'with --model: the model that plays the simulated user (and samples the personas); default --model')
    .option('--judge-model <provider:model>', 'with --model: the model that judges episodes and checks the user stayed in persona; default --model (a judge should not grade its own style)')
    .addHelpText('after', `\nAgents:\n${agentHelp()}\nWith --model the LLM plays the users and judges them; checkpoint agents choose among the data's utterances.`)
    .action(async (flags: EvalFlags) => {
      const settings = await llmSettingsFromFlags(flags, { cacheDir: join('.reverie-cache', 'llm'), temperature: 1 });
      if (settings === undefined && (flags.userModel !== undefined || flags.judgeModel !== undefined)) {
        throw new ReverieError('--user-model and --judge-model are for evaluation with an LLM', { hint: 'Add --model for the agents, or leave them out.' });
      }
      // Ctrl-C or SIGTERM cancels the LLM calls in flight; finished episodes stay in the journal.
      const interrupt = onInterrupt();
      const client = (model?: string) =>
        settings === undefined
          ? undefined
          : createLlmClient({
              ...settings.client,
              signal: interrupt.signal,
              ...(model === undefined ? {} : { model: parseModelRef(model, model.startsWith('openai-compatible:') && flags.baseUrl !== undefined ? { baseURL: flags.baseUrl } : {}) }),
            });
      const agentClient = client();
      const userClient = flags.userModel === undefined ? undefined : client(flags.userModel);
      const judgeClient = flags.judgeModel === undefined ? undefined : client(flags.judgeModel);
      const run = await runEvaluation({
        task: flags.task,
        agents: flags.agent,
        out: flags.out,
        ...(flags.episodes === undefined ? {} : { episodes: flags.episodes }),
        trials: flags.trials,
        seed: flags.seed,
        split: flags.split,
        ...(flags.k === undefined ? {} : { k: flags.k }),
        ...(flags.beta === undefined ? {} : { beta: flags.beta }),
        ...(flags.answerChance ? {} : { avoidUnanswerable: false }),
        ...(settings === undefined || agentClient === undefined
          ? {}
          : { llm: { client: agentClient, temperature: settings.temperature, ...(userClient === undefined ? {} : { userClient }), ...(judgeClient === undefined ? {} : { judgeClient }) } }),
        ...(flags.personas === undefined ? {} : { personasFile: flags.personas }),
        excludePersonas: flags.excludePersonas,
        parallel: flags.parallel,
        embeddings: embeddingsAccess(flags, interrupt.signal),
        progress: process.stderr,
        log: (line) => process.stderr.write(`${line}\n`),
      }).finally(() => interrupt.dispose());
      process.stdout.write(run.text);
    });
};
