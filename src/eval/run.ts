/**
 * What `reverie eval` does, as a library function: agents against simulated users on held-out
 * personas, with a report (report.md, report.html, results.json, transcripts) in the output
 * folder. A built-in task's own simulator and judge run offline; with an LLM, any task spec is
 * evaluated by an LLM user simulator and an LLM judge. Both resume an interrupted run from the
 * journal in the output folder.
 *
 * @example
 * const run = await runEvaluation({ task: 'travel', agents: ['naive', 'ilql=runs/demo/checkpoints/ilql'], episodes: 100, out: 'runs/eval' });
 * console.log(run.text); // the tables and where the report is
 */
import { buildAgent } from '../agent/build.ts';
import type { EmbeddingsAccess } from '../agent/checkpoint-embedder.ts';
import { defaultActing } from '../agent/checkpoint-agent.ts';
import { parseAgentSpec } from '../agent/spec.ts';
import type { ActingOptions } from '../agent/spec.ts';
import { ReverieError } from '../errors.ts';
import type { LlmClient } from '../llm/client.ts';
import { formatModelRef } from '../llm/model-ref.ts';
import { createRoutedClient } from '../llm/routed-client.ts';
import type { PersonaSplit } from '../sim/personas.ts';
import { hasSimulator, loadBuiltInTask, resolveTaskSpec } from '../tasks/registry.ts';
import { evaluateAgents } from './evaluate.ts';
import type { AgentResult } from './evaluate.ts';
import { openJournal } from './journal.ts';
import { evaluateWithLlm, llmNotes } from './llm/evaluate.ts';
import { llmMarkdown } from './llm/report-sections.ts';
import { passKTable, resultsTable, writeReport } from './report.ts';

export type EvaluationRequest = ActingOptions & {
  /** A built-in task name, a catalog file, or (with `llm`) a task spec YAML file. */
  task: string;
  /** Agent specs: behaviour, naive, oracle, prompted or NAME=CHECKPOINT_DIR (see src/agent/spec.ts). */
  agents: readonly string[];
  /** The output folder: report, results.json, transcripts, and the journal while running. */
  out: string;
  /** Personas per agent (default 500 offline, 50 with an LLM). */
  episodes?: number;
  /** Episodes per persona; above 1 the report adds pass^k (default 1). */
  trials?: number;
  /** Seed of the personas and episodes (default 1000). */
  seed?: number;
  /** Persona split of a built-in simulator (default test). */
  split?: PersonaSplit;
  /**
   * An LLM plays the users and judges them; without it, the task's own simulator does. The
   * simulated user (and persona sampling) and the judge (and persona check) may have clients of
   * their own; by default `client` plays every part.
   */
  llm?: { client: LlmClient; temperature: number; userClient?: LlmClient; judgeClient?: LlmClient };
  /** With an LLM: held-out personas to use instead of sampling them. */
  personasFile?: string;
  /** With an LLM: training personas no evaluation persona may nearly repeat. */
  excludePersonas?: readonly string[];
  /** With an LLM: episodes in flight at once (default 8). */
  parallel?: number;
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** How checkpoints trained with the `embeddings` encoder reach their model (default: as recorded in them). */
  embeddings?: EmbeddingsAccess;
  /** Lines about the run as it goes (an agent done, episodes resumed). */
  log?: (line: string) => void;
};

export type EvaluationRun = {
  task: string;
  results: AgentResult<unknown>[];
  /** The tables and where the report is, as the command prints them. */
  text: string;
};

export const defaultEpisodes = { simulator: 500, llm: 50 } as const;

/** The results as text: the table, pass^k and LLM sections when there are any, extra lines, and where the report is. */
export const evaluationText = (results: readonly AgentResult<unknown>[], out: string, extra: readonly string[] = []): string => {
  const passK = passKTable(results);
  const llm = llmMarkdown(results);
  return `${resultsTable(results)}\n${passK === '' ? '' : `\n${passK}\n`}${llm === '' ? '' : `\n${llm}\n`}${extra.map((line) => `\n${line}`).join('')}\nreport: ${out}/report.md, ${out}/report.html\n`;
};

/** How ILQL agents act in this run, for the report's notes. */
const actingNote = (request: Pick<EvaluationRequest, 'k' | 'beta' | 'avoidUnanswerable'>): string =>
  (request.k === undefined && request.beta === undefined
    ? `ILQL agents use the k and β chosen for their checkpoint (acting.json), else k = ${defaultActing.k}, β = ${defaultActing.beta}.`
    : `ILQL agents use k = ${request.k ?? 'as chosen for the checkpoint'}, β = ${request.beta ?? 'as chosen for the checkpoint'}.`) +
  (request.avoidUnanswerable === false ? ' Checkpoints act without their answer chance.' : '');

/**
 * The request's acting options, as agents get them and as journals and reports record them. Only a
 * run that turns the answer chance off records it, so journals of earlier runs still resume.
 */
const actingOf = (request: ActingOptions): ActingOptions => ({ k: request.k, beta: request.beta, ...(request.avoidUnanswerable === false ? { avoidUnanswerable: false } : {}) });

