/**
 * `reverie eval`: agents against simulated users on held-out personas, with a table, report.md,
 * results.json, report.html and every transcript. A built-in task's programmatic simulator and
 * judge run offline; with `--model`, any task spec is evaluated by an LLM user simulator and an
 * LLM judge. `--trials N` meets each persona N times so pass^k can say how consistent an agent
 * is. Both kinds resume an interrupted run from the journal in the output folder.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { defaultActing } from '../agent/checkpoint-agent.ts';
import { ReverieError } from '../errors.ts';
import { evaluateAgent } from '../eval/evaluate.ts';
import type { AgentResult } from '../eval/evaluate.ts';
import { openJournal } from '../eval/journal.ts';
import { parseLlmAgentSpec } from '../eval/llm/agents.ts';
import { evaluateWithLlm, llmNotes } from '../eval/llm/evaluate.ts';
import { llmMarkdown } from '../eval/llm/report-sections.ts';
import { passKTable, resultsTable, writeReport } from '../eval/report.ts';
import { createLlmClient } from '../llm/client.ts';
import { formatModelRef, parseModelRef } from '../llm/model-ref.ts';
import { createRoutedClient } from '../llm/routed-client.ts';
import { createAgentFactory, parseAgentSpec } from '../pipeline/agents.ts';
import type { PersonaSplit } from '../sim/personas.ts';
import { hasSimulator, loadBuiltInTask, resolveTaskSpec } from '../task/registry.ts';
import { onInterrupt } from './interrupt.ts';
import { addLlmOptions, llmSettingsFromFlags } from './llm-config.ts';
import type { LlmFlags } from './llm-config.ts';
import { collect, integer, nonNegativeNumber, positiveInteger } from './options.ts';

const split = (value: string): PersonaSplit => {
  if (value === 'test' || value === 'validation') return value;
  throw new InvalidArgumentError(`--split must be test or validation (training personas are never used for evaluation), got "${value}"`);
};

type EvalFlags = LlmFlags & {
  task: string;
  agent: string[];
  episodes?: number;
  trials: number;
  seed: number;
  split: PersonaSplit;
  k?: number;
  beta?: number;
  out: string;
  personas?: string;
  excludePersonas: string[];
  parallel: number;
  userModel?: string;
  judgeModel?: string;
};

const DEFAULT_EPISODES = { simulator: 500, llm: 50 };

const printTables = (results: readonly AgentResult<unknown>[], out: string, extra: string[] = []): void => {
  const passK = passKTable(results);
  const llm = llmMarkdown(results);
  process.stdout.write(
    `${resultsTable(results)}\n${passK === '' ? '' : `\n${passK}\n`}${llm === '' ? '' : `\n${llm}\n`}${extra.map((line) => `\n${line}`).join('')}\nreport: ${out}/report.md, ${out}/report.html\n`,
  );
};

/** A built-in task's own simulator and judge, offline. */
const evaluateBuiltIn = async (flags: EvalFlags): Promise<void> => {
  const task = await loadBuiltInTask(flags.task);
  const specs = flags.agent.map(parseAgentSpec);
  const episodes = flags.episodes ?? DEFAULT_EPISODES.simulator;
  const journal = await openJournal(flags.out);
  const results: AgentResult<unknown>[] = [];
  for (const [at, spec] of specs.entries()) {
    const factory = await createAgentFactory(task, spec, { k: flags.k, beta: flags.beta });
    const settings = { mode: 'simulator', task: task.spec.name, version: task.spec.version, seed: flags.seed, split: flags.split, agent: flags.agent[at], k: flags.k, beta: flags.beta };
    const store = journal.storeFor<unknown>(spec.name, settings);
    results.push(await evaluateAgent(task, spec.name, factory, { episodes, seed: flags.seed, split: flags.split, trials: flags.trials, store }));
    process.stderr.write(`${spec.name}: done\n`);
  }
  if (journal.reused() > 0) process.stderr.write(`resumed: ${journal.reused()} episodes came from ${journal.file}\n`);
  await writeReport(flags.out, {
    task: task.spec.name,
    results,
    settings: { episodes, trials: flags.trials, seed: flags.seed, split: flags.split, k: flags.k, beta: flags.beta, agents: flags.agent },
    notes: [
      flags.trials === 1
        ? `${episodes} episodes per agent on ${flags.split} personas (seed ${flags.seed}); ILQL agents use k = ${flags.k}, β = ${flags.beta}.`
        : `${episodes} ${flags.split} personas per agent (seed ${flags.seed}), each met ${flags.trials} times with different episode seeds; ${actingNote(flags)}`,
    ],
  });
  await journal.finish();
  printTables(results, flags.out);
};

