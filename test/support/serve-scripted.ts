/**
 * Serves a scripted LLM on 127.0.0.1 until interrupted, in a process of its own, so the LLM paths
 * of `reverie imagine` and `reverie eval` can be tried without an API key and benchmarks measure
 * the client alone:
 *
 *   node --import tsx test/support/serve-scripted.ts [instruction|persuasion|travel|…|plain|schema] [delayMs]
 *   # prints the base URL; then, in another terminal:
 *   npx reverie imagine --task instruction --model openai-compatible:scripted --base-url <URL> -n 200 --out runs/scripted
 *   npx reverie eval --task instruction --model openai-compatible:scripted --base-url <URL> --agent prompted --agent naive --episodes 20 --out runs/scripted-eval
 *
 * `plain` answers every request with "ok"; a task name plays every step of imagination and
 * evaluation for that task (users, agents, judge), with a few of the faults real models make;
 * `schema` answers only with what each request's JSON Schema allows (random values, no knowledge
 * of the prompt), with 5% each of 429s, 500s and torn bodies.
 */
import { resolveTaskSpec } from '../../src/tasks/registry.ts';
import { evaluationScript } from './evaluation-script.ts';
import { schemaConstrainedScript } from './schema-script.ts';
import { startScriptedServer } from './scripted-llm-server.ts';
import type { Script } from './scripted-llm-server.ts';

const [mode = 'instruction', delay = '0'] = process.argv.slice(2);
const delayMs = Number(delay);
const script: Script =
  mode === 'plain'
    ? () => ({ text: 'ok', usage: { inputTokens: 10, outputTokens: 1 } })
    : mode === 'schema'
      ? schemaConstrainedScript({ rateLimited: 0.05, serverError: 0.05, garbage: 0.05 })
      : evaluationScript(await resolveTaskSpec(mode), { judgeOutOfRange: 0.1, leftPersona: 0.05 });
const server = await startScriptedServer(async (body, index, request) => {
  const reply = await script(body, index, request);
  return 'text' in reply && delayMs > 0 ? { ...reply, delayMs } : reply;
});
process.stdout.write(`${server.baseURL}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
