import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../../../sim/episode.ts';
import type { Turn } from '../../../task/types.ts';
import { createRng } from '../../../util/rng.ts';
import { loadCatalogFile } from '../load.ts';
import type { CatalogItem, RecommendationCatalog } from '../model.ts';
import { readAgentText } from '../reading.ts';
import { recommendationTask } from '../task.ts';
import { readBeliefs } from './beliefs.ts';
import { judgeRecommendation, scoreItem } from './judge.ts';
import type { RecommendationPersona } from './persona.ts';
import { createRecommendationUser } from './user.ts';

const fixture = fileURLToPath(new URL('../fixtures/restaurants.yaml', import.meta.url));
let catalog: RecommendationCatalog;
beforeAll(async () => {
  const loaded = await loadCatalogFile(fixture);
  if (loaded.family !== 'recommendation') throw new Error('the fixture is a recommendation catalog');
  catalog = loaded;
});

const item = (id: string): CatalogItem => catalog.items.find((each) => each.id === id) as CatalogItem;
const persona = (overrides: Partial<RecommendationPersona> = {}): RecommendationPersona => ({ cuisine: 'vegan', price: 'cheap', outdoor: 'yes', rating: 'great', vague: false, patience: 5, ...overrides });
const conversation = (...agentTexts: string[]): Turn[] => [{ role: 'user', text: 'Hungry.' }, ...agentTexts.flatMap((text): Turn[] => [{ role: 'agent', text }, { role: 'user', text: 'Ok.' }])];

describe('the recommendation judge on hand-computed scores (weights 0.5 cuisine, 0.2 price, 0.1 outdoor, 0.2 rating)', () => {
  it('scores a set, a ceiling, a boolean and a numeric bucket', () => {
    // vegan ∈ {italian, vegan} 0.5 + cheap ≤ cheap 0.2 + terrace 0.1 + 4.5 is great 0.2
    expect(scoreItem(catalog, persona(), item('luigi'))).toBeCloseTo(1, 12);
    // vegan 0.5 + pricey over a cheap ceiling: fit 0.25 of 0.2 + terrace 0.1 + 4.8 great 0.2
    expect(scoreItem(catalog, persona(), item('green'))).toBeCloseTo(0.85, 12);
    // thai ✗ + pricey 0.25·0.2 + inside ✗ + 3.9 is ok, not great ✗
    expect(scoreItem(catalog, persona(), item('bangkok'))).toBeCloseTo(0.05, 12);
    // no preferences: everything fits
    expect(scoreItem(catalog, persona({ cuisine: 'any', price: 'any', outdoor: 'any', rating: 'any' }), item('bangkok'))).toBeCloseTo(1, 12);
  });

  it('judges the last agent turn, with turn cost, and names the item', () => {
    expect(judgeRecommendation(catalog, persona(), conversation('Try The Green Fork.'), { threshold: 0.8, turnCost: 0 })).toEqual({
      reward: 0.85,
      success: true,
      reason: 'The Green Fork (vegan, pricey, yes, great) scored 0.85',
    });
    expect(judgeRecommendation(catalog, persona(), conversation('What food do you like?', "Try Luigi's."), { threshold: 0.8, turnCost: 0.1 }).reward).toBeCloseTo(0.8, 6);
    expect(judgeRecommendation(catalog, persona(), conversation('Try Little Bangkok.', 'Anything else?'), { threshold: 0.8, turnCost: 0 })).toMatchObject({ reward: 0, success: false, reason: 'no item was recommended before the conversation ended' });
  });
});

describe('the recommendation user reads the agent’s text', () => {
  const reply = (who: RecommendationPersona, text: string) =>
    createRecommendationUser(catalog, who, createRng(3), 0.8).reply([
      { role: 'user', text: 'Hungry.' },
      { role: 'agent', text },
    ]);

  it('answers option questions on sets, booleans and numeric buckets', () => {
    expect(readAgentText(catalog, 'Would you like Thai food or vegan dishes?').asked).toEqual([{ attribute: 'cuisine', offered: ['thai', 'vegan'] }]);
    expect(reply(persona(), 'Would you like Thai food or vegan dishes?').text).toMatch(/vegan dishes/i);
    expect(reply(persona({ outdoor: 'no' }), 'Would you like a terrace?').text).toMatch(/^(Not really\.|Not really\. I would like a table inside\.)$/);
    expect(reply(persona(), 'Would you like decent?').text).toBe('Not really. Somewhere highly rated.');
    expect(reply(persona({ price: 'any' }), "What's your budget?").text).toBe("I don't mind.");
  });

  it('text it cannot parse gets the catalog’s confusion line; a named item ends the conversation', () => {
    expect(reply(persona(), 'Lovely weather.')).toEqual({ text: 'Sorry? I just want somewhere to eat.', done: false });
    expect(reply(persona(), "Try Luigi's.")).toEqual({ text: 'That sounds perfect, thank you!', done: true });
  });

  it('agents learn from the answers: a stated value, a refusal, indifference', () => {
    const beliefs = readBeliefs(catalog, [
      { role: 'agent', text: 'Would you like Thai food?' },
      { role: 'user', text: 'Not really. I love vegan dishes.' },
      { role: 'agent', text: "What's your budget?" },
      { role: 'user', text: "I don't mind." },
    ]);
    expect(beliefs.attributes.cuisine).toEqual({ known: 'vegan', any: false, excluded: ['thai'] });
    expect(beliefs.attributes.price).toEqual({ any: true, excluded: [] });
  });

  it('every behaviour and the oracle play whole episodes; the oracle always succeeds', async () => {
    const task = recommendationTask(catalog);
    for (let seed = 0; seed < 20; seed += 1) {
      const rng = createRng(seed);
      const who = task.samplePersona(rng.fork('persona'));
      expect(task.personaSchema.safeParse(who).success).toBe(true);
      expect((await runEpisode(task, who, task.oracle({ rng: rng.fork('oracle'), persona: who }), rng.fork('o'))).judgement.success).toBe(true);
      for (const behaviour of task.behaviours) await runEpisode(task, who, behaviour.create({ rng: rng.fork(behaviour.name), persona: who }), rng.fork('b'));
    }
  });
});