/** Any task spec, with an LLM playing the user and judging. */
const evaluateByLlm = async (flags: EvalFlags, settings: NonNullable<Awaited<ReturnType<typeof llmSettingsFromFlags>>>): Promise<void> => {
  const spec = await resolveTaskSpec(flags.task);
  const agents = flags.agent.map(parseLlmAgentSpec);
  const episodes = flags.episodes ?? DEFAULT_EPISODES.llm;
  const interrupt = onInterrupt();
  const agentClient = createLlmClient({ ...settings.client, signal: interrupt.signal });
  // The simulated user and the judge may run on models of their own (a judge should not grade its own style).
  const roleClient = (spec: string | undefined) =>
    spec === undefined
      ? agentClient
      : createLlmClient({ ...settings.client, signal: interrupt.signal, model: parseModelRef(spec, spec.startsWith('openai-compatible:') && flags.baseUrl !== undefined ? { baseURL: flags.baseUrl } : {}) });
  const userClient = roleClient(flags.userModel);
  const judgeClient = roleClient(flags.judgeModel);
  const client = createRoutedClient(agentClient, { persona: userClient, user: userClient, judge: judgeClient, 'persona-check': judgeClient });
  const model = formatModelRef(client.model);
  const roles = { user: formatModelRef(userClient.model), judge: formatModelRef(judgeClient.model) };
  const options = {
    spec,
    agents,
    episodes,
    trials: flags.trials,
    seed: flags.seed,
    dir: flags.out,
    personasFile: flags.personas,
    excludePersonas: flags.excludePersonas,
    temperature: settings.temperature,
    parallel: flags.parallel,
    acting: { k: flags.k, beta: flags.beta },
    progress: process.stderr,
  };
  const evaluation = await evaluateWithLlm(client, options).finally(() => interrupt.dispose());
  if (evaluation.resumed > 0) process.stderr.write(`resumed: ${evaluation.resumed} episodes came from ${evaluation.journal.file}\n`);
  const { usage } = evaluation;
  const usageLine = `LLM calls ${usage.calls} (${usage.cachedCalls} from cache, ${usage.retries} retries, ${usage.repairs} repairs); tokens in ${usage.inputTokens}, out ${usage.outputTokens}${usage.costUsd === undefined ? '' : `; cost $${usage.costUsd.toFixed(4)}`}`;
  await writeReport(flags.out, {
    task: spec.name,
    results: evaluation.results,
    settings: {
      mode: 'llm',
      model,
      userModel: roles.user,
      judgeModel: roles.judge,
      temperature: settings.temperature,
      episodes,
      trials: flags.trials,
      seed: flags.seed,
      personas: evaluation.personas.source,
      excludePersonas: flags.excludePersonas,
      heldOut: { comparedWith: evaluation.personas.excludedAgainst, passedOver: evaluation.personas.excluded },
      agents: flags.agent,
      k: flags.k,
      beta: flags.beta,
      reward: '(overall - 1) / 4 - turnCost * agent turns, floored at 0',
      usage: { calls: usage.calls, cachedCalls: usage.cachedCalls, repairs: usage.repairs, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd ?? null },
    },
    notes: llmNotes(evaluation, { episodes, trials: flags.trials, temperature: settings.temperature, model }).map((note) =>
      roles.user === model && roles.judge === model ? note : note.replace(`the simulated user, the judge and the LLM agents are ${model}`, `the simulated user is ${roles.user}, the judge ${roles.judge} and the LLM agents ${model}`),
    ),
  });
  await evaluation.journal.finish();
  printTables(evaluation.results, flags.out, [usageLine]);
};

