/**
 * Serves the scripted evaluation LLM on 127.0.0.1 until interrupted, so `reverie eval --model`
 * can be tried without an API key (it answers imagination's prompts too):
 *
 *   node --import tsx test/support/serve-evaluation.ts [instruction|persuasion|travel] [delayMs]
 *   # prints the base URL; then, in another terminal:
 *   npx reverie eval --task instruction --model openai-compatible:scripted --base-url <URL> --agent prompted --agent naive --episodes 20 --out runs/scripted-eval
 */
import { resolveTaskSpec } from '../../src/task/registry.ts';
import { evaluationScript } from './evaluation-script.ts';
import { startScriptedServer } from './scripted-llm-server.ts';

const [task = 'instruction', delay = '0'] = process.argv.slice(2);
const delayMs = Number(delay);
const script = evaluationScript(await resolveTaskSpec(task), { judgeOutOfRange: 0.1, leftPersona: 0.05 });
const server = await startScriptedServer(async (body, index, request) => {
  const reply = await script(body, index, request);
  return 'text' in reply && delayMs > 0 ? { ...reply, delayMs } : reply;
});
process.stdout.write(`${server.baseURL}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
