import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddingOf, startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { createEmbeddingClient } from '../llm/embeddings.ts';
import { parseModelRef } from '../llm/model-ref.ts';
import type { Turn } from '../task/types.ts';
import { createEmbedder, EmbeddingsClientRequiredError, featureWidth } from './create.ts';
import { EmbeddingNotPreparedError, EmbeddingSizeError, embeddingsFeatureWidth, openEmbeddingsEmbedder, utterancesOf } from './embeddings.ts';
import { EncoderChoiceError, parseEncoderChoice } from './encoder-choice.ts';

const servers: ScriptedServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const serve = async (dimension: number) => {
  const server = await startScriptedServer([{ text: 'unused' }], { dimension });
  servers.push(server);
  return server;
};
const clientOf = (server: ScriptedServer, cacheDir?: string) =>
  createEmbeddingClient({ model: parseModelRef('openai-compatible:embed', { baseURL: server.baseURL }), env: {}, ...(cacheDir === undefined ? {} : { cacheDir }) });
const sent = (server: ScriptedServer): string[] => server.embeddingRequests.flatMap((request) => request.body.input as string[]);

const question = (answer: string): Turn[] => [
  { role: 'user', text: 'I want to guess a country.' },
  { role: 'agent', text: 'Is it in Europe?' },
  { role: 'user', text: answer },
];

describe('the embeddings encoder', () => {
  it('fetches each text once, keeps it in its table, and a second encoder finds it in the disk cache', async () => {
    const server = await serve(8);
    const cacheDir = await mkdtemp(join(tmpdir(), 'reverie-embeddings-encoder-'));
    dirs.push(cacheDir);
    const embedder = await openEmbeddingsEmbedder({ client: clientOf(server, cacheDir), texts: ['Hello there.', 'What do you like?', 'Hello there.', '   '] });
    expect(sent(server)).toEqual(['Hello there.', 'What do you like?']);
    expect(embedder.config).toEqual({ kind: 'embeddings', version: 1, model: 'openai-compatible:embed', dimension: 8 });
    expect(embedder.dimension).toBe(4 * 8 + 16);

    await embedder.prepare(['Hello there.', 'Museums, mostly.', 'What do you like?']);
    await embedder.prepare(['Museums, mostly.']);
    expect(sent(server)).toEqual(['Hello there.', 'What do you like?', 'Museums, mostly.']);
    expect(embedder.size()).toBe(3);

    const again = await openEmbeddingsEmbedder({ client: clientOf(server, cacheDir), texts: ['Museums, mostly.', 'Hello there.'], dimension: 8 });
    expect(server.embeddingRequests).toHaveLength(2);
    expect(Array.from(again.embedAction('Museums, mostly.').values)).toEqual(Array.from(embedder.embedAction('Museums, mostly.').values));
  });

  it('lays the model’s vectors out as the networks read them: dense rows, the action beside the last user utterance', async () => {
    const server = await serve(8);
    const turns = question('Yes, it is.');
    const embedder = await openEmbeddingsEmbedder({ client: clientOf(server), texts: [...turns.map((turn) => turn.text), 'Is it France?'] });
    const state = embedder.embedState(turns);
    expect(Array.from(state.indices)).toEqual(Array.from({ length: 48 }, (_, at) => at));
    const block = (values: Float32Array, at: number) => Array.from(values.subarray(at * 8, at * 8 + 8));
    const rounded = (values: number[]) => values.map((value) => Number(value.toFixed(5)));
    expect(rounded(block(state.values, 0))).toEqual(rounded(embeddingOf('Yes, it is.', 8)));
    expect(rounded(block(state.values, 1))).toEqual(rounded(embeddingOf('Is it in Europe?', 8)));
    const meanUser = embeddingOf('I want to guess a country.', 8).map((value, at) => (value + (embeddingOf('Yes, it is.', 8)[at] ?? 0)) / 2);
    expect(rounded(block(state.values, 2))).toEqual(rounded(meanUser));
    // One agent turn so far: the turn-count slot 1 is set.
    expect(Array.from(state.values.subarray(32))).toEqual([0, 1, ...Array.from({ length: 14 }, () => 0)]);
    const action = embedder.embedAction('Is it France?');
    expect(Array.from(action.indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rounded(Array.from(action.values))).toEqual(rounded(embeddingOf('Is it France?', 8)));
  });

  it('changes the state and the exchange row when the answer to the same question changes', async () => {
    const server = await serve(16);
    const yes = question('Yes.');
    const no = question('No, not at all.');
    const embedder = await openEmbeddingsEmbedder({ client: clientOf(server), texts: utterancesOf([{ turns: yes }, { turns: no }]) });
    const differ = (a: Float32Array, b: Float32Array) => a.some((value, at) => value !== b[at]);
    expect(differ(embedder.embedState(yes).values, embedder.embedState(no).values)).toBe(true);
    const [yesRow] = embedder.embedExchanges(yes);
    const [noRow] = embedder.embedExchanges(no);
    expect(yesRow !== undefined && noRow !== undefined && differ(yesRow.values, noRow.values)).toBe(true);
    // The question's half of the row stays the same: only the answer moved.
    expect(Array.from(yesRow?.values.subarray(16, 32) ?? [])).toEqual(Array.from(noRow?.values.subarray(16, 32) ?? []));
    expect(embedder.embedExchanges(yes.slice(0, 1))).toEqual([]);
  });

  it('refuses a text it was not given to prepare, and vectors of another size than it was trained with', async () => {
    const server = await serve(8);
    const embedder = await openEmbeddingsEmbedder({ client: clientOf(server), texts: ['Hi.'] });
    expect(() => embedder.embedAction('Never prepared.')).toThrow(EmbeddingNotPreparedError);
    const refused = await openEmbeddingsEmbedder({ client: clientOf(server), texts: ['Hi.'], dimension: 16 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EmbeddingSizeError);
    expect(refused).toMatchObject({ expected: 16, received: 8, model: 'openai-compatible:embed' });
    expect((refused as EmbeddingSizeError).hint).toContain('openai-compatible:embed');
  });

  it('is named on the command line as embeddings:PROVIDER:MODEL, and cannot be built from its config alone', () => {
    expect(parseEncoderChoice('embeddings:ollama:nomic-embed-text')).toEqual({ kind: 'embeddings', model: 'ollama:nomic-embed-text' });
    expect(parseEncoderChoice('hashed')).toEqual({ kind: 'hashed' });
    expect(() => parseEncoderChoice('embeddings')).toThrow(EncoderChoiceError);
    expect(() => parseEncoderChoice('embeddings:nomic')).toThrow(EncoderChoiceError);
    expect(() => parseEncoderChoice('bert')).toThrow(EncoderChoiceError);
    const config = { kind: 'embeddings', version: 1, model: 'openai:text-embedding-3-small', dimension: 1536 } as const;
    expect(featureWidth(config)).toBe(embeddingsFeatureWidth(1536));
    expect(() => createEmbedder(config)).toThrow(EmbeddingsClientRequiredError);
  });
});
