/**
 * Evaluation by LLM for any task spec: held-out personas (sampled or from a file), then every
 * (agent, persona, trial) episode against the LLM user simulator, judged by the LLM judge, with
 * several episodes in flight at once. Each finished episode goes to the journal at once, so a
 * killed run resumes where it stopped; the replies it already paid for come from the client's
 * disk cache. Progress shows episodes, rate, ETA, tokens and cost.
 *
 * @example
 * const evaluation = await evaluateWithLlm(client, { spec, agents: [parseAgentSpec('prompted')], episodes: 50, trials: 1, seed: 1000, dir: 'runs/eval', exclude: [], temperature: 1, parallel: 8, acting: { k: 16, beta: 4 } });
 * await writeReport('runs/eval', { task: spec.name, results: evaluation.results, settings: {}, notes: llmNotes(evaluation) });
 */
import { ReverieError } from '../../errors.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import type { LlmClient, UsageTotals } from '../../llm/client.ts';
import { formatModelRef } from '../../llm/model-ref.ts';
import { buildAgent } from '../../agent/build.ts';
import type { EmbeddingsAccess } from '../../agent/checkpoint-embedder.ts';
import type { BuiltAgent } from '../../agent/build.ts';
import type { ActingOptions, AgentSpec } from '../../agent/spec.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { createProgress } from '../../util/progress.ts';
import { createRng } from '../../util/rng.ts';
import { evaluate } from '../evaluate.ts';
import type { AgentResult, EpisodeStore } from '../evaluate.ts';
import { openJournal } from '../journal.ts';
import type { Journal } from '../journal.ts';
import { runLlmEpisode } from './episode.ts';
import { evaluationPersonas } from './personas.ts';
import type { EvaluationPersonas } from './personas.ts';
import { summariseLlm } from './summary.ts';

export type LlmEvaluationOptions = {
  spec: TaskSpec;
  /** Agent specs (spec.ts): prompted, naive, oracle or NAME=CHECKPOINT_DIR. */
  agents: readonly AgentSpec[];
  /** Personas each agent meets. */
  episodes: number;
  /** Episodes per persona; above 1 the report adds pass^k. */
  trials: number;
  seed: number;
  /** The output folder: journal, sampled personas. */
  dir: string;
  personasFile?: string | undefined;
  excludePersonas: readonly string[];
  /** For the simulated user, LLM agents and persona sampling. */
  temperature: number;
  /** Episodes in flight at once (the client separately limits requests in flight). */
  parallel: number;
  acting: ActingOptions;
  /** How checkpoints trained with the `embeddings` encoder reach their model. */
  embeddings?: EmbeddingsAccess;
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
};

export type LlmEvaluation = {
  results: AgentResult<StoredPersona>[];
  personas: EvaluationPersonas;
  /** Episodes an interrupted run had finished, taken from the journal. */
  resumed: number;
  usage: UsageTotals;
  journal: Journal;
};

export class LlmEvaluationError extends ReverieError {
  override readonly name = 'LlmEvaluationError';
}

/** What shapes an agent's episodes; a journal written with anything else is not resumed. */
const agentSettings = (client: LlmClient, options: LlmEvaluationOptions, agent: AgentSpec) => ({
  mode: 'llm',
  task: options.spec,
  model: formatModelRef(client.model),
  temperature: options.temperature,
  seed: options.seed,
  agent: agent.checkpoint === undefined ? agent.name : `${agent.name}=${agent.checkpoint}`,
  ...(agent.checkpoint === undefined ? {} : { acting: options.acting }),
});

