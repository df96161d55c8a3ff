import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Turn } from '../../task/types.ts';
import type { RecommendationCatalog } from '../catalog/model.ts';
import { attributeNamed } from '../catalog/model.ts';
import { itemsMentioned, readAgentText, valuesMentioned } from '../catalog/reading.ts';
import { readBeliefs } from '../catalog/recommend/beliefs.ts';
import { loadTravelCatalog } from './index.ts';

let catalog: RecommendationCatalog;
beforeAll(async () => {
  catalog = await loadTravelCatalog();
});

const read = (text: string) => readAgentText(catalog, text);
const names = (text: string): string[] => read(text).items.map((item) => item.name);
const mentioned = (text: string, attribute: string) => valuesMentioned(attributeNamed(catalog, attribute), text);

describe('reading travel agents: open questions', () => {
  const open: [string, string][] = [
    ["What's your budget like?", 'cost'],
    ['How much are you looking to spend?', 'cost'],
    ['What kinds of activities do you enjoy?', 'kind'],
    ['Tell me a bit about your interests.', 'kind'],
    ['What kind of setting do you prefer?', 'setting'],
    ['What pace do you like for your activities?', 'pace'],
  ];

  it.each(open)('%s → an open %s question', (text, attribute) => {
    expect(read(text)).toEqual({ items: [], asked: [{ attribute, offered: [] }] });
  });

  it('reads curly apostrophes like straight ones', () => {
    expect(read('What’s your budget like?').asked).toEqual([{ attribute: 'cost', offered: [] }]);
  });
});

describe('reading travel agents: option questions', () => {
  it('lists the offered kinds in catalogue order', () => {
    expect(read('Would you prefer museums, hiking or food?')).toEqual({ items: [], asked: [{ attribute: 'kind', offered: ['museum', 'hiking', 'food'] }] });
  });

  it('reads "indoors or outdoors" as a setting question with both values', () => {
    expect(read('Would you prefer indoors or outdoors?').asked).toEqual([{ attribute: 'setting', offered: ['indoor', 'outdoor'] }]);
  });

  it('reads a question across two attributes as two questions', () => {
    expect(read('Something relaxed, or something cheap?').asked).toEqual([
      { attribute: 'pace', offered: ['relaxed'] },
      { attribute: 'cost', offered: ['cheap'] },
    ]);
  });

  it('recognises every phrase of every value as that value', () => {
    for (const attribute of catalog.attributes) {
      for (const value of attribute.values) {
        for (const phrase of value.words) expect(mentioned(`Would you like ${phrase}?`, attribute.name), `${attribute.name}: ${phrase}`).toContain(value.name);
      }
    }
  });
});

describe('reading travel agents: recommendations', () => {
  it('a recommendation naming one activity asks nothing', () => {
    const reading = read("How about the Surf Lesson? It's two hours with a surf coach: beach day, outdoor, active and mid-range.");
    expect(reading.items.map((item) => item.name)).toEqual(['Surf Lesson']);
    expect(reading.asked).toEqual([]);
  });

  it('names several activities in the order they appear, case-insensitively, plurals included', () => {
    expect(names('Try the jazz cellar night, the Old Masters Gallery or the Ridge Trail Hike.')).toEqual(['Jazz Cellar Night', 'Old Masters Gallery', 'Ridge Trail Hike']);
    expect(names('Surf Lessons are great.')).toEqual(['Surf Lesson']);
  });

  it('finds any catalogue activity named inside arbitrary text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 45 }), fc.string(), fc.string(), (index, before, after) => {
        const activity = catalog.items[index];
        expect(itemsMentioned(catalog.items, `${before} ${activity?.name} ${after}`)).toContain(activity);
      }),
    );
  });
});

describe('reading travel agents: text it cannot parse', () => {
  it.each(['asdf', 'Lovely day for ducks.', 'Hmm.', ''])('%j → no activities, no questions', (text) => {
    expect(read(text)).toEqual({ items: [], asked: [] });
  });

  it('"Lovely weather for ducks." is an open setting question: "weather" is a setting-question word', () => {
    expect(read('Lovely weather for ducks.')).toEqual({ items: [], asked: [{ attribute: 'setting', offered: [] }] });
  });
});

describe('what travel agents learn from the user (readBeliefs)', () => {
  const dialogue: Turn[] = [
    { role: 'user', text: "Hi! I'm in town for a few days and I'd like a suggestion for something to do." },
    { role: 'agent', text: 'What kinds of activities do you enjoy?' },
    { role: 'user', text: "I'm really into local cuisine." },
    { role: 'agent', text: 'Would you prefer relaxed or active?' },
    { role: 'user', text: 'Not really.' },
    { role: 'agent', text: 'Would you prefer indoors or outdoors?' },
    { role: 'user', text: 'Either is fine with me.' },
    { role: 'agent', text: 'Which sounds better: cheap or a splurge?' },
    { role: 'user', text: "Hmm, not really my thing. I'm a bit short on time." },
  ];
  const beliefs = (turns: Turn[]) => readBeliefs(catalog, turns);

  it('starts knowing nothing', () => {
    const start = beliefs([]);
    expect(start.hurry).toBe(false);
    for (const attribute of catalog.attributes) expect(start.attributes[attribute.name]).toEqual({ any: false, excluded: [] });
  });

  it('a clear answer sets `known`; "Not really." excludes the offered values; "Either is fine" sets `any`', () => {
    expect(beliefs(dialogue.slice(0, 3)).attributes.kind).toEqual({ known: 'food', any: false, excluded: [] });
    expect(beliefs(dialogue.slice(0, 5)).attributes.pace).toEqual({ any: false, excluded: ['relaxed', 'active'] });
    expect(beliefs(dialogue.slice(0, 7)).attributes.setting).toEqual({ any: true, excluded: [] });
  });

  it('"short on time" sets hurry, and a refusal does not make a refused value known', () => {
    const all = beliefs(dialogue);
    expect(all.hurry).toBe(true);
    expect(all.attributes.cost).toEqual({ any: false, excluded: ['cheap', 'splurge'] });
    expect(all.attributes.kind?.known).toBe('food');
  });

  it("the catalog's own no-preference sentences read as indifference", () => {
    const turns: Turn[] = [
      { role: 'agent', text: "What's your budget like?" },
      { role: 'user', text: "Money isn't a big concern." },
    ];
    expect(beliefs(turns).attributes.cost).toEqual({ any: true, excluded: [] });
  });

  it('"Not really. I love X" excludes the offer and keeps the stated value; what the agent says is ignored', () => {
    const refused = beliefs([
      { role: 'agent', text: 'Would you prefer museums or hiking?' },
      { role: 'user', text: 'Not really. I love food.' },
    ]);
    expect(refused.attributes.kind).toEqual({ known: 'food', any: false, excluded: ['museum', 'hiking'] });
    const agentOnly = beliefs([{ role: 'agent', text: "I'm into museums and in a hurry." }]);
    expect(agentOnly.attributes.kind?.known).toBeUndefined();
    expect(agentOnly.hurry).toBe(false);
  });
});
