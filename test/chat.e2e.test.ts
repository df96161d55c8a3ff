/**
 * `reverie chat` as a person uses it: a child process fed lines on stdin (or playing itself with
 * --persona), leaving on end of input or Ctrl-C, with the transcript saved in the dataset format.
 */
import '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dialogueSchema } from '../src/data/dialogue.ts';
import type { Dialogue } from '../src/data/dialogue.ts';
import { createHashedEmbedder } from '../src/embed/hashed.ts';
import { imagineDialogue } from '../src/imagine/offline.ts';
import { initBackend } from '../src/nn/backend.ts';
import { saveCheckpoint } from '../src/rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import { loadTravelTask } from '../src/tasks/travel/index.ts';
import { travelPersonaSchema } from '../src/tasks/travel/persona.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'reverie.mjs');
const stepSchema = z.object({ text: z.string(), candidates: z.array(z.object({ text: z.string(), score: z.number(), q: z.number(), v: z.number(), advantage: z.number(), prior: z.number() })).optional() });

type Run = { code: number | null; stdout: string; stderr: string };

/** Starts `reverie chat`; `drive` may write to stdin, wait for output and send signals. */
const chat = (args: string[], drive: (child: ReturnType<typeof spawn>, output: () => string) => Promise<void> | void, cwd?: string): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'chat', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    Promise.resolve(drive(child, () => stdout)).catch(reject);
  });

const waitFor = async (output: () => string, text: string): Promise<void> => {
  const deadline = Date.now() + 20_000;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)} in:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

const readTranscript = async (file: string): Promise<Dialogue> => dialogueSchema.parse(JSON.parse(await readFile(file, 'utf8')));

let dir: string;
let checkpoint: string;
let llm: ScriptedServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-chat-'));
  await initBackend('cpu');
  const task = await loadTravelTask();
  const data = await Promise.all(Array.from({ length: 30 }, (_, i) => imagineDialogue(task, 1, i)));
  const embedder = createHashedEmbedder({ dimension: 64 });
  checkpoint = join(dir, 'ilql');
  await saveCheckpoint(checkpoint, await train(data, embedder, { ...defaultTrainOptions, steps: 3, batchSize: 32, hidden: 8 }), { task: 'travel', taskVersion: 1, embedder: embedder.config });
  // The prompted agent answers its first turn, then never answers again: Ctrl-C must still leave.
  llm = await startScriptedServer((_body, index) => (index === 0 ? { text: 'Hello! What do you like to do?' } : { hang: true }));
});

afterAll(async () => {
  await llm?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('reverie chat', () => {
  it('talks with a person on stdin and saves the transcript under runs/chat/ by default', async () => {
    const run = await chat(['--agent', 'naive'], (child) => {
      child.stdin?.end('Hi, anything fun to do around here?\n\n  \nI mostly like museums.\n');
    }, dir);
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('you> Hi, anything fun to do around here?');
    expect(run.stdout.match(/^naive> /gm)).toHaveLength(2);
    const files = await readdir(join(dir, 'runs', 'chat'));
    expect(files).toHaveLength(1);
    const transcript = await readTranscript(join(dir, 'runs', 'chat', files[0] ?? ''));
    expect(transcript.task).toBe('travel');
    expect(transcript.turns.map((turn) => turn.role)).toEqual(['user', 'agent', 'user', 'agent']);
    expect(transcript.turns[2]?.text).toBe('I mostly like museums.');
    expect(transcript.meta).toMatchObject({ source: 'chat', mode: 'human', agent: 'naive', ended: 'end-of-input', judged: false });
    expect(run.stdout).toContain(`transcript → ${join('runs', 'chat', files[0] ?? '')}`);
  });

  it('lets the simulated user play with --persona, showing candidates and judging at the end', async () => {
    const out = join(dir, 'self-play.json');
    const run = await chat(['--agent', `ilql=${checkpoint}`, '--persona', '7', '--show-candidates', '--judge', '--k', '3', '--out', out], () => undefined);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Simulated user (persona seed 7):');
    expect(run.stdout).toMatch(/score\s+Q\s+V\s+A\s+prior\s+candidate/);
    const transcript = await readTranscript(out);
    const task = await loadTravelTask();
    const persona = travelPersonaSchema.parse(transcript.persona);
    const judgement = await task.judge(persona, transcript.turns);
    expect(transcript.reward).toBe(judgement.reward);
    expect(transcript.success).toBe(judgement.success);
    expect(run.stdout).toContain(`judge: reward ${judgement.reward.toFixed(3)}`);
    expect(transcript.meta).toMatchObject({ mode: 'persona', judged: true, personaSeed: 7 });
    expect(['user', 'turn-limit']).toContain(transcript.meta.ended);
    const steps = z.array(stepSchema).parse(transcript.meta.steps);
    expect(steps).toHaveLength(transcript.turns.filter((turn) => turn.role === 'agent').length);
    for (const step of steps) {
      expect(step.candidates).toHaveLength(3);
      expect(step.candidates?.[0]?.text).toBe(step.text);
    }
  });

  it('leaves cleanly on Ctrl-C while the prompted agent is still thinking, keeping what was said', async () => {
    const out = join(dir, 'interrupted.json');
    const args = ['--agent', 'prompted', '--model', 'openai-compatible:scripted', '--base-url', llm.baseURL, '--max-retries', '0', '--out', out];
    const run = await chat(args, async (child, output) => {
      child.stdin?.write('Hi there\n');
      await waitFor(output, 'prompted> Hello! What do you like to do?');
      child.stdin?.write('Beaches, mostly.\n');
      await waitFor(output, 'you> Beaches, mostly.');
      while (llm.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGINT');
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(interrupted)');
    const transcript = await readTranscript(out);
    expect(transcript.turns).toEqual([
      { role: 'user', text: 'Hi there' },
      { role: 'agent', text: 'Hello! What do you like to do?' },
      { role: 'user', text: 'Beaches, mostly.' },
    ]);
    expect(transcript.meta).toMatchObject({ ended: 'interrupted', agent: 'prompted openai-compatible:scripted' });
    expect(llm.requests[0]?.body.messages[0]?.content).toContain('You are a travel agent');
    // The request the agent was waiting on was cancelled, not left to run out its timeout.
    const deadline = Date.now() + 2000;
    while (llm.requests.at(-1)?.cancelledAt === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(llm.requests.at(-1)?.cancelledAt).toBeDefined();
  });
});
