/**
 * Imagination overhead: what the LLM layer and the imagination engine cost on top of the model.
 * Against a scripted OpenAI-compatible server on loopback: calls/s and ms per call when the
 * server answers at once (everything measured is our overhead plus loopback HTTP), dialogues/s
 * of the whole engine, and achieved ÷ ideal throughput when every reply takes a fixed 200 ms.
 *
 * @example
 * const rows = await benchImagination({ calls: 500, dialogues: 200, runs: 5 });
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imagineWithLlm, defaultLlmImagineOptions } from '../src/imagine/llm/engine.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { resolveTaskSpec } from '../src/task/registry.ts';
import type { ResultRow } from './results.ts';
import { medianOf, repeat } from './sampling.ts';

export type ImaginationBenchOptions = { calls: number; dialogues: number; runs: number; latencyMs: number; concurrencies: readonly number[] };

const serverScript = fileURLToPath(new URL('../test/support/serve-scripted.ts', import.meta.url));

/** The server runs in a process of its own, as a real LLM server would, so its work is not counted as ours. */
const withServer = async <T>(mode: string, delayMs: number, use: (baseURL: string) => Promise<T>): Promise<T> => {
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript, mode, String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const baseURL = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`the scripted server exited with code ${code}`)));
    });
    return await use(baseURL);
  } finally {
    child.kill('SIGTERM');
  }
};

const clientFor = (baseURL: string, concurrency: number) =>
  createLlmClient({ model: { provider: 'openai-compatible', model: 'bench', baseURL }, concurrency, env: {} });

/** `calls` distinct plain completions (distinct so no layer can short-circuit them), `concurrency` at a time. */
const timeCalls = async (baseURL: string, calls: number, concurrency: number): Promise<number> => {
  const client = clientFor(baseURL, concurrency);
  const started = performance.now();
  await Promise.all(Array.from({ length: calls }, (_, index) => client.complete({ messages: [{ role: 'user', content: `request ${index}` }], seed: index })));
  return (performance.now() - started) / 1000;
};

export const benchImagination = async (options: ImaginationBenchOptions): Promise<ResultRow[]> => {
  const rows: ResultRow[] = [];
  await withServer('plain', 0, async (baseURL) => {
    for (const concurrency of [1, 16]) {
      const samples = await repeat(options.runs, `${options.calls} calls to an instant server, concurrency ${concurrency}`, async () => {
        const seconds = await timeCalls(baseURL, options.calls, concurrency);
        return { callsPerSecond: options.calls / seconds, msPerCall: (seconds * 1000) / options.calls };
      });
      rows.push({ name: `LLM calls, instant server, concurrency ${concurrency}`, values: medianOf(samples) });
    }
  });
  const spec = await resolveTaskSpec('instruction');
  await withServer(spec.name, 0, async (baseURL) => {
    const samples = await repeat(options.runs, `imagine ${options.dialogues} dialogues against an instant server`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'reverie-bench-imagine-'));
      try {
        const client = clientFor(baseURL, 16);
        const started = performance.now();
        await imagineWithLlm(client, spec, { ...defaultLlmImagineOptions, count: options.dialogues, dir, personas: Math.ceil(options.dialogues / 4) });
        const seconds = (performance.now() - started) / 1000;
        return { dialoguesPerSecond: options.dialogues / seconds, callsPerSecond: client.usage().calls / seconds, msPerCall: (seconds * 1000) / client.usage().calls };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    rows.push({ name: 'whole imagination, instant server (parallel 16)', values: medianOf(samples) });
  });
  await withServer('plain', options.latencyMs, async (baseURL) => {
    for (const concurrency of options.concurrencies) {
      // Ten waves: long enough that start-up and the last wave's stragglers weigh little.
      const calls = concurrency * 10;
      const ideal = (calls / concurrency) * (options.latencyMs / 1000);
      const samples = await repeat(options.runs, `${calls} calls, ${options.latencyMs} ms latency, concurrency ${concurrency}`, async () => {
        const seconds = await timeCalls(baseURL, calls, concurrency);
        return { callsPerSecond: calls / seconds, achievedOverIdeal: ideal / seconds };
      });
      rows.push({ name: `LLM calls, ${options.latencyMs} ms server, concurrency ${concurrency}`, values: medianOf(samples) });
    }
  });
  return rows;
};
