/**
 * Imagination overhead: what the LLM layer and the imagination engine cost on top of the model.
 * Against a scripted OpenAI-compatible server on loopback: calls/s and ms per call when the
 * server answers at once, beside a bare `fetch` of the same requests in the same run (loopback
 * HTTP and the server's own work, with no client library), so the difference is our overhead;
 * dialogues/s of the whole engine; and achieved ÷ ideal throughput when every reply takes a
 * fixed 200 ms.
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
import { resolveTaskSpec } from '../src/tasks/registry.ts';
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

/** The same requests by bare `fetch`, `concurrency` workers each sending its next when the last returns. */
const timeFetches = async (baseURL: string, calls: number, concurrency: number): Promise<number> => {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const index = next++;
        const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: `request ${index}` }], seed: index });
        const response = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await response.json();
      }
    }),
  );
  return (performance.now() - started) / 1000;
};

export const benchImagination = async (options: ImaginationBenchOptions): Promise<ResultRow[]> => {
  const rows: ResultRow[] = [];
  await withServer('plain', 0, async (baseURL) => {
    for (const concurrency of [1, 16]) {
      const per = (seconds: number) => ({ callsPerSecond: options.calls / seconds, msPerCall: (seconds * 1000) / options.calls });
      const bare = medianOf(await repeat(options.runs, `${options.calls} bare fetches to an instant server, concurrency ${concurrency}`, async () => per(await timeFetches(baseURL, options.calls, concurrency))));
      const ours = medianOf(await repeat(options.runs, `${options.calls} calls to an instant server, concurrency ${concurrency}`, async () => per(await timeCalls(baseURL, options.calls, concurrency))));
      rows.push({ name: `bare fetch (baseline), instant server, concurrency ${concurrency}`, values: bare });
      rows.push({ name: `LLM calls, instant server, concurrency ${concurrency}`, values: { ...ours, overheadMs: (ours.msPerCall ?? NaN) - (bare.msPerCall ?? NaN) } });
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
      // Twenty waves: the first wave leaves in a burst that the client and the server each work
      // through one request at a time (about 0.5 ms apiece), a one-off delay of some 60 ms at
      // concurrency 64 that a long imagination run does not see again; over twenty waves it weighs
      // about 1.5%, over ten twice that.
      const calls = concurrency * 20;
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
