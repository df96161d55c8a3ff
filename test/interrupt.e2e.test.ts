/**
 * Ctrl-C and SIGTERM in `reverie imagine` and `reverie eval` with an LLM, as a user sends them: the
 * requests in flight are cancelled (the upstream sees its clients hang up), what was written is
 * kept whole, the command exits with 130 soon after, and running it again finishes the job with
 * nothing lost or repeated.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTaskSpec } from '../src/tasks/registry.ts';
import { evaluationScript } from './support/evaluation-script.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

const root = new URL('..', import.meta.url).pathname;
let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  const script = evaluationScript(await resolveTaskSpec('instruction'));
  // Slow replies: a signal always lands while requests are in flight.
  server = await startScriptedServer(async (body, index, request) => {
    const reply = await script(body, index, request);
    return 'text' in reply ? { ...reply, delayMs: 200 } : reply;
  });
  dir = await mkdtemp(join(tmpdir(), 'reverie-interrupt-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

type Run = { code: number | null; stdout: string; stderr: string; signalledAt?: number; exitedAt: number };

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs reverie; with `interrupt`, sends that signal once `file` holds `after` lines. */
const run = (args: string[], interrupt?: { signal: NodeJS.Signals; file: string; after: number }): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/reverie.mjs', ...args], { cwd: root, env: { ...process.env, REVERIE_API_KEY: 'sk-interrupt-test' } });
    let stdout = '';
    let stderr = '';
    let signalledAt: number | undefined;
    let running = true;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      running = false;
      resolve({ code, stdout, stderr, exitedAt: Date.now(), ...(signalledAt === undefined ? {} : { signalledAt }) });
    });
    void (async () => {
      while (interrupt !== undefined && running) {
        if ((await lines(interrupt.file)).length >= interrupt.after) {
          signalledAt = Date.now();
          child.kill(interrupt.signal);
          return;
        }
        await sleep(20);
      }
    })();
  });

describe('interrupting LLM commands', () => {
  it('imagine: Ctrl-C cancels the requests in flight, keeps the dialogues written, and a rerun finishes', async () => {
    const out = join(dir, 'imagine');
    const args = ['imagine', '--task', 'instruction', '--model', 'openai-compatible:scripted', '--base-url', server.baseURL, '-n', '10', '--personas', '10', '--parallel', '6', '--out', out, '--cache-dir', join(out, 'cache')];
    const file = join(out, 'dialogues.jsonl');
    const before = server.requests.length;
    const first = await run(args, { signal: 'SIGINT', file, after: 3 });
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('cancel');
    // The upstream saw its requests abandoned, and the command left well before they would have ended.
    const cancelled = server.requests.slice(before).filter((request) => request.cancelledAt !== undefined);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(first.exitedAt - (first.signalledAt ?? 0)).toBeLessThan(5000);
    const kept = await lines(file);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    for (const line of kept) expect(() => JSON.parse(line)).not.toThrow();

    const second = await run(args);
    expect(second.code).toBe(0);
    const ids = (await lines(file)).map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    for (const id of kept.map((line) => (JSON.parse(line) as { id: string }).id)) expect(ids).toContain(id);
  });

  it('eval: SIGTERM cancels the episodes in flight, keeps the journal, and a rerun finishes', async () => {
    const out = join(dir, 'eval');
    const args = ['eval', '--task', 'instruction', '--model', 'openai-compatible:scripted', '--base-url', server.baseURL, '--agent', 'prompted', '--episodes', '12', '--parallel', '2', '--out', out, '--cache-dir', join(out, 'cache')];
    const journal = join(out, 'episodes.journal.jsonl');
    const before = server.requests.length;
    // Twelve episodes, two at a time: on a loaded machine the signal may land a few episodes
    // late, and some must still be in flight when it does.
    const first = await run(args, { signal: 'SIGTERM', file: journal, after: 1 });
    expect(first.code).toBe(130);
    expect(server.requests.slice(before).some((request) => request.cancelledAt !== undefined)).toBe(true);
    const kept = await lines(journal);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    const second = await run(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/resumed: \d+ episodes/);
  });
});
