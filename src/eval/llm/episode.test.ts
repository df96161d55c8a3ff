import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationScript } from '../../../test/support/evaluation-script.ts';
import type { EvaluationFaults } from '../../../test/support/evaluation-script.ts';
import { startScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import type { ScriptedServer } from '../../../test/support/scripted-llm-server.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import { createLlmClient } from '../../llm/client.ts';
import { resolveTaskSpec } from '../../tasks/registry.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { createRng } from '../../util/rng.ts';
import { buildAgent } from '../../agent/build.ts';
import { parseAgentSpec } from '../../agent/spec.ts';
import { runLlmEpisode } from './episode.ts';
import { rewardFromVerdict } from './judge.ts';
import { createLlmUser } from './user.ts';

let spec: TaskSpec;
let dir: string;
const servers: ScriptedServer[] = [];
const persona: StoredPersona = {
  id: 'p1',
  summary: 'A 30-year-old chef from Lima who wants to switch careers.',
  voice: 'terse',
  hidden: { 'supervised-learning': 'used it', 'reinforcement-learning': 'none', math: 'comfortable', 'self-assessment': 'accurate', motivation: 'a project', patience: 'short' },
};

beforeAll(async () => {
  spec = await resolveTaskSpec('instruction');
  dir = await mkdtemp(join(tmpdir(), 'reverie-llm-episode-'));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
});

/** A server with these faults and a client without a cache, so every call reaches it. */
const setup = async (faults: Partial<EvaluationFaults> = {}) => {
  const server = await startScriptedServer(evaluationScript(spec, faults));
  servers.push(server);
  const client = createLlmClient({ model: { provider: 'openai-compatible', model: 'scripted', baseURL: server.baseURL }, env: {}, backoff: { baseMs: 1, maxMs: 5 } });
  return { server, client };
};

const episode = async (faults: Partial<EvaluationFaults>, agent = 'prompted', seed = 1) => {
  const { server, client } = await setup(faults);
  const evalAgent = await buildAgent(parseAgentSpec(agent), { spec, llm: client, proposals: 'data', temperature: 1, k: 4, beta: 1 });
  const result = await runLlmEpisode({ client, spec, persona, agent: evalAgent, rng: createRng(seed), temperature: 1 });
  return { ...result, server, client };
};

describe('runLlmEpisode', () => {
  it('lets the simulated user open, alternates until its stop signal, then judges and checks the persona', async () => {
    const { episode: run, llm, server, client } = await episode({});
    expect(run.turns.map((turn) => turn.role)).toEqual(['user', 'agent', 'user', 'agent', 'user', 'agent', 'user']);
    expect(run.turns[0]?.text).toContain('chef from Lima');
    expect(run.ended).toBe('user');
    expect(run.steps).toHaveLength(3);
    expect(llm.verdict?.ratings).toEqual({ taskSuccess: 5, naturalness: expect.any(Number), helpfulness: 4, overall: 5 });
    expect(run.judgement).toEqual({ reward: 1, success: true, reason: llm.verdict?.reasoning });
    expect(llm.personaCheck).toEqual({ leftPersona: false, problem: '' });
    // Every call of the episode — user, agent, judge, check — counted in its tokens.
    const usage = client.usage();
    expect(server.requests).toHaveLength(4 + 3 + 2);
    expect(llm.tokens).toEqual({ input: usage.inputTokens, output: usage.outputTokens });
  });

  it('gives the user a seed per episode and turn, so trials differ while a rerun repeats', async () => {
    const { server, client } = await setup();
    const user = createLlmUser(client, spec, persona, { temperature: 1, seed: 40 });
    await user.reply([]);
    await user.reply([{ role: 'user', text: 'Hi' }, { role: 'agent', text: 'Hello?' }]);
    expect(server.requests.map((request) => request.body.seed)).toEqual([40, 42]);
  });

  it('stops a user who never says done at the task’s turn cap', async () => {
    const { episode: run, llm } = await episode({ userNeverDone: true });
    expect(run.steps).toHaveLength(spec.maxTurns);
    expect(run.turns.filter((turn) => turn.role === 'agent')).toHaveLength(spec.maxTurns);
    expect(run.ended).toBe('turn-limit');
    expect(llm.verdict).toBeDefined();
  });

  it('repairs a judge score out of range through the client’s repair re-ask', async () => {
    const { llm, client, server } = await episode({ judgeOutOfRange: 1 });
    expect(client.usage().repairs).toBe(1);
    expect(llm.verdict?.ratings.overall).toBe(5);
    expect(llm.failure).toBeUndefined();
    const judgeCalls = server.requests.filter((request) => request.body.messages[0]?.content.startsWith('You rate conversations'));
    expect(judgeCalls).toHaveLength(2);
    expect(judgeCalls[1]?.body.messages.at(-1)?.content).toMatch(/That reply cannot be used: ratings\.overall/);
  });

  it('records a judge that stays out of range as a judge failure with every raw reply', async () => {
    const { episode: run, llm } = await episode({ judgeOutOfRange: 1, judgeStubborn: true });
    expect(llm.verdict).toBeUndefined();
    expect(llm.failure?.stage).toBe('judge');
    expect(llm.failure?.raw).toHaveLength(2);
    for (const raw of llm.failure?.raw ?? []) expect(raw).toContain('"overall":7');
    expect(run.judgement.success).toBe(false);
    expect(run.judgement.reason).toMatch(/^not judged: the judge's reply was unusable/);
    expect(llm.personaCheck).toEqual({ leftPersona: false, problem: '' });
  });

  it('ends the episode as a simulator failure when the user’s reply is unusable', async () => {
    const { episode: run, llm } = await episode({ userGarbage: 1 });
    expect(run.turns).toEqual([]);
    expect(llm.failure?.stage).toBe('user');
    expect(llm.failure?.raw).toEqual(['Sure! I am happy to play this user.', 'Sure! I am happy to play this user.']);
    expect(llm.verdict).toBeUndefined();
    expect(llm.personaCheck).toBeUndefined();
  });

  it('lets the naive agent answer at once, and the judge blame the agent when the user is unhappy', async () => {
    const outcomes = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => episode({}, 'naive', seed)));
    for (const { episode: run } of outcomes) expect(run.steps).toHaveLength(1);
    const failed = outcomes.filter(({ llm }) => llm.verdict?.success === false);
    expect(failed.length).toBeGreaterThan(0);
    for (const { llm } of failed) expect(llm.verdict?.failureCause).toBe('agent');
  });
});

describe('rewardFromVerdict', () => {
  const verdict = (overall: number) => ({ reasoning: '.', ratings: { taskSuccess: 3, naturalness: 3, helpfulness: 3, overall }, success: true, failureCause: 'none' as const });

  it('maps overall satisfaction 1..5 onto 0..1 and takes the turn cost off, never below 0', () => {
    expect([1, 2, 3, 4, 5].map((overall) => rewardFromVerdict(verdict(overall), spec, 3))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(rewardFromVerdict(verdict(4), { ...spec, turnCost: 0.1 }, 3)).toBeCloseTo(0.45, 12);
    expect(rewardFromVerdict(verdict(2), { ...spec, turnCost: 0.1 }, 3)).toBe(0);
  });
});
