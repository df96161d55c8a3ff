import { describe, expect, it } from 'vitest';
import type { Agent, Turn } from '../task/types.ts';
import { formatCandidates, runChat } from './session.ts';
import type { ChatInput } from './session.ts';

const lines = (...texts: string[]): ChatInput => ({ next: async () => texts.shift() });
const echo: Agent = { name: 'echo', act: async (turns) => ({ text: `you said: ${turns.at(-1)?.text ?? ''}` }) };

describe('runChat', () => {
  it('alternates the person’s lines with the agent’s replies, skips blank lines and stops at /quit', async () => {
    const printed: string[] = [];
    const chat = await runChat({ agent: echo, maxTurns: 5, print: (line) => printed.push(line), signal: new AbortController().signal, showCandidates: false, input: lines('hi', '  ', 'bye', '/quit', 'never read') });
    expect(chat.ended).toBe('quit');
    expect(chat.turns.map((turn) => turn.text)).toEqual(['hi', 'you said: hi', 'bye', 'you said: bye']);
    expect(chat.steps).toHaveLength(2);
    expect(printed).toEqual(['echo> you said: hi', 'echo> you said: bye']);
  });

  it('lets the user answer the agent’s last turn, then stops at the turn limit', async () => {
    const chat = await runChat({ agent: echo, maxTurns: 1, print: () => undefined, signal: new AbortController().signal, showCandidates: false, input: lines('a', 'b', 'c') });
    expect(chat.ended).toBe('turn-limit');
    expect(chat.turns.map((turn) => turn.role)).toEqual(['user', 'agent', 'user']);
  });

  it('ends at once when interrupted while the agent is thinking, keeping what was said', async () => {
    const controller = new AbortController();
    const stuck: Agent = { name: 'stuck', act: () => new Promise(() => undefined) };
    const running = runChat({ agent: stuck, maxTurns: 5, print: () => undefined, signal: controller.signal, showCandidates: false, input: lines('hello') });
    setTimeout(() => controller.abort(), 10);
    const chat = await running;
    expect(chat.ended).toBe('interrupted');
    expect(chat.turns).toEqual([{ role: 'user', text: 'hello' } satisfies Turn]);
  });

  it('ends with the error when the agent fails, and lets the simulated user end the conversation', async () => {
    const failing: Agent = { name: 'failing', act: async () => Promise.reject(new Error('LLM down')) };
    const failed = await runChat({ agent: failing, maxTurns: 5, print: () => undefined, signal: new AbortController().signal, showCandidates: false, input: lines('hello') });
    expect([failed.ended, failed.error]).toEqual(['error', 'LLM down']);
    const user = { reply: async (turns: readonly Turn[]) => ({ text: turns.length === 0 ? 'hi' : 'thanks, bye', done: turns.length > 0 }) };
    const played = await runChat({ agent: echo, maxTurns: 5, print: () => undefined, signal: new AbortController().signal, showCandidates: false, user });
    expect(played.ended).toBe('user');
    expect(played.turns.map((turn) => turn.text)).toEqual(['hi', 'you said: hi', 'thanks, bye']);
  });
});

describe('formatCandidates', () => {
  it('marks the chosen reply and shows missing numbers as dashes', () => {
    const [header, first, second] = formatCandidates(
      [
        { text: 'ask', score: 0.5, q: 0.9, v: 0.4, advantage: 0.5, prior: -1, source: 'llm' },
        { text: 'guess', score: -2, prior: -2 },
      ],
      'ask',
    );
    expect(header).toMatch(/score\s+Q\s+V\s+A\s+prior\s+candidate/);
    expect(first).toMatch(/^ {2}\* +\+0\.500 +0\.900 +0\.400 +\+0\.500 +-1\.000 {2}\[llm\] ask$/);
    expect(second).toMatch(/^ {5}-2\.000 +– +– +– +-2\.000 {2}guess$/);
  });
});