/** A built-in task's own simulator and judge, offline. */
const evaluateOffline = async (request: EvaluationRequest): Promise<EvaluationRun> => {
  if (!hasSimulator(request.task)) {
    throw new ReverieError(`task "${request.task}" has no built-in simulator, so it needs an LLM to play its users and judge them`, {
      hint: 'Pass --model provider:model (or set model in --config); the API key comes from the environment.',
    });
  }
  if (request.personasFile !== undefined || (request.excludePersonas ?? []).length > 0) {
    throw new ReverieError('--personas and --exclude-personas are for evaluation with an LLM', { hint: `Add --model, or leave them out: ${request.task}'s simulator draws held-out personas itself (--split).` });
  }
  const task = await loadBuiltInTask(request.task);
  const episodes = request.episodes ?? defaultEpisodes.simulator;
  const trials = request.trials ?? 1;
  const seed = request.seed ?? 1000;
  const split = request.split ?? 'test';
  const journal = await openJournal(request.out);
  const results: AgentResult<unknown>[] = [];
  for (const text of request.agents) {
    const spec = parseAgentSpec(text);
    const built = await buildAgent(spec, { spec: task.spec, simulator: task, ...actingOf(request), embeddings: request.embeddings });
    try {
      const settings = { mode: 'simulator', task: task.spec.name, version: task.spec.version, seed, split, agent: text, ...actingOf(request) };
      const store = journal.storeFor<unknown>(spec.name, settings);
      results.push(...(await evaluateAgents(task, [{ name: spec.name, factory: built.factory, store }], { episodes, seed, split, trials })));
    } finally {
      built.dispose();
    }
    request.log?.(`${spec.name}: done`);
  }
  if (journal.reused() > 0) request.log?.(`resumed: ${journal.reused()} episodes came from ${journal.file}`);
  await writeReport(request.out, {
    task: task.spec.name,
    results,
    settings: { episodes, trials, seed, split, ...actingOf(request), agents: request.agents },
    notes: [
      `${trials === 1 ? `${episodes} episodes per agent on ${split} personas (seed ${seed})` : `${episodes} ${split} personas per agent (seed ${seed}), each met ${trials} times with different episode seeds`}; ${actingNote(request)}`,
    ],
  });
  await journal.finish();
  return { task: task.spec.name, results, text: evaluationText(results, request.out) };
};

/** Any task spec, with an LLM playing the user and judging. */
const evaluateByLlm = async (request: EvaluationRequest, llm: NonNullable<EvaluationRequest['llm']>): Promise<EvaluationRun> => {
  const spec = await resolveTaskSpec(request.task);
  const episodes = request.episodes ?? defaultEpisodes.llm;
  const trials = request.trials ?? 1;
  const seed = request.seed ?? 1000;
  const excludePersonas = request.excludePersonas ?? [];
  const model = formatModelRef(llm.client.model);
  const userClient = llm.userClient ?? llm.client;
  const judgeClient = llm.judgeClient ?? llm.client;
  const roles = { userModel: formatModelRef(userClient.model), judgeModel: formatModelRef(judgeClient.model) };
  const separate = roles.userModel !== model || roles.judgeModel !== model;
  // The journal keys episodes by the client's model: with other role models it must name them all,
  // so that a rerun with another judge is refused rather than mixed with this one's verdicts.
  const identity = separate ? { ...llm.client.model, model: `${llm.client.model.model} (user ${roles.userModel}, judge ${roles.judgeModel})` } : llm.client.model;
  const client = createRoutedClient(llm.client, { persona: userClient, user: userClient, judge: judgeClient, 'persona-check': judgeClient }, { model: identity });
  const evaluation = await evaluateWithLlm(client, {
    spec,
    agents: request.agents.map(parseAgentSpec),
    episodes,
    trials,
    seed,
    dir: request.out,
    personasFile: request.personasFile,
    excludePersonas,
    temperature: llm.temperature,
    parallel: request.parallel ?? 8,
    acting: actingOf(request),
    ...(request.embeddings === undefined ? {} : { embeddings: request.embeddings }),
    ...(request.progress === undefined ? {} : { progress: request.progress }),
  });
  if (evaluation.resumed > 0) request.log?.(`resumed: ${evaluation.resumed} episodes came from ${evaluation.journal.file}`);
  const { usage } = evaluation;
  const usageLine = `LLM calls ${usage.calls} (${usage.cachedCalls} from cache, ${usage.retries} retries, ${usage.repairs} repairs); tokens in ${usage.inputTokens}, out ${usage.outputTokens}${usage.costUsd === undefined ? '' : `; cost $${usage.costUsd.toFixed(4)}`}`;
  await writeReport(request.out, {
    task: spec.name,
    results: evaluation.results,
    settings: {
      mode: 'llm',
      model,
      ...roles,
      temperature: llm.temperature,
      episodes,
      trials,
      seed,
      personas: evaluation.personas.source,
      excludePersonas,
      heldOut: { comparedWith: evaluation.personas.excludedAgainst, passedOver: evaluation.personas.excluded },
      agents: request.agents,
      ...actingOf(request),
      reward: '(overall - 1) / 4 - turnCost * agent turns, floored at 0',
      usage: { calls: usage.calls, cachedCalls: usage.cachedCalls, repairs: usage.repairs, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd ?? null },
    },
    notes: llmNotes(evaluation, { episodes, trials, temperature: llm.temperature, model }).map((note) =>
      !separate
        ? note
        : note.replace(`the simulated user, the judge and the LLM agents are ${model}`, `the simulated user is ${roles.userModel}, the judge ${roles.judgeModel} and the LLM agents ${model}`),
    ),
  });
  await evaluation.journal.finish();
  return { task: spec.name, results: evaluation.results, text: evaluationText(evaluation.results, request.out, [usageLine]) };
};

export const runEvaluation = async (request: EvaluationRequest): Promise<EvaluationRun> =>
  request.llm === undefined ? evaluateOffline(request) : evaluateByLlm(request, request.llm);
