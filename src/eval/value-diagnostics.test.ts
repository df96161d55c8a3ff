import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInTask } from '../tasks/registry.ts';
import type { AgentStepCandidate, TaskSimulator, Turn } from '../task/types.ts';
import { valueDiagnostics } from './value-diagnostics.ts';

let task: TaskSimulator<unknown>;
beforeAll(async () => {
  task = await loadBuiltInTask('countries');
});

const candidate = (text: string, advantage: number, prior: number): AgentStepCandidate => ({ text, score: prior + advantage, q: advantage, v: 0, advantage, prior, source: 'library' });

/** One France episode: Europe is confirmed, then the agent weighs three guesses and a question. */
const franceEpisode = (advantage: { france: number; germany: number; japan: number }) => {
  const turns: Turn[] = [
    { role: 'user', text: "Guess my country! I'll answer yes or no." },
    { role: 'agent', text: 'Is it in Europe?' },
    { role: 'user', text: 'Yes, Europe.' },
    { role: 'agent', text: 'My guess is Japan.' },
  ];
  const candidates = [
    candidate('My guess is France.', advantage.france, -2),
    candidate('My guess is Germany.', advantage.germany, -1.5),
    candidate('My guess is Japan.', advantage.japan, -1),
    candidate('Is it landlocked?', 0, -3),
  ];
  return { persona: { item: 'FRA', unsure: [], patience: 20 }, turns, steps: [{ text: 'Is it in Europe?' }, { text: 'My guess is Japan.', candidates }] };
};

describe('valueDiagnostics', () => {
  it('compares the right guess with the other candidates, by the judge', async () => {
    const d = await valueDiagnostics((persona, turns) => task.judge(persona, turns), [franceEpisode({ france: 0.3, germany: 0.1, japan: 0.2 })]);
    expect(d.turns).toBe(1);
    expect(d.advantageRight).toBeCloseTo(0.3);
    expect(d.advantageOthers).toBeCloseTo(0.1);
    expect(d.bestByAdvantage).toBe(1);
    expect(d.bestByPrior).toBe(0);
    expect(d.guesses).toBeUndefined();
  });

  it('with the task’s guess review, compares guesses that fit the answers with those the answers rule out', async () => {
    const judge = (persona: unknown, turns: readonly Turn[]) => task.judge(persona, turns);
    const review = task.reviewGuesses?.bind(task);
    const ranked = await valueDiagnostics(judge, [franceEpisode({ france: 0.3, germany: 0.1, japan: -0.4 })], review);
    // France and Germany fit "Yes, Europe"; Japan does not; the question is no guess.
    expect(ranked.guesses?.turns).toBe(1);
    expect(ranked.guesses?.advantageFitting).toBeCloseTo(0.2);
    expect(ranked.guesses?.advantageRuledOut).toBeCloseTo(-0.4);
    expect(ranked.guesses?.advantageGap).toBeCloseTo(0.6);
    expect(ranked.guesses?.fittingBestByAdvantage).toBe(1);
    // The prior likes Japan best of the guesses.
    expect(ranked.guesses?.fittingBestByPrior).toBe(0);
    const blind = await valueDiagnostics(judge, [franceEpisode({ france: 0, germany: 0, japan: 0.5 })], review);
    expect(blind.guesses?.advantageGap).toBeCloseTo(-0.5);
    expect(blind.guesses?.fittingBestByAdvantage).toBe(0);
  });
});
