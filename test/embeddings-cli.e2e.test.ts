/**
 * `reverie train --encoder embeddings:MODEL` and `reverie eval` of the checkpoint, as a user runs
 * them, against a scripted OpenAI-compatible server on loopback that answers /v1/embeddings.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reverie } from './support/reverie-cli.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  server = await startScriptedServer([{ text: 'unused' }], { dimension: 24 });
  dir = await mkdtemp(join(tmpdir(), 'reverie-embeddings-cli-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('reverie with the embeddings encoder', () => {
  it('documents the encoder in train --help', async () => {
    const { code, stdout } = await reverie('train', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('embeddings:PROVIDER:MODEL');
    expect(stdout).toContain('--embeddings-base-url');
  });

  it('trains on a dataset embedded by the server, evaluates the checkpoint, and refuses another model', async () => {
    const data = join(dir, 'data');
    expect((await reverie('imagine', '--task', 'travel', '-n', '40', '--out', data)).code).toBe(0);
    const checkpoint = join(dir, 'ilql');
    const cache = join(dir, 'cache');
    const trained = await reverie(
      'train', '--data', join(data, 'dialogues.jsonl'), '--out', checkpoint, '--steps', '40', '--hidden', '16',
      '--encoder', 'embeddings:openai-compatible:embed', '--embeddings-base-url', server.baseURL, '--embeddings-cache-dir', cache,
    );
    expect(trained.stderr).not.toContain('unexpected error');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/embeddings: \d+ texts \(0 from the cache\), \d+ requests, 0 retries/);
    const config = JSON.parse(await readFile(join(checkpoint, 'config.json'), 'utf8')) as { embedder: unknown };
    expect(config.embedder).toEqual({ kind: 'embeddings', version: 1, model: 'openai-compatible:embed', dimension: 24, baseURL: server.baseURL });

    const requestsBefore = server.embeddingRequests.length;
    const evaluated = await reverie('eval', '--task', 'travel', '--agent', `emb=${checkpoint}`, '--episodes', '4', '--out', join(dir, 'eval'), '--embeddings-cache-dir', cache);
    expect(evaluated.stderr).not.toContain('unexpected error');
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain('| emb ');
    // The simulated users said things the dataset did not hold: the agent fetched their vectors.
    expect(server.embeddingRequests.length).toBeGreaterThan(requestsBefore);

    const refused = await reverie('eval', '--task', 'travel', '--agent', `emb=${checkpoint}`, '--episodes', '4', '--out', join(dir, 'eval-other'), '--encoder', 'embeddings:openai-compatible:other', '--embeddings-base-url', server.baseURL);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('asked to act with embeddings v1, openai-compatible:other');
    expect(refused.stderr).toContain('hint: ');
  }, 120_000);
});
