import '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { EmbeddingSizeError } from '../embed/embeddings.ts';
import { createEmbeddingClient } from '../llm/embeddings.ts';
import { parseModelRef } from '../llm/model-ref.ts';
import { initBackend } from '../nn/backend.ts';
import { trainCheckpoint } from '../pipeline/train-checkpoint.ts';
import { loadCheckpoint } from '../rl/checkpoint.ts';
import { colourDialogues, colourOpening as opening, colourReply as reply, colours, colourSpec as spec } from '../../test/support/colour-task.ts';
import { buildAgent } from './build.ts';
import type { BuildContext } from './build.ts';
import { EmbedderMismatchError } from './checkpoint-agent.ts';
import { createRng } from '../util/rng.ts';
import { parseAgentSpec } from './spec.ts';

const dialogues = colourDialogues({ taskVersion: 1 });

let server: ScriptedServer;
let dir: string;
let out: string;
const texts = (): string[] => server.embeddingRequests.flatMap((request) => request.body.input as string[]);

beforeAll(async () => {
  await initBackend('cpu');
  server = await startScriptedServer([{ text: 'unused' }], { dimension: 32 });
  dir = await mkdtemp(join(tmpdir(), 'reverie-embeddings-agent-'));
  out = join(dir, 'ilql');
  const embeddingClient = createEmbeddingClient({ model: parseModelRef('openai-compatible:embed', { baseURL: server.baseURL }), env: {}, cacheDir: join(dir, 'cache') });
  await trainCheckpoint(dialogues, { algorithm: 'ilql', out, encoder: 'embeddings', embeddingClient, steps: 300, batchSize: 32, hidden: 16, inputDropout: 0 });
}, 120_000);

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const build = (embeddings: BuildContext['embeddings']) => buildAgent(parseAgentSpec(`ilql=${out}`), { spec, k: 2, beta: 4, embeddings: { cacheDir: join(dir, 'cache'), env: {}, ...embeddings } });

describe('training and acting with the embeddings encoder', () => {
  it('embeds every utterance of the dataset once, and records the model, its vector size and its server in the checkpoint', async () => {
    expect(texts().sort()).toEqual(['Here is something blue.', 'Here is something red.', 'I love blue', 'I love red']);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as { embedder: unknown; network: unknown };
    expect(config.embedder).toEqual({ kind: 'embeddings', version: 1, model: 'openai-compatible:embed', dimension: 32, baseURL: server.baseURL });
    expect(config.network).toEqual({ inputDimension: 4 * 32 + 16, hidden: 16, exchanges: true });
    const loaded = await loadCheckpoint(out, { task: 'toy' });
    expect(loaded.config.embedder).toEqual(config.embedder);
    expect(loaded.parameters.get('exchange.w1')?.shape).toEqual([4 * 32 + 16, 16]);
    for (const variable of loaded.parameters.values()) variable.dispose();
  });

  it('acts from the checkpoint: offers the loved colour, fetching only the texts it has not seen', async () => {
    const built = await build({});
    try {
      const agent = built.factory({ rng: createRng(1), persona: undefined });
      const before = server.embeddingRequests.length;
      for (const colour of colours) expect((await agent.act(opening(colour))).text).toBe(reply(colour));
      // Those openings came from the disk cache; a new one is fetched, and only it.
      expect(server.embeddingRequests.length).toBe(before);
      const step = await agent.act([{ role: 'user', text: 'I really love blue' }]);
      expect(server.embeddingRequests.slice(before).flatMap((request) => request.body.input as string[])).toEqual(['I really love blue']);
      expect(step.candidates?.map((candidate) => candidate.text).sort()).toEqual([reply('blue'), reply('red')]);
    } finally {
      built.dispose();
    }
  });

  it('refuses another embedding model, another encoder kind, and a server whose vectors have another size', async () => {
    await expect(build({ encoder: { kind: 'embeddings', model: 'openai-compatible:other-embed' } })).rejects.toThrow(EmbedderMismatchError);
    await expect(build({ encoder: { kind: 'embeddings', model: 'openai-compatible:other-embed' } })).rejects.toThrow(
      'trained with the embeddings v1, openai-compatible:embed, 32-number vectors embedder, asked to act with embeddings v1, openai-compatible:other-embed',
    );
    await expect(build({ encoder: { kind: 'hashed' } })).rejects.toThrow(EmbedderMismatchError);
    const narrow = await startScriptedServer([{ text: 'unused' }], { dimension: 16 });
    try {
      // A fresh cache: the vectors come from the other server.
      const refused = await build({ baseURL: narrow.baseURL, cacheDir: join(dir, 'other-cache') }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(EmbeddingSizeError);
      expect(refused).toMatchObject({ expected: 32, received: 16 });
    } finally {
      await narrow.close();
    }
  });
});
