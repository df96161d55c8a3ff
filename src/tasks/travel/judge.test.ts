import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../task/types.ts';
import { createRng } from '../../util/rng.ts';
import { activities, kinds } from './catalog.ts';
import type { Activity } from './catalog.ts';
import { favouriteOf, judgeTravel, scoreActivity } from './judge.ts';
import { sampleTravelPersona, travelPersonaSchema } from './persona.ts';
import type { TravelPersona } from './persona.ts';

const named = (name: string): Activity => {
  const found = activities.find((activity) => activity.name === name);
  if (found === undefined) throw new Error(`no activity ${name}`);
  return found;
};

const persona = (overrides: Partial<TravelPersona> = {}): TravelPersona =>
  travelPersonaSchema.parse({ kind: 'food', setting: 'indoor', pace: 'any', cost: 'cheap', vague: false, patience: 5, ...overrides });

const options = { threshold: 0.8, turnCost: 0 };

const conversation = (...agentTexts: string[]): Turn[] =>
  agentTexts.flatMap((text): Turn[] => [
    { role: 'user', text: 'Okay.' },
    { role: 'agent', text },
  ]).concat([{ role: 'user', text: 'Thanks.' }]);

const personaArb: fc.Arbitrary<TravelPersona> = fc.record({
  kind: fc.constantFrom(...kinds),
  setting: fc.constantFrom('indoor', 'outdoor', 'any'),
  pace: fc.constantFrom('relaxed', 'active', 'any'),
  cost: fc.constantFrom('cheap', 'moderate', 'any'),
  vague: fc.boolean(),
  patience: fc.integer({ min: 1, max: 50 }),
});

describe('scoreActivity', () => {
  const cases: [Partial<TravelPersona>, string, number][] = [
    // food ✓ 0.5, indoor ✓ 0.2, any pace 0.15, cheap vs moderate 0.15·0.4
    [{}, 'Pasta Cooking Class', 0.5 + 0.2 + 0.15 + 0.15 * 0.4],
    // cheap vs splurge: cost 0
    [{}, 'Chef Tasting Menu', 0.85],
    // kind ✗, setting ✗ (outdoor), pace any, cheap ✓
    [{}, 'Ridge Trail Hike', 0.15 + 0.15],
    // moderate-sensitive: splurge 0.2, moderate 1, cheap 1
    [{ cost: 'moderate', pace: 'relaxed' }, 'Chef Tasting Menu', 0.5 + 0.2 + 0.15 + 0.15 * 0.2],
    [{ cost: 'moderate', pace: 'relaxed' }, 'Harbour Seafood Dinner', 1],
    [{ cost: 'moderate', pace: 'active' }, 'Street Food Crawl', 0.5 + 0 + 0.15 + 0.15],
    // not budget-sensitive: every price is fine
    [{ cost: 'any', setting: 'any' }, 'Chef Tasting Menu', 1],
  ];

  it.each(cases)('%j vs %s = %d', (overrides, name, expected) => {
    expect(scoreActivity(persona(overrides), named(name))).toBeCloseTo(expected, 12);
  });

  it('0.91 for the worked example', () => {
    expect(scoreActivity(persona(), named('Pasta Cooking Class'))).toBeCloseTo(0.91, 12);
  });
});

describe('favouriteOf', () => {
  it('is undefined for nothing offered and keeps the first of equal scores', () => {
    expect(favouriteOf(persona(), [])).toBeUndefined();
    const tie = favouriteOf(persona({ cost: 'any', setting: 'any' }), [named('Chef Tasting Menu'), named('Pasta Cooking Class')]);
    expect(tie?.activity.name).toBe('Chef Tasting Menu');
  });
});

