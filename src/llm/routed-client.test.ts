import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { createLlmClient } from './client.ts';
import { parseModelRef } from './model-ref.ts';
import { createRoutedClient } from './routed-client.ts';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('createRoutedClient', () => {
  it('sends each purpose to its model, the rest to the default, and adds up usage', async () => {
    const server = await startScriptedServer((body) => ({ text: `from ${String(body.model)}`, usage: { inputTokens: 3, outputTokens: 2 } }));
    servers.push(server);
    const client = (model: string) => createLlmClient({ model: parseModelRef(`openai-compatible:${model}`, { baseURL: server.baseURL }), env: {} });
    const judge = client('judge-model');
    const llm = createRoutedClient(client('agent-model'), { judge, 'persona-check': judge, user: client('user-model') });
    const ask = async (purpose?: string) => (await llm.complete({ messages: [{ role: 'user', content: 'x' }], ...(purpose === undefined ? {} : { purpose }) })).text;
    expect(await ask('judge')).toBe('from judge-model');
    expect(await ask('persona-check')).toBe('from judge-model');
    expect(await ask('user')).toBe('from user-model');
    expect(await ask('agent:prompted')).toBe('from agent-model');
    expect(await ask()).toBe('from agent-model');
    expect(llm.model.model).toBe('agent-model');
    const usage = llm.usage();
    expect(usage).toMatchObject({ calls: 5, requests: 5, inputTokens: 15, outputTokens: 10 });
    expect(usage.byPurpose.judge?.calls).toBe(1);
    expect(usage.byPurpose['persona-check']?.calls).toBe(1);
    // A record keyed by the model (an evaluation's journal) can be told the roles' models too.
    const named = { provider: 'openai-compatible' as const, model: 'agent-model (user user-model, judge judge-model)', baseURL: server.baseURL };
    expect(createRoutedClient(client('agent-model'), { judge }, { model: named }).model).toEqual(named);
  });
});
