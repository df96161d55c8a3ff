import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import { resolveTaskSpec } from '../../tasks/registry.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { Turn } from '../../task/types.ts';
import { agentMessages, cleanReply } from '../../agent/prompt.ts';
import { judgeMessages, OPENING_CUE, personaCheckMessages, userSimulatorMessages } from './prompts.ts';
import { judgeVerdictSchema, userTurnSchema } from './schemas.ts';

let spec: TaskSpec;
const persona: StoredPersona = {
  id: 'p7',
  summary: 'A retired nurse from Lyon who wants to help her grandson with his course.',
  voice: 'chatty and warm',
  hidden: { 'supervised-learning': 'none', 'reinforcement-learning': 'heard of it', math: 'basic', 'self-assessment': 'modest', motivation: 'a grandson', patience: 'long' },
};
const turns: Turn[] = [
  { role: 'user', text: 'Hello, what is behaviour cloning?' },
  { role: 'agent', text: 'Happy to help. Have you trained a model before?' },
  { role: 'user', text: 'Never, I am afraid.' },
];

beforeAll(async () => {
  spec = await resolveTaskSpec('instruction');
});

describe('the simulated user’s prompt', () => {
  it('holds the persona, its hidden facts, the scenario and the guidelines', () => {
    const [system] = userSimulatorMessages(spec, persona, []);
    expect(system?.role).toBe('system');
    for (const text of [persona.summary, persona.voice, '- supervised-learning: none (how well they know supervised learning)', '- motivation: a grandson', spec.description, spec.user.description]) {
      expect(system?.content).toContain(text);
    }
    expect(system?.content).toContain(`You are not an assistant: you are the person described below, talking to ${spec.agent.role}`);
    expect(system?.content).toMatch(/Reveal a fact about yourself only when/);
    expect(system?.content).toMatch(/Never invent facts about yourself/);
    expect(system?.content).toContain('"done" to true');
  });

  it('swaps roles: the user’s turns are the model’s own (as JSON), the agent’s arrive as the other side', () => {
    const messages = userSimulatorMessages(spec, persona, turns);
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: OPENING_CUE },
      { role: 'assistant', content: '{"reply":"Hello, what is behaviour cloning?","done":false}' },
      { role: 'user', content: 'Happy to help. Have you trained a model before?' },
      { role: 'assistant', content: '{"reply":"Never, I am afraid.","done":false}' },
    ]);
    // The opening turn is asked for with the cue alone.
    expect(userSimulatorMessages(spec, persona, []).slice(1)).toEqual([{ role: 'user', content: OPENING_CUE }]);
  });

  it('parses the stop signal and refuses a reply without one', () => {
    expect(userTurnSchema.parse({ reply: ' Thanks! ', done: true })).toEqual({ reply: 'Thanks!', done: true });
    expect(userTurnSchema.safeParse({ reply: 'Thanks!' }).success).toBe(false);
    expect(userTurnSchema.safeParse({ reply: '  ', done: false }).success).toBe(false);
  });
});

describe('the judge’s prompt and verdict', () => {
  it('names every criterion on a 1–5 scale, the success description, failure causes, and shows persona and transcript', () => {
    const content = judgeMessages(spec, persona, turns)[1]?.content ?? '';
    for (const text of ['taskSuccess — task success and information gathering', 'naturalness —', 'helpfulness —', 'overall —', 'integer from 1 (very poor) to 5 (excellent)']) expect(content).toContain(text);
    for (const text of [spec.success.description, '"agent"', '"user-simulator"', '"task"', persona.summary, '- math: basic', '2. Agent: Happy to help. Have you trained a model before?']) expect(content).toContain(text);
  });

  it('accepts integers 1–5 only, and a failure only with its cause', () => {
    const verdict = { reasoning: 'Asked well.', ratings: { taskSuccess: 4, naturalness: 5, helpfulness: 4, overall: 4 }, success: true, failureCause: 'none' };
    expect(judgeVerdictSchema.safeParse(verdict).success).toBe(true);
    expect(judgeVerdictSchema.safeParse({ ...verdict, ratings: { ...verdict.ratings, overall: 7 } }).success).toBe(false);
    expect(judgeVerdictSchema.safeParse({ ...verdict, ratings: { ...verdict.ratings, naturalness: 0 } }).success).toBe(false);
    expect(judgeVerdictSchema.safeParse({ ...verdict, ratings: { ...verdict.ratings, helpfulness: 3.5 } }).success).toBe(false);
    expect(judgeVerdictSchema.safeParse({ ...verdict, success: false }).success).toBe(false);
    expect(judgeVerdictSchema.safeParse({ ...verdict, success: false, failureCause: 'user-simulator' }).success).toBe(true);
  });

  it('asks the persona check about the same persona and transcript', () => {
    const content = personaCheckMessages(spec, persona, turns)[1]?.content ?? '';
    expect(content).toContain(persona.summary);
    expect(content).toContain('3. User: Never, I am afraid.');
    expect(content).toContain('"leftPersona"');
  });
});

describe('the LLM agents’ prompts', () => {
  it('tell the prompted agent its role and goal but nothing hidden, and keep the roles of the conversation', () => {
    const messages = agentMessages(spec, turns, { kind: 'prompted', persona });
    expect(messages[0]?.content).toContain(`You are ${spec.agent.role}. Your goal: ${spec.agent.goal}.`);
    expect(messages[0]?.content).not.toContain(persona.summary);
    expect(messages.slice(1).map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('tell the naive agent to answer at once and the oracle the hidden persona', () => {
    expect(agentMessages(spec, turns, { kind: 'naive', persona })[0]?.content).toContain('do not ask the user any questions');
    const oracle = agentMessages(spec, turns, { kind: 'oracle', persona })[0]?.content ?? '';
    expect(oracle).toContain(persona.summary);
    expect(oracle).toContain('- supervised-learning: none');
  });

  it('strip a speaker label and quotes', () => {
    expect(cleanReply('  Agent: What do you know already? ')).toBe('What do you know already?');
    expect(cleanReply('"What do you know already?"')).toBe('What do you know already?');
    expect(cleanReply('   ')).toBe('');
  });
});
