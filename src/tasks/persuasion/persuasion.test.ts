import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../sim/episode.ts';
import type { Turn } from '../../task/types.ts';
import { createRng } from '../../util/rng.ts';
import { argue } from './agents.ts';
import { loadPersuasionTask } from './index.ts';
import type { PersuasionPersona } from './persona.ts';
import { concernQuestions, donorValues, pledgeAsks, pressureLines, readPitch, specificQuestions, trustArguments, valueArguments, valueQuestions } from './pitch.ts';
import { persuasionReward, replay } from './persuasion.ts';
import { createPersuasionUser } from './user.ts';

const donor = (overrides: Partial<PersuasionPersona> = {}): PersuasionPersona => ({ stance: 'undecided', value: 'impact', second: 'none', distrust: 'none', vague: false, patience: 6, ...overrides });
const conversation = (...texts: string[]): Turn[] => texts.flatMap((text) => [{ role: 'user' as const, text: 'Hi' }, { role: 'agent' as const, text }]);
const ask = pledgeAsks[0] as string;

describe('reading the volunteer’s words', () => {
  it('reads every argument as exactly its value, and each question as what it asks', () => {
    for (const value of donorValues) for (const text of valueArguments[value]) expect(readPitch(text), text).toMatchObject({ argues: [value], asksPledge: false, pressures: false });
    for (const value of donorValues) expect(readPitch(specificQuestions[value]).asksAbout).toEqual([value]);
    for (const text of trustArguments) expect(readPitch(text)).toMatchObject({ argues: [], addressesTrust: true });
    for (const text of pressureLines) expect(readPitch(text).pressures).toBe(true);
    for (const text of valueQuestions) expect(readPitch(text)).toMatchObject({ asksValues: true, asksPledge: false });
    for (const text of concernQuestions) expect(readPitch(text)).toMatchObject({ asksConcerns: true, asksPledge: false });
    for (const text of pledgeAsks) expect(readPitch(text)).toMatchObject({ asksPledge: true, asksAbout: [] });
  });

  it('finds nothing in text it cannot parse', () => {
    expect(readPitch('Nice weather today.')).toEqual({ argues: [], addressesTrust: false, pressures: false, asksAbout: [], asksValues: false, asksConcerns: false, asksPledge: false });
  });
});

describe('how openness moves', () => {
  it('moves most for the main value, less for the second, backfires otherwise, barely on repeats', () => {
    const rng = createRng(1);
    const sceptic = donor({ stance: 'sceptical', value: 'fairness', second: 'tax' });
    // 0.15 + 0.4 (fairness) + 0.2 (tax) − 0.1 (stories) + 0.02 (fairness again) = 0.67
    const state = replay(sceptic, [argue(rng, 'fairness'), argue(rng, 'tax'), argue(rng, 'stories'), argue(rng, 'fairness'), ask]);
    expect(state.openness).toBeCloseTo(0.67, 10);
    expect(state.reactions).toEqual(['moved', 'moved', 'backfired', 'unmoved', undefined]);
    expect(state).toMatchObject({ asked: true, pledged: true });
    expect(persuasionReward(sceptic, state)).toBe(1);
  });

  it('needs strong distrust answered before a pledge, and pressure backfires', () => {
    const rng = createRng(2);
    const wary = donor({ stance: 'sympathetic', distrust: 'strong' });
    expect(replay(wary, [argue(rng, 'impact'), ask])).toMatchObject({ pledged: false, trusted: false });
    expect(replay(wary, [argue(rng, 'impact'), trustArguments[0] as string, ask])).toMatchObject({ pledged: true, trusted: true });
    const pushed = replay(donor(), [pressureLines[0] as string, ask]);
    expect(pushed.openness).toBeCloseTo(0.1, 10);
    expect(pushed.pledged).toBe(false);
  });

  it('rewards a pledge with 1 and otherwise the movement toward giving, never below 0', async () => {
    const task = await loadPersuasionTask();
    const rng = createRng(3);
    const persona = donor({ stance: 'sceptical', value: 'impact' });
    // 0.15 + 0.4 = 0.55 < 0.6: declined; reward 0.4.
    expect(await task.judge(persona, conversation(argue(rng, 'impact'), ask))).toMatchObject({ reward: 0.4, success: false, reason: 'declined at openness 0.55' });
    expect((await task.judge(persona, conversation(pressureLines[0] as string, ask))).reward).toBe(0);
  });
});

describe('the simulated donor', () => {
  it('answers what matters in its own voice, vaguely when vague, and its worries', () => {
    const clear = createPersuasionUser(donor({ value: 'community', distrust: 'some' }), createRng(4));
    expect(clear.reply([]).done).toBe(false);
    expect(readPitch(clear.reply(conversation(valueQuestions[0] as string)).text).argues).toEqual(['community']);
    expect(clear.reply(conversation(concernQuestions[0] as string)).text).toMatch(/overheads/);
    expect(clear.reply(conversation(specificQuestions.tax)).text).toBe('Not really.');
    const vague = createPersuasionUser(donor({ value: 'community', vague: true }), createRng(4));
    expect(readPitch(vague.reply(conversation(valueQuestions[0] as string)).text).argues).toEqual([]);
  });

  it('decides when asked, asks to rephrase what it cannot parse, and leaves when out of patience', () => {
    const user = createPersuasionUser(donor({ patience: 2 }), createRng(5));
    expect(user.reply(conversation(ask))).toEqual({ text: "I don't think so, not today.", done: true });
    expect(user.reply(conversation('Nice weather today.')).text).toBe("Sorry, I'm not sure what you mean. I only have a minute left.");
    expect(user.reply(conversation('Hmm.', 'Well.')).done).toBe(true);
  });
});

describe('scripted volunteers', () => {
  it('the oracle wins every donor it can in one turn; the naive pitch only those moved by results', async () => {
    const task = await loadPersuasionTask();
    const movable = donor({ stance: 'undecided', value: 'stories', distrust: 'strong' });
    const oracle = await runEpisode(task, movable, task.oracle({ rng: createRng(6), persona: movable }), createRng(7));
    expect(oracle.judgement.success).toBe(true);
    expect(oracle.steps).toHaveLength(1);
    for (const value of donorValues) {
      const persona = donor({ value });
      const naive = await runEpisode(task, persona, task.naive({ rng: createRng(6), persona }), createRng(7));
      expect(naive.judgement.success).toBe(value === 'impact');
    }
  });
});
