/**
 * What the serve tests run against: a small imagined travel dataset on disk, a tiny ILQL
 * checkpoint trained on it in a second, and the served agents built the way `reverie serve`
 * builds them (naive, the checkpoint, and prompted agents on a scripted LLM server).
 *
 * @example
 * const fixture = await createServeFixture();
 * const server = await startServe({ agents: fixture.agents, port: 0, dialogues: fixture.dialogues });
 * await fixture.cleanup();
 */
import '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgent } from '../../src/agent/build.ts';
import { parseAgentSpec } from '../../src/agent/spec.ts';
import type { BuiltAgent } from '../../src/agent/build.ts';
import { writeJsonlAtomic } from '../../src/data/jsonl.ts';
import { createHashedEmbedder } from '../../src/embed/hashed.ts';
import { imagineDialogue } from '../../src/imagine/offline.ts';
import { createLlmClient } from '../../src/llm/client.ts';
import { parseModelRef } from '../../src/llm/model-ref.ts';
import { initBackend } from '../../src/nn/backend.ts';
import { saveCheckpoint } from '../../src/rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../../src/rl/train.ts';
import { toServedAgent } from '../../src/serve/agents.ts';
import type { ServedAgent } from '../../src/serve/completions.ts';
import { loadDialogues } from '../../src/serve/dialogues.ts';
import type { DialogueBrowser } from '../../src/serve/dialogues.ts';
import type { TaskSimulator } from '../../src/task/types.ts';
import { loadTravelTask } from '../../src/tasks/travel/index.ts';
import { startScriptedServer } from './scripted-llm-server.ts';
import type { ScriptedServer } from './scripted-llm-server.ts';

export const PROMPTED_REPLY = 'What kind of activities do you enjoy most?';

export type ServeFixture = {
  dir: string;
  dataFile: string;
  checkpoint: string;
  library: string[];
  agents: ServedAgent[];
  dialogues: DialogueBrowser;
  llmServer: ScriptedServer;
  cleanup(): Promise<void>;
};

export const createServeFixture = async (options: { dialogues?: number } = {}): Promise<ServeFixture> => {
  await initBackend('cpu');
  const dir = await mkdtemp(join(tmpdir(), 'reverie-serve-'));
  const task = (await loadTravelTask()) as TaskSimulator<unknown>;
  const data = await Promise.all(Array.from({ length: options.dialogues ?? 45 }, (_, i) => imagineDialogue(task, 1, i)));
  const dataFile = join(dir, 'dialogues.jsonl');
  await writeJsonlAtomic(dataFile, data);
  const embedder = createHashedEmbedder({ dimension: 64 });
  const model = await train(data, embedder, { ...defaultTrainOptions, steps: 3, batchSize: 32, hidden: 8 });
  const checkpoint = join(dir, 'ilql');
  await saveCheckpoint(checkpoint, model, { task: 'travel', taskVersion: 1, embedder: embedder.config });

  // The prompted agent's model "broken" answers 500, as an upstream LLM that is down.
  const llmServer = await startScriptedServer((body) => (body.model === 'broken' ? { status: 500 } : { text: PROMPTED_REPLY }));
  const llm = (name: string) => createLlmClient({ model: parseModelRef(`openai-compatible:${name}`, { baseURL: llmServer.baseURL }), env: {}, maxRetries: 0 });
  const context = { spec: task.spec, simulator: task, k: 4, beta: 4, reportCandidates: true };
  const built: BuiltAgent[] = [
    await buildAgent(parseAgentSpec('naive'), context),
    await buildAgent(parseAgentSpec(`ilql=${checkpoint}`), context),
    await buildAgent(parseAgentSpec('prompted'), { ...context, llm: llm('scripted') }),
    { ...(await buildAgent(parseAgentSpec('prompted'), { ...context, llm: llm('broken') })), name: 'broken' },
  ];
  return {
    dir,
    dataFile,
    checkpoint,
    library: model.library,
    agents: built.map((agent) => toServedAgent(agent, task)),
    dialogues: await loadDialogues(dataFile),
    llmServer,
    cleanup: async () => {
      for (const agent of built) agent.dispose();
      await llmServer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
