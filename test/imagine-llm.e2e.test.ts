/**
 * `reverie imagine --model …` as a user runs it, against a scripted OpenAI-compatible server on
 * loopback: killed with SIGKILL at arbitrary moments and run again until it finishes, the dataset
 * ends with exactly the requested dialogues, each once, and no torn line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTaskSpec } from '../src/tasks/registry.ts';
import { createRng } from '../src/util/rng.ts';
import { imaginationScript } from './support/imagination-script.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

const root = new URL('..', import.meta.url).pathname;
let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  const script = imaginationScript(await resolveTaskSpec('instruction'));
  // A little latency per reply, so a kill lands while requests are in flight.
  server = await startScriptedServer(async (body, index, request) => {
    const reply = await script(body, index, request);
    return 'text' in reply ? { ...reply, delayMs: 25 } : reply;
  });
  dir = await mkdtemp(join(tmpdir(), 'reverie-imagine-kill-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

const imagine = (out: string, killAfterMs?: number): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['bin/reverie.mjs', 'imagine', '--task', 'instruction', '--model', 'openai-compatible:scripted', '--base-url', server.baseURL, '-n', '60', '--personas', '12', '--parallel', '4', '--out', out, '--cache-dir', join(out, 'cache')],
      { cwd: root, env: { ...process.env, REVERIE_API_KEY: 'sk-kill-test' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n');

describe('reverie imagine with an LLM, killed and resumed', () => {
  it('finishes with exactly the requested unique dialogues after SIGKILLs', async () => {
    const out = join(dir, 'run');
    const rng = createRng(7);
    let kills = 0;
    for (let attempt = 0; attempt < 8 && kills < 3; attempt += 1) {
      const run = await imagine(out, 1200 + rng.int(0, 1200));
      if (run.signal !== 'SIGKILL') break;
      kills += 1;
    }
    const final = await imagine(out);
    expect(final.stderr).not.toMatch(/unexpected error/);
    expect(final.code).toBe(0);
    expect(kills).toBeGreaterThan(0);
    const dialogues = (await lines(join(out, 'dialogues.jsonl'))).filter((line) => line !== '');
    const ids = dialogues.map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    const dropped = (await lines(join(out, 'dropped.jsonl'))).filter((line) => line !== '').map((line) => (JSON.parse(line) as { id: string }).id);
    expect(new Set([...ids, ...dropped]).size).toBe(ids.length + dropped.length);
    expect(final.stdout).toContain('personas kept');
    expect(final.stdout).toMatch(/→ .*dialogues\.jsonl/);
  }, 60_000);
});
