// The scripted server in test/support is shared by other suites and the benchmarks; these tests
// pin the parts of its behaviour that the client tests do not reach.
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../test/support/scripted-llm-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('startScriptedServer', () => {
  it('lists models and 404s unknown routes', async () => {
    server = await startScriptedServer([{ text: 'x' }], { models: ['a', 'b'] });
    const models = (await (await fetch(`${server.baseURL}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['a', 'b']);
    expect((await fetch(`${server.origin}/v2/nothing`)).status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });

  it('records bodies with one index across both endpoints and answers in each API’s shape', async () => {
    server = await startScriptedServer((_body, index) => ({ text: `reply ${index}` }));
    const chat = (await (await post(`${server.baseURL}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] })).json()) as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { prompt_tokens: number };
    };
    const message = (await (await post(`${server.origin}/v1/messages`, { model: 'c', messages: [{ role: 'user', content: 'yo' }] })).json()) as {
      content: { text: string }[];
      stop_reason: string;
    };
    expect(chat.choices[0]).toMatchObject({ message: { content: 'reply 0' }, finish_reason: 'stop' });
    expect(chat.usage.prompt_tokens).toBeGreaterThan(0);
    expect(message).toMatchObject({ content: [{ text: 'reply 1' }], stop_reason: 'end_turn' });
    expect(server.requests.map((request) => [request.index, request.endpoint, request.body.model])).toEqual([
      [0, 'chat', 'm'],
      [1, 'messages', 'c'],
    ]);
  });

  it('sends raw bodies and error statuses with headers, and turns a throwing script into a 500', async () => {
    let calls = 0;
    server = await startScriptedServer(() => {
      calls++;
      if (calls === 1) return { raw: '{"broken":', status: 200 };
      if (calls === 2) return { status: 429, headers: { 'retry-after': '0.05' } };
      throw new Error('script bug');
    });
    const url = `${server.baseURL}/chat/completions`;
    expect(await (await post(url, { messages: [] })).text()).toBe('{"broken":');
    const limited = await post(url, { messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('0.05');
    expect(await limited.json()).toEqual({ error: { message: 'scripted 429', type: 'scripted_error', param: null, code: null } });
    const failed = await post(url, { messages: [] });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { message: string } }).error.message).toBe('script threw: script bug');
    expect(server.scriptErrors).toHaveLength(1);
  });

  it('closes promptly with a hanging request open', async () => {
    server = await startScriptedServer([{ hang: true }]);
    const pending = post(`${server.baseURL}/chat/completions`, { messages: [] }).then(
      () => 'answered',
      () => 'dropped',
    );
    while (server.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    await server.close();
    server = undefined;
    expect(await pending).toBe('dropped');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
