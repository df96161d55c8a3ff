/**
 * Reverie as a library: the same functions the `reverie` command runs, typed. Load a task,
 * imagine conversations, train an agent on them, act with it, evaluate it against simulated
 * users, serve it. Every function writes its results as plain files (JSONL, safetensors, JSON,
 * Markdown), like the command line.
 *
 * @example
 * import { imagineOffline, loadTask, runEvaluation, trainCheckpoint } from 'reverie';
 * const task = await loadTask('travel');
 * const { dialogues } = await imagineOffline(task, { count: 1000, seed: 1, file: 'run/dialogues.jsonl' });
 * await trainCheckpoint(dialogues, { algorithm: 'ilql', steps: 300, out: 'run/ilql' });
 * console.log((await runEvaluation({ task: 'travel', agents: ['naive', 'ilql=run/ilql'], episodes: 100, out: 'run/eval' })).text);
 */

// Tasks: built-in names, catalog files and task spec files.
export { builtInTaskNames, hasSimulator, loadBuiltInTask as loadTask, resolveTaskSpec, UnknownTaskError } from './tasks/registry.ts';
export { loadTaskSpecFile, parseTaskSpec, TaskSpecError } from './task/load.ts';
export type { TaskSpec } from './task/spec.ts';
export type { Agent, AgentFactory, AgentStep, AgentStepCandidate, Judgement, Role, TaskSimulator, Turn, UserReply, UserSimulator } from './task/types.ts';

// Imagining: offline from a task's simulator, or with an LLM for any task spec.
export { imagineDialogue, imagineOffline } from './imagine/offline.ts';
export type { OfflineImagineOptions } from './imagine/offline.ts';
export { defaultLlmImagineOptions, imagineWithLlm } from './imagine/llm/engine.ts';
export type { LlmImagineOptions } from './imagine/llm/engine.ts';
export { readJsonl, writeJsonlAtomic } from './data/jsonl.ts';
export { dialogueSchema } from './data/dialogue.ts';
export type { Dialogue } from './data/dialogue.ts';

// Training: utterance-level ILQL, BC and filtered BC; token-level ILQL and BC.
export { datasetTask, readDataset, trainCheckpoint } from './pipeline/train-checkpoint.ts';
export type { TrainCheckpointOptions, TrainedCheckpoint } from './pipeline/train-checkpoint.ts';
export { defaultTrainOptions, train } from './rl/train.ts';
export type { Algorithm, TrainedModel, TrainOptions } from './rl/train.ts';
export { loadCheckpoint, saveCheckpoint } from './rl/checkpoint.ts';
export type { LoadedCheckpoint } from './rl/checkpoint.ts';
export { createEmbedder, embedderKinds } from './embed/create.ts';
export { createHashedEmbedder } from './embed/hashed.ts';
export type { EmbedderConfig, EmbedderKind } from './embed/embedder.ts';
export { EmbeddingNotPreparedError, EmbeddingSizeError, openEmbeddingsEmbedder, utterancesOf } from './embed/embeddings.ts';
export type { EmbeddingsEmbedder, OpenEmbeddingsOptions } from './embed/embeddings.ts';
export { parseEncoderChoice } from './embed/encoder-choice.ts';
export type { EncoderChoice } from './embed/encoder-choice.ts';
export { defaultTokenTrainOptions, tokenAlgorithms, tokenTrainOptions } from './token/train-options.ts';
export { trainTokenModel } from './token/trainer.ts';

// Acting: one builder for every agent name (see agentMeanings).
export { behaviourMixture, buildAgent, createAgentFactory } from './agent/build.ts';
export type { BuildContext, BuiltAgent } from './agent/build.ts';
export { agentMeanings, AgentSpecError, parseAgentSpec } from './agent/spec.ts';
export type { ActingOptions, AgentSpec } from './agent/spec.ts';
export { checkpointAgentFactory, createCheckpointAgent, EmbedderMismatchError } from './agent/checkpoint-agent.ts';
export { checkpointEmbedder } from './agent/checkpoint-embedder.ts';
export type { EmbeddingsAccess } from './agent/checkpoint-embedder.ts';
export { createPromptedAgent, EmptyReplyError } from './agent/prompted.ts';

// Episodes and evaluation.
export { converse, runEpisode } from './sim/episode.ts';
export type { Conversation, Episode } from './sim/episode.ts';
export { personaSplit, samplePersonaIn } from './sim/personas.ts';
export type { PersonaSplit } from './sim/personas.ts';
export { evaluate, evaluateAgent, evaluateAgents, evaluationPersona, summarise } from './eval/evaluate.ts';
export type { AgentResult, EpisodeRecord, EvaluateOptions, EvaluationOptions } from './eval/evaluate.ts';
export { evaluateWithLlm } from './eval/llm/evaluate.ts';
export { evaluationText, runEvaluation } from './eval/run.ts';
export type { EvaluationRequest, EvaluationRun } from './eval/run.ts';
export { passKTable, resultsTable, writeReport } from './eval/report.ts';
export type { Interval } from './eval/stats.ts';

// The whole method offline, as `reverie demo` runs it.
export { defaultDemoOptions, runDemo } from './pipeline/demo.ts';
export type { DemoOptions } from './pipeline/demo.ts';

// Talking and serving.
export { runChat } from './chat/session.ts';
export type { ChatOptions, ChatResult } from './chat/session.ts';
export { startServe } from './serve/server.ts';
export type { ServeHandle, ServeOptions } from './serve/server.ts';
export { toServedAgent } from './serve/agents.ts';

// LLMs: OpenAI, Anthropic and any OpenAI-compatible server.
export { createLlmClient } from './llm/client.ts';
export type { LlmClient, LlmClientOptions } from './llm/client.ts';
export { createEmbeddingClient } from './llm/embeddings.ts';
export type { EmbeddingClient, EmbeddingClientOptions } from './llm/embeddings.ts';
export { parseModelRef } from './llm/model-ref.ts';

// Utilities and errors.
export { createRng } from './util/rng.ts';
export type { Rng } from './util/rng.ts';
export { ReverieError } from './errors.ts';
