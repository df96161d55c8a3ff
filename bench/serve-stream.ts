/**
 * How soon `reverie serve` streams an LLM-backed agent's reply (not a test): a scripted upstream
 * on 127.0.0.1 streams a 22-word reply one word every --delay ms, and an official `openai` client
 * asks serve for it with `stream: true`. Prints, as the median of --runs requests, the time to the
 * client's first content chunk against the upstream's own time to write the whole reply.
 *
 *   node --import tsx bench/serve-stream.ts [--runs 7] [--delay 50]
 */
import OpenAI from 'openai';
import { parseArgs } from 'node:util';
import { buildAgent } from '../src/agent/build.ts';
import { parseAgentSpec } from '../src/agent/spec.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { parseModelRef } from '../src/llm/model-ref.ts';
import { toServedAgent } from '../src/serve/agents.ts';
import { startServe } from '../src/serve/server.ts';
import { resolveTaskSpec } from '../src/tasks/registry.ts';
import { startScriptedServer } from '../test/support/scripted-llm-server.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '7' }, delay: { type: 'string', default: '50' } } });
const runs = Number(args.runs);
const delay = Number(args.delay);
const reply = 'Would you rather spend the afternoon outdoors by the river, or somewhere quiet with a good view over the old town today?';

const upstream = await startScriptedServer(() => ({ text: reply, chunkDelayMs: delay }));
const spec = await resolveTaskSpec('travel');
const llm = createLlmClient({ model: parseModelRef('openai-compatible:scripted', { baseURL: upstream.baseURL }), env: {}, maxRetries: 0 });
const built = await buildAgent(parseAgentSpec('prompted'), { spec, llm });
const server = await startServe({ agents: [{ ...toServedAgent(built, undefined), id: 'prompted' }], port: 0, log: () => {} });
const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'Hi, I have a free afternoon in Lisbon.' }];

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const firstChunk: number[] = [];
const clientTotal: number[] = [];
const upstreamTotal: number[] = [];
for (let run = 0; run < runs; run += 1) {
  const before = upstream.requests.length;
  const started = performance.now();
  let first = NaN;
  for await (const chunk of await client.chat.completions.create({ model: 'prompted', messages, stream: true })) {
    if ((chunk.choices[0]?.delta.content ?? '') !== '' && Number.isNaN(first)) first = performance.now() - started;
  }
  clientTotal.push(performance.now() - started);
  firstChunk.push(first);
  const request = upstream.requests[before];
  upstreamTotal.push((request?.answeredAt ?? NaN) - (request?.receivedAt ?? NaN));
}
await server.close(0);
await upstream.close();

const first = median(firstChunk);
const writing = median(upstreamTotal);
console.log(`serve → scripted upstream, 22 words at ${delay} ms each, stream: true, median of ${runs} requests`);
console.log('| first content at client (ms) | whole reply at client (ms) | upstream writing the reply (ms) | first ÷ upstream |');
console.log('|---|---|---|---|');
console.log(`| ${first.toFixed(0)} | ${median(clientTotal).toFixed(0)} | ${writing.toFixed(0)} | ${(first / writing).toFixed(2)} |`);