/** How ILQL agents act in this run, for the report's notes. */
const actingNote = (flags: { k?: number; beta?: number }): string =>
  flags.k === undefined && flags.beta === undefined
    ? `ILQL agents use the k and β chosen for their checkpoint (acting.json), else k = ${defaultActing.k}, β = ${defaultActing.beta}.`
    : `ILQL agents use k = ${flags.k ?? 'as chosen for the checkpoint'}, β = ${flags.beta ?? 'as chosen for the checkpoint'}.`;

export const registerEval = (program: Command): void => {
  const command = program
    .command('eval')
    .description('evaluate agents on held-out personas: a built-in task offline, or any task spec with an LLM as user simulator and judge')
    .requiredOption('--task <name|file>', 'built-in task, or a task spec YAML file (needs --model)')
    .requiredOption('--agent <spec>', 'behaviour | naive | oracle | NAME=CHECKPOINT_DIR; with --model: prompted | naive | oracle | NAME=CHECKPOINT_DIR (repeat the flag)', collect)
    .option('--episodes <n>', `personas per agent (default ${DEFAULT_EPISODES.simulator}; ${DEFAULT_EPISODES.llm} with --model)`, positiveInteger('--episodes'))
    .option('--trials <n>', 'episodes per persona, each with its own seed; above 1 the report adds pass^k', positiveInteger('--trials'), 1)
    .option('--seed <n>', 'seed of the evaluation personas and episodes', integer('--seed'), 1000)
    .option('--split <name>', 'persona split of a built-in simulator: test or validation', split, 'test')
    .option('--k <n>', 'proposals an ILQL agent chooses among (default: as chosen for the checkpoint in its acting.json, else 16)', positiveInteger('--k'))
    .option('--beta <x>', 'ILQL β, the weight of the advantage against the behaviour prior (default: as chosen for the checkpoint, else 4)', nonNegativeNumber('--beta'))
    .option('--out <dir>', 'folder for report.md, report.html, results.json and transcripts', 'runs/eval');
  addLlmOptions(command, 'evaluate with an LLM as user simulator and judge', 'temperature of the simulated user and LLM agents (default 1; the judge uses 0)')
    .option('--personas <file>', 'with --model: held-out personas to use (personas.jsonl or dialogues.jsonl, or one {summary, hidden, voice} a line) instead of sampling them')
    .option('--exclude-personas <file>', 'with --model: personas used in training (their personas.jsonl or dialogues.jsonl); no evaluation persona may nearly repeat one (repeatable)', collect, [])
    .option('--parallel <n>', 'with --model: episodes in flight at once', positiveInteger('--parallel'), 8)
    .option('--user-model <provider:model>', 'with --model: the model that plays the simulated user (and samples the personas); default --model')
    .option('--judge-model <provider:model>', 'with --model: the model that judges episodes and checks the user stayed in persona; default --model (a judge should not grade its own style)')
    .action(async (flags: EvalFlags) => {
      const settings = await llmSettingsFromFlags(flags, { cacheDir: join('.reverie-cache', 'llm'), temperature: 1 });
      if (settings !== undefined) return evaluateByLlm(flags, settings);
      if (!hasSimulator(flags.task)) {
        throw new ReverieError(`task "${flags.task}" has no built-in simulator, so it needs an LLM to play its users and judge them`, {
          hint: 'Pass --model provider:model (or set model in --config); the API key comes from the environment.',
        });
      }
      if (flags.personas !== undefined || flags.excludePersonas.length > 0 || flags.userModel !== undefined || flags.judgeModel !== undefined) {
        throw new ReverieError('--personas, --exclude-personas, --user-model and --judge-model are for evaluation with an LLM', { hint: `Add --model, or leave them out: ${flags.task}'s simulator draws held-out personas itself (--split).` });
      }
      return evaluateBuiltIn(flags);
    });
};
