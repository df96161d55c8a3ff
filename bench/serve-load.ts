/**
 * Load on `reverie serve` (not a test): the server runs in its own process with an offline agent
 * (an ILQL checkpoint choosing among the data's utterances), and N clients on loopback send chat
 * completions back to back for a while. Prints requests/s, errors, latency p50/p99 and the
 * server's memory after the run.
 *
 *   node --import tsx bench/serve-load.ts [--checkpoint DIR] [--clients 16] [--seconds 10] [--k 16] [--stream]
 *
 * Without --checkpoint a small ILQL model is trained first (1000 imagined travel dialogues, 300 steps).
 */
import '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHashedEmbedder } from '../src/embed/hashed.ts';
import { imagineDialogue } from '../src/imagine/offline.ts';
import { initBackend } from '../src/nn/backend.ts';
import { saveCheckpoint } from '../src/rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import { loadTravelTask } from '../src/tasks/travel/index.ts';

const { values: args } = parseArgs({
  options: { checkpoint: { type: 'string' }, clients: { type: 'string', default: '16' }, seconds: { type: 'string', default: '10' }, k: { type: 'string', default: '16' }, stream: { type: 'boolean', default: false } },
});
const clients = Number(args.clients);
const seconds = Number(args.seconds);
const bin = join(import.meta.dirname, '..', 'bin', 'reverie.mjs');

const trainSmall = async (dir: string): Promise<string> => {
  process.stderr.write('training a small ILQL model (1000 dialogues, 300 steps)…\n');
  await initBackend();
  const task = await loadTravelTask();
  const data = await Promise.all(Array.from({ length: 1000 }, (_, i) => imagineDialogue(task, 1, i)));
  const embedder = createHashedEmbedder({ dimension: 1024 });
  const folder = join(dir, 'ilql');
  await saveCheckpoint(folder, await train(data, embedder, { ...defaultTrainOptions, steps: 300 }), { task: 'travel', taskVersion: 1, embedder: embedder.config });
  return folder;
};

/** Conversations of 1 to 4 user turns, so states (and the work per request) vary. */
const userLines = ['Hi! Anything fun to do today?', 'Something outdoors, I think.', 'I like food and markets.', 'Not too expensive please.', 'Relaxed, nothing sporty.', 'Museums, mostly.'];
const conversation = (i: number) => {
  const messages: { role: 'user' | 'assistant'; content: string }[] = [];
  for (let turn = 0; turn <= i % 4; turn += 1) {
    if (turn > 0) messages.push({ role: 'assistant', content: 'What kinds of activities do you enjoy?' });
    messages.push({ role: 'user', content: userLines[(i + turn) % userLines.length] ?? '' });
  }
  return messages;
};

const memory = async (pid: number): Promise<string> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const field = (name: string) => Number(/(\d+) kB/.exec(status.split('\n').find((line) => line.startsWith(name)) ?? '')?.[1] ?? NaN) / 1024;
  return `RSS ${field('VmRSS:').toFixed(0)} MB (peak ${field('VmHWM:').toFixed(0)} MB)`;
};

const dir = await mkdtemp(join(tmpdir(), 'reverie-serve-load-'));
const checkpoint = args.checkpoint ?? (await trainSmall(dir));
const server = spawn(process.execPath, [bin, 'serve', '--agent', `ilql=${checkpoint}`, '--port', '0', '--k', String(args.k)], { stdio: ['ignore', 'pipe', 'inherit'] });
let banner = '';
server.stdout.on('data', (chunk: Buffer) => (banner += chunk.toString()));
while (!/at (http:\/\/\S+)\/v1/.test(banner)) {
  if (server.exitCode !== null) throw new Error(`reverie serve exited with ${server.exitCode}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const url = `${/at (http:\/\/\S+)\/v1/.exec(banner)?.[1]}/v1/chat/completions`;
process.stderr.write(`${banner.split('\n')[0]}; before load: ${await memory(server.pid ?? 0)}\n`);

const latencies: number[] = [];
let errors = 0;
let counter = 0;
const until = performance.now() + seconds * 1000;
const client = async () => {
  while (performance.now() < until) {
    const started = performance.now();
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'ilql', stream: args.stream, messages: conversation(counter++) }) });
      await response.text();
      if (response.status === 200) latencies.push(performance.now() - started);
      else errors += 1;
    } catch {
      errors += 1;
    }
  }
};
const began = performance.now();
await Promise.all(Array.from({ length: clients }, client));
const elapsed = (performance.now() - began) / 1000;
const after = await memory(server.pid ?? 0);
server.kill('SIGTERM');
await new Promise((resolve) => server.on('close', resolve));
await rm(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
process.stdout.write(
  `${clients} clients, ${elapsed.toFixed(1)} s, k = ${args.k}${args.stream ? ', streaming' : ''}: ${latencies.length} ok, ${errors} errors, ` +
    `${(latencies.length / elapsed).toFixed(0)} requests/s, latency p50 ${quantile(0.5).toFixed(1)} ms, p99 ${quantile(0.99).toFixed(1)} ms; server after load: ${after}\n`,
);
