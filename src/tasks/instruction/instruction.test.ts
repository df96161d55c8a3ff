import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../sim/episode.ts';
import type { Turn } from '../../task/types.ts';
import { createRng } from '../../util/rng.ts';
import { explain, readLearner } from './agents.ts';
import { explanations, levels, parts, readInstructionText } from './concept.ts';
import { loadInstructionTask } from './index.ts';
import { comprehension, gain, replay } from './learning.ts';
import type { InstructionPersona } from './persona.ts';
import { createInstructionUser } from './user.ts';

const persona = (overrides: Partial<InstructionPersona> = {}): InstructionPersona => ({
  level: 1,
  knowledge: { supervised: 1, rl: 1, math: 0 },
  selfReport: 'accurate',
  vague: false,
  patience: 6,
  ...overrides,
});

const conversation = (...agentTexts: string[]): Turn[] => agentTexts.flatMap((text) => [{ role: 'user' as const, text: 'Hi' }, { role: 'agent' as const, text }]);

describe('reading the tutor’s words', () => {
  it('reads every explanation template back as its part and level', () => {
    for (const part of parts) for (const level of levels) for (const text of explanations[part][level]) expect(readInstructionText(text).explains, text).toEqual({ part, level });
  });

  it('reads questions about prerequisites, open background questions, checks and closings', () => {
    expect(readInstructionText('Have you ever trained a classifier on labelled data?').asks).toEqual(['supervised']);
    expect(readInstructionText('Do you know what a policy is? And how comfortable are you with probability?').asks).toEqual(['rl', 'math']);
    expect(readInstructionText('Could you tell me a bit about your background?')).toMatchObject({ asks: [], asksOpen: true, explains: undefined });
    expect(readInstructionText('Does that make sense?')).toMatchObject({ checks: true, explains: undefined });
    expect(readInstructionText(`${explanations.why[1][0]} Hope that helps!`)).toMatchObject({ closes: true, explains: { part: 'why', level: 1 } });
  });

  it('finds nothing in text it cannot parse', () => {
    expect(readInstructionText('The weather is lovely today.')).toEqual({ asks: [], asksOpen: false, explains: undefined, checks: false, closes: false });
  });
});

describe('what the learner takes from explanations', () => {
  it('gains by the gap between explanation and learner level', () => {
    expect(gain(1)).toEqual({ understanding: 0, reaction: 'confused' });
    expect(gain(0)).toEqual({ understanding: 1, reaction: 'understood' });
    expect(gain(-1)).toEqual({ understanding: 0.7, reaction: 'bored' });
    expect(gain(-2)).toEqual({ understanding: 0.4, reaction: 'bored' });
  });

  it('needs what it is before why it fails, and keeps the best of repeated explanations', () => {
    const rng = createRng(1);
    const learner = persona({ level: 1 });
    expect(replay(learner, [explain(rng, 'why', 1)])).toMatchObject({ what: 0, why: 0, reactions: ['lost-basics'] });
    const learning = replay(learner, [explain(rng, 'what', 2), explain(rng, 'what', 1), explain(rng, 'why', 0)]);
    expect(learning).toEqual({ what: 1, why: 0.7, reactions: ['confused', 'understood', 'bored'] });
    // 0.6 · 1 + 0.4 · 0.7 = 0.88
    expect(comprehension(learning)).toBeCloseTo(0.88, 10);
  });

  it('judges comprehension against the threshold, with the turn cost', async () => {
    const task = await loadInstructionTask();
    const rng = createRng(2);
    const learner = persona({ level: 2 });
    const good = await task.judge(learner, conversation(explain(rng, 'what', 2), explain(rng, 'why', 2, true)));
    expect(good).toMatchObject({ reward: 1, success: true });
    const tooSimple = await task.judge(learner, conversation(explain(rng, 'what', 1), explain(rng, 'why', 1, true)));
    expect(tooSimple.reward).toBeCloseTo(0.7, 10);
    expect(tooSimple.success).toBe(false);
    expect((await task.judge(learner, conversation('Hello there.'))).reward).toBe(0);
  });
});

describe('the simulated learner', () => {
  it('opens, answers questions in its own account of itself, and inflates it when overconfident', () => {
    const honest = createInstructionUser(persona({ knowledge: { supervised: 0, rl: 1, math: 2 } }), createRng(3));
    expect(honest.reply([]).text).toMatch(/behaviour cloning/);
    const reply = honest.reply(conversation('Have you worked with supervised learning before?')).text;
    expect(readLearner([{ role: 'user', text: reply }]).reported).toEqual({ supervised: 0 });
    const bragger = createInstructionUser(persona({ knowledge: { supervised: 0, rl: 1, math: 2 }, selfReport: 'overconfident' }), createRng(3));
    expect(readLearner([{ role: 'user', text: bragger.reply(conversation('Have you worked with supervised learning before?')).text }]).reported).toEqual({ supervised: 1 });
  });

  it('is vague about its background when asked openly, plain when not', () => {
    const ask = conversation('What do you already know about machine learning?');
    expect(readLearner([{ role: 'user', text: createInstructionUser(persona({ vague: true }), createRng(4)).reply(ask).text }]).reported).toEqual({});
    expect(Object.keys(readLearner([{ role: 'user', text: createInstructionUser(persona(), createRng(4)).reply(ask).text }]).reported).sort()).toEqual(['math', 'rl', 'supervised']);
  });

  it('says when it is lost, asks about its weakest prerequisite, and answers a check honestly', () => {
    const rng = createRng(5);
    const user = createInstructionUser(persona({ level: 0, knowledge: { supervised: 1, rl: 0, math: 1 } }), rng);
    const lost = user.reply(conversation(explain(rng, 'what', 2)));
    expect(lost).toEqual({ text: "Sorry, I'm lost. What's a policy?", done: false });
    expect(user.reply(conversation(explain(rng, 'what', 2), 'Is that clear so far?')).text).toBe('Not really, I got lost.');
    expect(user.reply(conversation('Is that clear so far?')).text).toBe("Check what? You haven't explained anything yet.");
  });

  it('asks the tutor to rephrase what it cannot parse, and leaves when its patience runs out', () => {
    const user = createInstructionUser(persona({ patience: 2 }), createRng(6));
    expect(user.reply(conversation('The weather is lovely today.')).text).toMatch(/^Sorry, I'm not sure what you mean\..* Could we speed this up a bit\?$/);
    expect(user.reply(conversation('Hmm.', 'Well.')).done).toBe(true);
  });
});

describe('scripted tutors', () => {
  it('the oracle succeeds with every learner in two turns; the naive tutor only at the middle level', async () => {
    const task = await loadInstructionTask();
    for (const level of levels) {
      const learner = persona({ level });
      const oracle = await runEpisode(task, learner, task.oracle({ rng: createRng(7), persona: learner }), createRng(8));
      expect(oracle.judgement).toMatchObject({ reward: 1, success: true });
      expect(oracle.steps).toHaveLength(2);
      const naive = await runEpisode(task, learner, task.naive({ rng: createRng(7), persona: learner }), createRng(8));
      expect(naive.judgement.success).toBe(level === 1);
    }
  });
});
