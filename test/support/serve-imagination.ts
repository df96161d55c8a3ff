/**
 * Serves the scripted imagination LLM on 127.0.0.1 until interrupted, so the LLM path of
 * `reverie imagine` can be tried and measured without an API key:
 *
 *   node --import tsx test/support/serve-imagination.ts [task] [delayMs]
 *   # prints the base URL; then, in another terminal:
 *   npx reverie imagine --task instruction --model openai-compatible:scripted --base-url <URL> -n 200 --out runs/scripted
 */
import { resolveTaskSpec } from '../../src/task/registry.ts';
import { imaginationScript } from './imagination-script.ts';
import { startScriptedServer } from './scripted-llm-server.ts';

const [task = 'instruction', delay = '0'] = process.argv.slice(2);
const script = imaginationScript(await resolveTaskSpec(task));
const delayMs = Number(delay);
const server = await startScriptedServer(async (body, index, request) => {
  const reply = await script(body, index, request);
  return 'text' in reply && delayMs > 0 ? { ...reply, delayMs } : reply;
});
process.stdout.write(`${server.baseURL}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
