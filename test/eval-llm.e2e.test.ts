/**
 * `reverie eval --model …` as a user runs it, against a scripted OpenAI-compatible server on
 * loopback: an LLM-simulated user and an LLM judge evaluate a prompted and a naive agent on the
 * spec-only `instruction` task, killed with SIGKILL mid-run and run again. The finished run holds
 * exactly the expected episodes, each once, and the same numbers as a run never interrupted.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveTaskSpec } from '../src/tasks/registry.ts';
import { evaluationScript } from './support/evaluation-script.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

const root = new URL('..', import.meta.url).pathname;
let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  const script = evaluationScript(await resolveTaskSpec('instruction'), { judgeOutOfRange: 0.2, leftPersona: 0.1 });
  // A little latency per reply, so the kill lands while episodes are in flight.
  server = await startScriptedServer(async (body, index, request) => {
    const reply = await script(body, index, request);
    return 'text' in reply ? { ...reply, delayMs: 40 } : reply;
  });
  dir = await mkdtemp(join(tmpdir(), 'reverie-eval-llm-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the command of the README; with `killAt`, SIGKILLs it once the journal holds that many episodes. */
const evaluate = (out: string, killAt?: number): Promise<Run> =>
  new Promise((resolve) => {
    const args = ['bin/reverie.mjs', 'eval', '--task', 'instruction', '--model', 'openai-compatible:scripted', '--base-url', server.baseURL, '--agent', 'prompted', '--agent', 'naive', '--episodes', '6', '--trials', '2', '--out', out, '--cache-dir', join(out, 'cache')];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, REVERIE_API_KEY: 'sk-eval-test' } });
    let stdout = '';
    let stderr = '';
    let watching = killAt !== undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code, signal) => {
      watching = false;
      resolve({ code, signal, stdout, stderr });
    });
    void (async () => {
      while (watching) {
        if ((await lines(join(out, 'episodes.journal.jsonl'))).length >= (killAt ?? 0)) {
          child.kill('SIGKILL');
          return;
        }
        await sleep(10);
      }
    })();
  });

const interval = z.object({ mean: z.number(), low: z.number(), high: z.number() });
const resultsSchema = z.object({
  task: z.string(),
  agents: z.array(
    z.object({
      name: z.string(),
      success: interval,
      reward: interval,
      episodes: z.number(),
      trials: z.number(),
      passK: z.array(interval.extend({ k: z.number() })),
      llm: z.object({ judged: z.number(), judgeFailures: z.number(), ratings: z.record(z.string(), interval), personaLeaving: interval, failureCauses: z.record(z.string(), z.number()) }).passthrough(),
    }).passthrough(),
  ),
  settings: z.object({ mode: z.literal('llm'), model: z.string(), trials: z.number() }).passthrough(),
});

const episodeKeys = async (file: string) => (await lines(file)).map((line) => { const row = JSON.parse(line) as { index: number; trial: number }; return `${row.index}/${row.trial}`; });
const expectedKeys = Array.from({ length: 6 }, (_, index) => [`${index}/0`, `${index}/1`]).flat();

describe('reverie eval with an LLM user simulator and judge', () => {
  it('is killed mid-run, resumes, and reports ratings and pass^k for exactly the expected episodes', async () => {
    const out = join(dir, 'killed');
    const killed = await evaluate(out, 3);
    expect(killed.signal).toBe('SIGKILL');
    const journal = await lines(join(out, 'episodes.journal.jsonl'));
    const keys = journal.map((line) => { const row = JSON.parse(line) as { agent: string; index: number; trial: number }; return `${row.agent}/${row.index}/${row.trial}`; });
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(keys.length).toBeLessThan(24);
    expect(new Set(keys).size).toBe(keys.length);

    const final = await evaluate(out);
    expect(final.stderr).not.toMatch(/unexpected error/);
    expect(final.code).toBe(0);
    expect(final.stderr).toContain(`resumed: ${keys.length} episodes`);
    expect(final.stderr).toMatch(/eval {2}\d+\/\d+ .*tokens in/);
    for (const agent of ['prompted', 'naive']) expect((await episodeKeys(join(out, 'episodes', `${agent}.jsonl`))).sort()).toEqual([...expectedKeys].sort());
    await expect(stat(join(out, 'episodes.journal.jsonl'))).rejects.toThrow(/ENOENT/);

    const results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    expect(results.task).toBe('instruction');
    expect(results.settings.model).toBe('openai-compatible:scripted');
    expect(results.agents.map((agent) => agent.name)).toEqual(['prompted', 'naive']);
    for (const agent of results.agents) {
      expect(agent.episodes).toBe(12);
      expect(agent.trials).toBe(2);
      expect(agent.passK.map((point) => point.k)).toEqual([1, 2]);
      expect(Object.keys(agent.llm.ratings).sort()).toEqual(['helpfulness', 'naturalness', 'overall', 'taskSuccess']);
      expect(agent.llm.judged + agent.llm.judgeFailures).toBe(12);
    }
    expect(results.agents[0]?.llm.ratings['overall']?.mean).toBeGreaterThan(results.agents[1]?.llm.ratings['overall']?.mean ?? 5);
    expect(final.stdout).toContain('pass^2 (95% CI)');
    expect(final.stdout).toContain('overall satisfaction (1–5, 95% CI)');
    expect(final.stdout).toMatch(/LLM calls \d+ \(\d+ from cache/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    for (const id of ['id="llm-ratings"', 'id="chart-pass-k"', 'id="chart-ratings"']) expect(html).toContain(id);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('Reward = (overall satisfaction − 1) / 4');
    expect((await lines(join(out, 'personas.jsonl'))).length).toBeGreaterThan(0);

    // A run never interrupted, with a cache of its own, gets the same numbers.
    const clean = join(dir, 'clean');
    expect((await evaluate(clean)).code).toBe(0);
    const numbers = (file: string) => readFile(file, 'utf8').then((text) => resultsSchema.parse(JSON.parse(text)).agents.map(({ name, success, reward, passK, llm }) => ({ name, success, reward, passK, ratings: llm.ratings, judged: llm.judged })));
    expect(await numbers(join(clean, 'results.json'))).toEqual(await numbers(join(out, 'results.json')));
  }, 60_000);
});
