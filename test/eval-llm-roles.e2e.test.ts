/**
 * `reverie eval --model A --user-model B --judge-model C`: the agents run on A, the simulated user
 * (and persona sampling) on B, the judge and the persona check on C, and the report says so.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTaskSpec } from '../src/tasks/registry.ts';
import { evaluationScript } from './support/evaluation-script.ts';
import { reverie } from './support/reverie-cli.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  server = await startScriptedServer(evaluationScript(await resolveTaskSpec('instruction')));
  dir = await mkdtemp(join(tmpdir(), 'reverie-eval-roles-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const systemOf = (body: { messages: { role: string; content: string }[] }) => body.messages.find((message) => message.role === 'system')?.content ?? '';

describe('reverie eval with a user model and a judge model of their own', () => {
  it('sends each role to its model', async () => {
    const out = join(dir, 'run');
    process.env.REVERIE_API_KEY = 'sk-roles-test';
    const run = await reverie('eval', '--task', 'instruction', '--model', 'openai-compatible:agent', '--user-model', 'openai-compatible:user', '--judge-model', 'openai-compatible:judge', '--base-url', server.baseURL, '--agent', 'prompted', '--episodes', '2', '--out', out, '--cache-dir', join(out, 'cache'));
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    const byModel = (model: string) => server.requests.filter((request) => request.body.model === model).map((request) => systemOf(request.body));
    expect(byModel('judge').length).toBeGreaterThan(0);
    expect(byModel('judge').every((system) => system.includes('You rate conversations') || system.includes('stayed in character'))).toBe(true);
    expect(byModel('user').every((system) => system.includes('You play the user') || system.includes('invent realistic, varied people'))).toBe(true);
    expect(byModel('agent').length).toBeGreaterThan(0);
    expect(byModel('agent').every((system) => system.includes('You are talking with one user'))).toBe(true);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { settings: Record<string, unknown>; notes?: string[] };
    expect(results.settings).toMatchObject({ model: 'openai-compatible:agent', userModel: 'openai-compatible:user', judgeModel: 'openai-compatible:judge' });
  });

  it('refuses the role models without --model', async () => {
    const run = await reverie('eval', '--task', 'travel', '--agent', 'naive', '--judge-model', 'openai:gpt-4o', '--episodes', '2', '--out', join(dir, 'offline'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--judge-model');
  });
});
