/**
 * `reverie serve` through the official openai client and through raw HTTP: chat, streaming,
 * OpenAI-shaped errors, and requests that must be refused without stopping the server.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../src/serve/server.ts';
import type { ServeHandle } from '../src/serve/server.ts';
import type { ServedAgent } from '../src/serve/completions.ts';
import { createServeFixture, PROMPTED_REPLY } from './support/serve-fixture.ts';
import type { ServeFixture } from './support/serve-fixture.ts';

const TOKEN = 'test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const json = { 'content-type': 'application/json', ...auth };
const hello = [{ role: 'user' as const, content: 'Hi! I have a free afternoon, what should I do?' }];

let fixture: ServeFixture;
let server: ServeHandle;
let client: OpenAI;

beforeAll(async () => {
  fixture = await createServeFixture();
  server = await startServe({ agents: fixture.agents, port: 0, token: TOKEN, dialogues: fixture.dialogues, maxMessages: 50, log: () => undefined });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: TOKEN, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await fixture?.cleanup();
});

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/** Sends a raw request, returns status and body, and checks the server still answers afterwards. */
const raw = async (path: string, init: RequestInit): Promise<{ status: number; headers: Headers; body: ErrorBody }> => {
  const response = await fetch(`${server.url}${path}`, init);
  const body = (await response.json()) as ErrorBody;
  const after = await fetch(`${server.url}/v1/models`, { headers: auth });
  expect(after.status).toBe(200);
  return { status: response.status, headers: response.headers, body };
};

const post = (body: unknown) => raw('/v1/chat/completions', { method: 'POST', headers: json, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('reverie serve through the openai client', () => {
  it('lists the agents as models', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['naive', 'ilql', 'prompted', 'broken']);
    expect((await client.models.retrieve('ilql')).id).toBe('ilql');
  });

  it('answers a chat with the agent’s next utterance, and the candidates it weighed', async () => {
    const completion = await client.chat.completions.create({ model: 'ilql', messages: [{ role: 'system', content: 'ignored' }, ...hello] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('ilql');
    const text = completion.choices[0]?.message.content ?? '';
    expect(fixture.library).toContain(text);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const candidates = (completion as unknown as { reverie: { candidates: { text: string; q: number }[] } }).reverie.candidates;
    expect(candidates).toHaveLength(4);
    expect(candidates[0]?.text).toBe(text);
    expect(typeof candidates[0]?.q).toBe('number');
    const prompted = await client.chat.completions.create({ model: 'prompted', messages: hello });
    expect(prompted.choices[0]?.message.content).toBe(PROMPTED_REPLY);
  });

  it('streams chat.completion.chunk events whose content equals the non-streaming answer', async () => {
    for (const model of ['ilql', 'naive']) {
      const messages = [...hello, { role: 'assistant' as const, content: 'What do you enjoy?' }, { role: 'user' as const, content: 'Museums, indoors.' }];
      const whole = await client.chat.completions.create({ model, messages });
      const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === model)).toBe(true);
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(whole.choices[0]?.message.content);
      expect(chunks.length).toBeGreaterThan(3);
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
      expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    }
  });

  it('raises the client’s own errors: 401 for a wrong token, 404 for an unknown model, 502 when the agent’s LLM fails', async () => {
    const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    const unauthorised = await wrong.chat.completions.create({ model: 'ilql', messages: hello }).catch((error: unknown) => error);
    expect(unauthorised).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unauthorised as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');

    const missing = await client.chat.completions.create({ model: 'gpt-5', messages: hello }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('model');

    const upstream = await client.chat.completions.create({ model: 'broken', messages: hello }).catch((error: unknown) => error);
    expect(upstream).toBeInstanceOf(OpenAI.InternalServerError);
    expect((upstream as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(502);
    expect((upstream as InstanceType<typeof OpenAI.InternalServerError>).code).toBe('upstream_error');
    // …and the server keeps answering.
    expect((await client.chat.completions.create({ model: 'naive', messages: hello })).choices[0]?.message.content).toBeTruthy();
  });
});

describe('reverie serve refuses bad requests in OpenAI’s error shape and keeps serving', () => {
  it('400 for a body that is not JSON, or not an object', async () => {
    for (const body of ['{"model": "ilql", "messages": [', '[1, 2]', 'null']) {
      const { status, body: error } = await post(body);
      expect(status).toBe(400);
      expect(error.error.type).toBe('invalid_request_error');
      expect(error.error.message.length).toBeGreaterThan(0);
    }
  });

  it('400 naming the field for wrong types and unsupported values', async () => {
    const cases: [unknown, string][] = [
      [{ model: 'ilql', messages: 'hi' }, 'messages'],
      [{ model: 7, messages: hello }, 'model'],
      [{ model: 'ilql', messages: [] }, 'messages'],
      [{ model: 'ilql', messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.role'],
      [{ model: 'ilql', messages: [{ role: 'user', content: 5 }] }, 'messages.0.content'],
      [{ model: 'ilql', messages: hello, stream: 'yes' }, 'stream'],
      [{ model: 'ilql', messages: hello, n: 2 }, 'n'],
    ];
    for (const [body, param] of cases) {
      const { status, body: error } = await post(body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(error.error.param).toBe(param);
    }
  });

  it('400 for too many messages', async () => {
    const messages = Array.from({ length: 51 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: 'hi' }));
    const { status, body } = await post({ model: 'ilql', messages });
    expect(status).toBe(400);
    expect(body.error.code).toBe('too_many_messages');
  });

  it('413 for a body over the limit, whether its length is declared or it comes in chunks', async () => {
    const huge = JSON.stringify({ model: 'ilql', messages: [{ role: 'user', content: 'x'.repeat(2 << 20) }] });
    const declared = await post(huge);
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('request_too_large');
    const bytes = new TextEncoder().encode(huge);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.slice(at, at + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await raw('/v1/chat/completions', { method: 'POST', headers: json, body: chunked, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('405 with Allow for a wrong method, 415 for a wrong content type, 404 for an unknown route, 401 without the token', async () => {
    const wrongMethod = await raw('/v1/chat/completions', { method: 'GET', headers: auth });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const wrongType = await raw('/v1/chat/completions', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: JSON.stringify({ model: 'ilql', messages: hello }) });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe('unsupported_media_type');
    const nowhere = await raw('/v1/embeddings', { method: 'POST', headers: json, body: '{}' });
    expect(nowhere.status).toBe(404);
    const anonymous = await raw('/v1/models', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('pages through the dataset, and refuses a bad page query', async () => {
    const page = await fetch(`${server.url}/api/dialogues?offset=40&limit=20`, { headers: auth });
    const body = (await page.json()) as { total: number; dialogues: { id: string }[] };
    expect(body.total).toBe(45);
    expect(body.dialogues.map((dialogue) => dialogue.id)).toEqual(['travel-1-000040', 'travel-1-000041', 'travel-1-000042', 'travel-1-000043', 'travel-1-000044']);
    expect((await raw('/api/dialogues?limit=0', { headers: auth })).status).toBe(400);
    expect((await raw('/api/dialogues?sort=id', { headers: auth })).status).toBe(400);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then stops accepting', async () => {
    const slow: ServedAgent = { id: 'slow', description: 'slow', act: async () => new Promise((resolve) => setTimeout(() => resolve({ text: 'done' }), 300)) };
    const own = await startServe({ agents: [slow], port: 0, log: () => undefined });
    const pending = fetch(`${own.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'slow', messages: hello }) });
    while (own.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await own.close();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('done');
    await expect(fetch(`${own.url}/v1/models`)).rejects.toThrow();
  });
});
