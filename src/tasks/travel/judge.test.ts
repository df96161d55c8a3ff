import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Turn } from '../../task/types.ts';
import { createRng } from '../../util/rng.ts';
import type { CatalogItem, RecommendationCatalog } from '../catalog/model.ts';
import { favouriteOf, judgeRecommendation, scoreItem } from '../catalog/recommend/judge.ts';
import { sampleRecommendationPersona } from '../catalog/recommend/persona.ts';
import { loadTravelCatalog } from './index.ts';
import { kinds, travelPersonaSchema } from './persona.ts';
import type { TravelPersona } from './persona.ts';

let catalog: RecommendationCatalog;
beforeAll(async () => {
  catalog = await loadTravelCatalog();
});

const named = (name: string): CatalogItem => {
  const found = catalog.items.find((item) => item.name === name);
  if (found === undefined) throw new Error(`no activity ${name}`);
  return found;
};

const persona = (overrides: Partial<TravelPersona> = {}): TravelPersona =>
  travelPersonaSchema.parse({ kind: 'food', setting: 'indoor', pace: 'any', cost: 'cheap', vague: false, patience: 5, ...overrides });

const options = { threshold: 0.8, turnCost: 0 };
const judge = (who: TravelPersona, turns: Turn[], judgeOptions = options) => judgeRecommendation(catalog, who, turns, judgeOptions);

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

describe('scoring an activity (0.5 kind + 0.2 setting + 0.15 pace + 0.15 cost)', () => {
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
    expect(scoreItem(catalog, persona(overrides), named(name))).toBeCloseTo(expected, 12);
  });
});

describe('favouriteOf', () => {
  it('is undefined for nothing offered and keeps the first of equal scores', () => {
    expect(favouriteOf(catalog, persona(), [])).toBeUndefined();
    const tie = favouriteOf(catalog, persona({ cost: 'any', setting: 'any' }), [named('Chef Tasting Menu'), named('Pasta Cooking Class')]);
    expect(tie?.item.name).toBe('Chef Tasting Menu');
  });
});

describe('the travel judge', () => {
  it('no recommendation → reward 0, not a success', () => {
    const judgement = judge(persona(), conversation('What kinds of activities do you enjoy?', "What's your budget like?"));
    expect(judgement).toMatchObject({ reward: 0, success: false });
    expect(judgement.reason).toMatch(/no activity was recommended/);
    expect(judge(persona(), [])).toMatchObject({ reward: 0, success: false });
  });

  it('only the last agent turn counts', () => {
    expect(judge(persona(), conversation('I recommend the Pasta Cooking Class.', 'Anything else?')).reward).toBe(0);
  });

  it('the perfect activity → reward 1, success, and a reason that names it', () => {
    const perfect = judge(persona({ cost: 'moderate', pace: 'relaxed' }), conversation('How about the Pasta Cooking Class?'));
    expect(perfect).toMatchObject({ reward: 1, success: true });
    expect(perfect.reason).toBe('Pasta Cooking Class (food, indoor, relaxed, moderate) scored 1.00');
  });

  it('a near miss is still a success at threshold 0.8, and rewards its score', () => {
    expect(judge(persona(), conversation('How about the Pasta Cooking Class?'))).toMatchObject({ reward: 0.91, success: true });
    expect(judge(persona(), conversation('How about the Pasta Cooking Class?'), { threshold: 0.95, turnCost: 0 }).success).toBe(false);
  });

  it('turn cost subtracts per agent turn, and success still uses the raw score', () => {
    const who = persona({ cost: 'moderate', pace: 'relaxed' });
    const turns = conversation('What do you enjoy?', 'Would you prefer indoors?', 'How about the Pasta Cooking Class?');
    const judgement = judge(who, turns, { threshold: 0.8, turnCost: 0.05 });
    expect(judgement.reward).toBeCloseTo(1 - 3 * 0.05, 6);
    expect(judgement.success).toBe(true);
    expect(judge(who, turns, { threshold: 0.8, turnCost: 0.5 }).reward).toBe(0);
  });

  it('two activities offered → the user’s favourite is judged; more than three → 0', () => {
    const who = persona({ cost: 'moderate', pace: 'relaxed' });
    const judgement = judge(who, conversation('Either the Ridge Trail Hike or the Harbour Seafood Dinner.'));
    expect(judgement.reward).toBe(1);
    expect(judgement.reason).toMatch(/^Harbour Seafood Dinner/);
    const many = judge(persona(), conversation('Surf Lesson, Pasta Cooking Class, Jazz Cellar Night or Opera House Evening.'));
    expect(many).toMatchObject({ reward: 0, success: false });
    expect(many.reason).toMatch(/4 activities/);
  });

  it('reward ∈ [0, 1] for any persona, activity and turn cost', async () => {
    fc.assert(
      fc.property(personaArb, fc.integer({ min: 0, max: 45 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 5 }), (who, index, turnCost, questions) => {
        const activity = catalog.items[index] as CatalogItem;
        const turns = conversation(...Array.from({ length: questions }, () => 'What do you enjoy?'), `Try the ${activity.name}.`);
        const judgement = judge(who, turns, { threshold: 0.8, turnCost });
        expect(judgement.reward).toBeGreaterThanOrEqual(0);
        expect(judgement.reward).toBeLessThanOrEqual(1);
        expect(judgement.success).toBe(scoreItem(catalog, who, activity) >= 0.8);
      }),
    );
  });

  it('every sampled persona fits the typed view and has an activity scoring 1, so the oracle can always succeed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const who = sampleRecommendationPersona(catalog, createRng(seed));
        expect(travelPersonaSchema.safeParse(who).success).toBe(true);
        expect(Math.max(...catalog.items.map((item) => scoreItem(catalog, who, item)))).toBeCloseTo(1, 12);
      }),
      { numRuns: 500 },
    );
  });
});
