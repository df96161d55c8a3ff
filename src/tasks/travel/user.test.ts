import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Turn } from '../../task/types.ts';
import { createRng } from '../../util/rng.ts';
import type { Rng } from '../../util/rng.ts';
import type { RecommendationCatalog } from '../catalog/model.ts';
import { attributeNamed } from '../catalog/model.ts';
import { valuesMentioned as mentionedIn } from '../catalog/reading.ts';
import { readBeliefs as readBeliefsIn } from '../catalog/recommend/beliefs.ts';
import type { Belief } from '../catalog/recommend/beliefs.ts';
import { createRecommendationUser } from '../catalog/recommend/user.ts';
import { loadTravelCatalog } from './index.ts';
import { travelPersonaSchema } from './persona.ts';
import type { TravelPersona } from './persona.ts';

let catalog: RecommendationCatalog;
beforeAll(async () => {
  catalog = await loadTravelCatalog();
});

const createTravelUser = (who: TravelPersona, rng: Rng, threshold: number) => createRecommendationUser(catalog, who, rng, threshold);
const valuesMentioned = (text: string, attribute: string) => mentionedIn(attributeNamed(catalog, attribute), text);
const readBeliefs = (turns: Turn[]) => {
  const { attributes, hurry } = readBeliefsIn(catalog, turns);
  return { kind: attributes.kind as Belief, setting: attributes.setting as Belief, pace: attributes.pace as Belief, cost: attributes.cost as Belief, hurry };
};

const persona = (overrides: Partial<TravelPersona> = {}): TravelPersona =>
  travelPersonaSchema.parse({ kind: 'food', setting: 'indoor', pace: 'relaxed', cost: 'moderate', vague: false, patience: 10, ...overrides });

const threshold = 0.8;
const opening: Turn = { role: 'user', text: "Hi! I'm looking for something to do." };

/** The user's reply after the agent says `agentText`, following `before` earlier agent turns. */
const replyTo = (who: TravelPersona, agentText: string, seed = 1, before: string[] = []) => {
  const turns: Turn[] = [opening];
  for (const text of before) turns.push({ role: 'agent', text }, { role: 'user', text: 'Hmm.' });
  turns.push({ role: 'agent', text: agentText });
  return createTravelUser(who, createRng(seed), threshold).reply(turns);
};

const seeds = fc.integer({ min: 0, max: 1_000_000 });

describe('the opening', () => {
  it('is not done and mentions being short on time exactly when patience ≤ 3', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), seeds, (patience, seed) => {
        const reply = createTravelUser(persona({ patience }), createRng(seed), threshold).reply([]);
        expect(reply.done).toBe(false);
        expect(reply.text.length).toBeGreaterThan(0);
        expect(reply.text.includes('short on time')).toBe(patience <= 3);
      }),
    );
  });

  it('is the same for the same seed', () => {
    const a = createTravelUser(persona(), createRng(7), threshold).reply([]);
    const b = createTravelUser(persona(), createRng(7), threshold).reply([]);
    expect(a).toEqual(b);
  });
});

describe('answering questions', () => {
  it('a vague user answers an open kind question without naming any kind', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const reply = replyTo(persona({ vague: true }), 'What kinds of activities do you enjoy?', seed);
        expect(reply.done).toBe(false);
        expect(valuesMentioned(reply.text, 'kind')).toEqual([]);
      }),
    );
  });

  it('a vague user still picks the right option from an options question', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const reply = replyTo(persona({ vague: true }), 'Would you prefer museums, hiking or food?', seed);
        expect(reply.done).toBe(false);
        expect(valuesMentioned(reply.text, 'kind')).toEqual(['food']);
      }),
    );
  });

  it('a clear user names their kind to an open question', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const reply = replyTo(persona({ kind: 'wellness' }), 'What sort of things do you like to do when you travel?', seed);
        expect(valuesMentioned(reply.text, 'kind')).toEqual(['wellness']);
        expect(readBeliefs([{ role: 'agent', text: 'What sort of things do you like to do?' }, { role: 'user', text: reply.text }]).kind.known).toBe(
          'wellness',
        );
      }),
    );
  });

  it('an options question without the user’s value gets a negative answer that excludes the offer', () => {
    fc.assert(
      fc.property(seeds, fc.boolean(), (seed, vague) => {
        const question = 'Are you more into museums or hiking?';
        const reply = replyTo(persona({ vague }), question, seed);
        expect(reply.done).toBe(false);
        expect(reply.text).toMatch(/^(Not really|None of those|Hmm, not really)/);
        const beliefs = readBeliefs([{ role: 'agent', text: question }, { role: 'user', text: reply.text }]);
        expect(beliefs.kind.excluded).toEqual(['museum', 'hiking']);
        // A clear user also says what they do want.
        expect(beliefs.kind.known).toBe(vague ? undefined : 'food');
      }),
    );
  });

  it('a user with no preference says either is fine', () => {
    const reply = replyTo(persona({ setting: 'any' }), 'Would you prefer indoors or outdoors?');
    expect(reply.text).toMatch(/^(Either is fine with me\.|I don't mind either way\.)$/);
  });

  it('a user happy with mid-range prices accepts a cheap option', () => {
    const reply = replyTo(persona({ cost: 'moderate' }), 'Which sounds better: cheap or a splurge?');
    expect(valuesMentioned(reply.text, 'cost')).toEqual(['cheap']);
  });

  it('an unparseable message gets "not sure what you mean" and does not end the conversation', () => {
    const reply = replyTo(persona(), 'asdf');
    expect(reply).toEqual({ text: "Sorry, I'm not sure what you mean. I'm just looking for something to do.", done: false });
  });
});