describe('judgeTravel', () => {
  it('no recommendation → reward 0, not a success', () => {
    const judgement = judgeTravel(persona(), conversation('What kinds of activities do you enjoy?', "What's your budget like?"), options);
    expect(judgement.reward).toBe(0);
    expect(judgement.success).toBe(false);
    expect(judgement.reason).toMatch(/no activity was recommended/);
  });

  it('an empty conversation → reward 0', () => {
    expect(judgeTravel(persona(), [], options)).toMatchObject({ reward: 0, success: false });
  });

  it('only the last agent turn counts', () => {
    const judgement = judgeTravel(persona(), conversation('I recommend the Pasta Cooking Class.', 'Anything else?'), options);
    expect(judgement.reward).toBe(0);
  });

  it('the perfect activity → reward 1, success', () => {
    const perfect = judgeTravel(persona({ cost: 'moderate', pace: 'relaxed' }), conversation('How about the Pasta Cooking Class?'), options);
    expect(perfect).toMatchObject({ reward: 1, success: true });
    expect(perfect.reason).toMatch(/^Pasta Cooking Class \(food, indoor, relaxed, moderate\) scored 1\.00$/);
  });

  it('a near miss is still a success at threshold 0.8, and rewards its score', () => {
    const judgement = judgeTravel(persona(), conversation('How about the Pasta Cooking Class?'), options);
    expect(judgement).toMatchObject({ reward: 0.91, success: true });
    expect(judgeTravel(persona(), conversation('How about the Pasta Cooking Class?'), { threshold: 0.95, turnCost: 0 }).success).toBe(false);
  });

  it('turn cost subtracts per agent turn, and success still uses the raw score', () => {
    const who = persona({ cost: 'moderate', pace: 'relaxed' });
    const turns = conversation('What do you enjoy?', 'Would you prefer indoors?', 'How about the Pasta Cooking Class?');
    const judgement = judgeTravel(who, turns, { threshold: 0.8, turnCost: 0.05 });
    expect(judgement.reward).toBeCloseTo(1 - 3 * 0.05, 6);
    expect(judgement.success).toBe(true);
    expect(judgeTravel(who, turns, { threshold: 0.8, turnCost: 0.5 }).reward).toBe(0);
  });

  it('two activities offered → the user’s favourite is judged', () => {
    const who = persona({ cost: 'moderate', pace: 'relaxed' });
    const judgement = judgeTravel(who, conversation('Either the Ridge Trail Hike or the Harbour Seafood Dinner.'), options);
    expect(judgement.reward).toBe(1);
    expect(judgement.reason).toMatch(/^Harbour Seafood Dinner/);
  });

  it('more than three activities at once → reward 0', () => {
    const judgement = judgeTravel(persona(), conversation('Surf Lesson, Pasta Cooking Class, Jazz Cellar Night or Opera House Evening.'), options);
    expect(judgement).toMatchObject({ reward: 0, success: false });
    expect(judgement.reason).toMatch(/4 activities/);
  });

  it('reward ∈ [0, 1] for any persona, activity and turn cost', () => {
    fc.assert(
      fc.property(personaArb, fc.constantFrom(...activities), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 5 }), (who, activity, turnCost, questions) => {
        const turns = conversation(...Array.from({ length: questions }, () => 'What do you enjoy?'), `Try the ${activity.name}.`);
        const judgement = judgeTravel(who, turns, { threshold: 0.8, turnCost });
        expect(judgement.reward).toBeGreaterThanOrEqual(0);
        expect(judgement.reward).toBeLessThanOrEqual(1);
        expect(judgement.success).toBe(scoreActivity(who, activity) >= 0.8);
      }),
    );
  });

  it('every sampled persona has an activity scoring 1, so the oracle can always succeed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const who = sampleTravelPersona(createRng(seed));
        expect(travelPersonaSchema.safeParse(who).success).toBe(true);
        const best = Math.max(...activities.map((activity) => scoreActivity(who, activity)));
        expect(best).toBeCloseTo(1, 12);
      }),
      { numRuns: 500 },
    );
  });
});
