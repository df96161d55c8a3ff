/**
 * Serves a scripted LLM on 127.0.0.1 until interrupted, in a process of its own, so the LLM path
 * of `reverie imagine` can be tried without an API key and benchmarks measure the client alone:
 *
 *   node --import tsx test/support/serve-imagination.ts [instruction|persuasion|travel|plain] [delayMs]
 *   # prints the base URL; then, in another terminal:
 *   npx reverie imagine --task instruction --model openai-compatible:scripted --base-url <URL> -n 200 --out runs/scripted
 *
 * `plain` answers every request with "ok"; a task name plays every imagination step for that task.
 */
import { resolveTaskSpec } from '../../src/task/registry.ts';
import { imaginationScript } from './imagination-script.ts';
import { startScriptedServer } from './scripted-llm-server.ts';
import type { Script } from './scripted-llm-server.ts';

const [mode = 'instruction', delay = '0'] = process.argv.slice(2);
const delayMs = Number(delay);
const script: Script = mode === 'plain' ? () => ({ text: 'ok', usage: { inputTokens: 10, outputTokens: 1 } }) : imaginationScript(await resolveTaskSpec(mode));
const server = await startScriptedServer(async (body, index, request) => {
  const reply = await script(body, index, request);
  return 'text' in reply && delayMs > 0 ? { ...reply, delayMs } : reply;
});
process.stdout.write(`${server.baseURL}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