describe('recommendations', () => {
  it('a perfect activity ends the conversation with a positive reaction', () => {
    const reply = replyTo(persona(), 'I recommend the Pasta Cooking Class: make and eat fresh pasta.');
    expect(reply).toEqual({ text: 'That sounds perfect, thank you!', done: true });
  });

  it('a middling activity gets a lukewarm reaction', () => {
    // Street Food Crawl (food, outdoor ✗, active ✗, cheap): 0.5 + 0 + 0 + 0.15 = 0.65, in [0.5, 0.8).
    const reply = replyTo(persona(), 'You should try the Street Food Crawl.');
    expect(reply).toEqual({ text: 'Hmm, I guess that could work. Thanks.', done: true });
  });

  it('a bad activity ends the conversation with a negative reaction', () => {
    const reply = replyTo(persona(), 'I recommend the Ridge Trail Hike: a steep half-day trail with sea views.');
    expect(reply).toEqual({ text: "That's not really my thing, but thanks anyway.", done: true });
  });

  it('up to three activities: the user reacts to their favourite', () => {
    const reply = replyTo(persona(), 'Ridge Trail Hike, Surf Lesson or Pasta Cooking Class?');
    expect(reply).toEqual({ text: 'That sounds perfect, thank you!', done: true });
  });

  it('more than three activities: the user asks the agent to pick and is not done', () => {
    const reply = replyTo(persona(), 'Ridge Trail Hike, Surf Lesson, Jazz Cellar Night or Pasta Cooking Class?');
    expect(reply.done).toBe(false);
    expect(reply.text).toBe("That's a lot of options. Which one would you pick for me?");
  });
});

describe('patience', () => {
  it('asks to wrap up on the turn before patience runs out, then leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), seeds, (patience, seed) => {
        const who = persona({ patience });
        const earlier = Array.from({ length: patience - 2 }, () => 'What pace do you like for your activities?');
        const early = replyTo(who, 'What kinds of activities do you enjoy?', seed, earlier.slice(0, -1));
        if (patience > 2) expect(early.text).not.toContain('wrap this up');
        const penultimate = replyTo(who, 'What kinds of activities do you enjoy?', seed, earlier);
        expect(penultimate.done).toBe(false);
        expect(penultimate.text.endsWith(' Could we wrap this up soon?')).toBe(true);
        const last = replyTo(who, 'What kinds of activities do you enjoy?', seed, [...earlier, 'Anything else?']);
        expect(last.done).toBe(true);
        expect(last.text).toMatch(/run|on my own/);
      }),
    );
  });

  it('a recommendation on the last turn is still taken', () => {
    const reply = replyTo(persona({ patience: 2 }), 'I recommend the Pasta Cooking Class.', 1, ['What is your budget?']);
    expect(reply).toEqual({ text: 'That sounds perfect, thank you!', done: true });
  });

  it('a patience of 1 leaves after the first unhelpful agent turn', () => {
    expect(replyTo(persona({ patience: 1 }), 'What kinds of activities do you enjoy?').done).toBe(true);
  });
});