export const evaluateWithLlm = async (client: LlmClient, options: LlmEvaluationOptions): Promise<LlmEvaluation> => {
  const names = options.agents.map((agent) => agent.name);
  const twice = names.find((name, at) => names.indexOf(name) !== at);
  if (twice !== undefined) throw new LlmEvaluationError(`agent "${twice}" is named twice`, { hint: 'Give each --agent its own name (NAME=CHECKPOINT_DIR for checkpoints).' });
  const personas = await evaluationPersonas(client, options.spec, {
    count: options.episodes,
    seed: options.seed,
    dir: options.dir,
    file: options.personasFile,
    exclude: options.excludePersonas,
    temperature: options.temperature,
  });
  const journal = await openJournal(options.dir);
  // Checkpoint agents choose among the data's utterances here: the evaluation measures the trained policy, not the proposer.
  const context = { spec: options.spec, llm: client, proposals: 'data' as const, temperature: options.temperature, k: options.acting.k, beta: options.acting.beta, avoidUnanswerable: options.acting.avoidUnanswerable, embeddings: options.embeddings };
  const agents = await Promise.all(options.agents.map((spec) => buildAgent(spec, context)));
  try {
    const stores: EpisodeStore<StoredPersona>[] = options.agents.map((agent) => journal.storeFor(agent.name, agentSettings(client, options, agent)));
    let progress: ReturnType<typeof createProgress> | undefined;
    let judgeFailures = 0;
    const extras = () => {
      const usage = client.usage();
      return { 'judge failures': judgeFailures, 'tokens in': usage.inputTokens, 'tokens out': usage.outputTokens, ...(usage.costUsd === undefined ? {} : { cost: `$${usage.costUsd.toFixed(2)}` }) };
    };
    try {
      const results = await evaluate<StoredPersona>({
        agents: names,
        persona: (index) => personas.personas[index] as StoredPersona,
        episodes: personas.personas.length,
        trials: options.trials,
        stores,
        parallel: options.parallel,
        run: async ({ agent, index, trial, persona }) => {
          // The episode's seeds depend on persona and trial only, so every agent meets the same users.
          const rng = createRng(options.seed).fork(`llm-episode-${index}-trial-${trial}`);
          const { episode, llm } = await runLlmEpisode({ client, spec: options.spec, persona, agent: agents[agent] as BuiltAgent, rng, temperature: options.temperature });
          return { index, trial, persona, episode, llm };
        },
        onStart: (pending) => {
          if (options.progress !== undefined) progress = createProgress({ label: 'eval', total: pending, stream: options.progress });
        },
        onEpisode: (record) => {
          if (record.llm?.failure?.stage === 'judge') judgeFailures += 1;
          progress?.tick(1, extras());
        },
        summarise: summariseLlm,
      });
      return { results, personas, resumed: journal.reused(), usage: client.usage(), journal };
    } finally {
      progress?.done(extras());
    }
  } finally {
    for (const agent of agents) agent.dispose();
  }
};

/** The lines under the report's table that say how this evaluation was run. */
export const llmNotes = (evaluation: LlmEvaluation, options: Pick<LlmEvaluationOptions, 'episodes' | 'trials' | 'temperature'> & { model: string }): string[] => {
  const { personas } = evaluation;
  const unusable = evaluation.results.reduce((sum, result) => sum + (result.llm?.judgeFailures ?? 0) + (result.llm?.simulatorFailures ?? 0), 0);
  return [
    `${options.episodes} held-out personas per agent from ${personas.source}${options.trials > 1 ? `, each met ${options.trials} times with different seeds` : ''}; ` +
      `the simulated user, the judge and the LLM agents are ${options.model} (temperature ${options.temperature}; the judge and the persona check 0).`,
    personas.excludedAgainst > 0
      ? `Held out: no evaluation persona nearly repeats (word overlap ≥ 0.6) any of the ${personas.excludedAgainst} training personas given with --exclude-personas; ${personas.excluded} were passed over.`
      : 'Held out only by sampling: these personas were drawn with seeds imagination does not use, but no training personas were given (--exclude-personas) to check them against.',
    'Reward = (overall satisfaction − 1) / 4 minus the task’s cost per agent turn, floored at 0; success is the judge’s verdict on the task’s success description. Ratings are integers 1–5 (mean, Student t 95% interval clipped to the scale).',
    ...(unusable > 0 ? [`${unusable} episode(s) could not be judged (an unusable judge or simulator reply, even after a repair request); they are counted apart and left out of every mean, and their raw replies are in episodes/<agent>.jsonl.`] : []),
  ];
};
