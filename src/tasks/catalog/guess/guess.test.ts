import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Turn } from '../../../task/types.ts';
import { createRng } from '../../../util/rng.ts';
import { countriesCatalogFile } from '../../countries/index.ts';
import { loadCatalogFile } from '../load.ts';
import type { GuessingCatalog } from '../model.ts';
import { readAgentText } from '../reading.ts';
import { judgeGuessing } from './judge.ts';
import { askables, readKnowledge } from './knowledge.ts';
import type { GuessingPersona } from './persona.ts';
import { createGuessingUser } from './user.ts';

type Country = { cca3: string; name: { common: string }; region: string; subregion: string; languages: Record<string, string>; currencies: Record<string, unknown>; landlocked: boolean; area: number; latlng: [number, number] };
const countries = createRequire(import.meta.url)('world-countries') as Country[];
const record = (id: string): Country => countries.find((country) => country.cca3 === id) as Country;

let catalog: GuessingCatalog;
beforeAll(async () => {
  const loaded = await loadCatalogFile(countriesCatalogFile);
  if (loaded.family !== 'guessing') throw new Error('countries is a guessing catalog');
  catalog = loaded;
});

const persona = (item: string, overrides: Partial<GuessingPersona> = {}): GuessingPersona => ({ item, unsure: [], patience: 20, ...overrides });
const opening: Turn = { role: 'user', text: "I'm thinking of a country. Can you guess which one?" };
const replyTo = (who: GuessingPersona, text: string, before: string[] = []) => {
  const turns: Turn[] = [opening, ...before.flatMap((said): Turn[] => [{ role: 'agent', text: said }, { role: 'user', text: 'Hmm.' }]), { role: 'agent', text }];
  return createGuessingUser(catalog, who, createRng(1)).reply(turns);
};

describe('the guessing user answers truthfully from the world-countries data', () => {
  const cases: [string, string, string][] = [
    ['FRA', 'Is it in Europe?', 'Yes, Europe.'],
    ['FRA', 'Is it in Asia?', 'No, not Asia.'],
    ['FRA', 'Do they speak French there?', 'Yes, French.'],
    ['FRA', 'Is Spanish an official language?', 'No, not Spanish.'],
    ['FRA', 'Is the currency the euro?', 'Yes, the euro.'],
    ['FRA', 'Is it landlocked?', 'No, not landlocked.'],
    ['FRA', 'Is its area over 500,000 square kilometres?', 'Yes, over 500,000.'],
    ['CHE', 'Is it landlocked?', 'Yes, landlocked.'],
    ['CHE', 'Do they pay with the Swiss franc?', 'Yes, the Swiss franc.'],
    ['DEU', 'Do they speak German there?', 'Yes, German.'],
    // The data lists Swiss German for Switzerland; the catalog counts it as German too.
    ['CHE', 'Do they speak German there?', 'Yes, Swiss German.'],
    ['CHE', 'Is French an official language?', 'Yes, French.'],
    ['CHN', 'Is it in South-East Asia?', 'Yes, Asia. No, not South-East Asia.'],
    ['BRA', 'Is it in the southern hemisphere?', 'Yes, in the southern hemisphere.'],
    ['BRA', 'Is it in Europe or South America?', 'Yes, the Americas. Yes, South America.'],
    ['BRA', 'Is it bigger than 1 million square kilometres?', 'Yes, bigger than 1 million.'],
    ['JPN', 'Is it in East Asia?', 'Yes, Asia. Yes, Eastern Asia.'],
    ['JPN', 'Is it a small country?', 'No, not small.'],
    ['AFG', 'Do they speak Spanish there?', 'No, not Spanish.'],
  ];

  it.each(cases)('%s: %s → %s', (id, question, answer) => {
    expect(replyTo(persona(id), question)).toEqual({ text: answer, done: false });
  });

  it('every yes/no question agents can ask gets the answer the raw data gives, for every country', () => {
    const expected = (country: Country, key: string): boolean => {
      const [attribute, value] = key.split(/[=>]/) as [string, string];
      if (key.includes('>')) return attribute === 'area' ? country.area > Number(value) : country.latlng[0] > Number(value);
      if (attribute === 'region') return country.region === value;
      if (attribute === 'subregion') return country.subregion === value;
      if (attribute === 'languages') return Object.values(country.languages).includes(value) || (value === 'German' && Object.values(country.languages).includes('Swiss German'));
      if (attribute === 'currencies') return value in country.currencies;
      if (attribute === 'landlocked') return country.landlocked === (value === 'yes');
      if (attribute === 'area') return (value === 'small' ? country.area < 50_000 : value === 'medium' ? country.area >= 50_000 && country.area < 500_000 : country.area >= 500_000);
      return value === 'southern' ? country.latlng[0] < 0 : country.latlng[0] >= 0;
    };
    const rng = createRng(7);
    let checked = 0;
    for (const item of catalog.items) {
      for (const askable of askables(catalog)) {
        const text = askable.say(rng);
        const reply = replyTo(persona(item.id), text).text;
        const [attribute] = askable.key.split(/[=>]/) as [string];
        // Questions about a subregion also name the region; the answer about the asked attribute is the one that counts.
        const asked = readAgentText(catalog, text).asked;
        const sentence = reply.split(/(?<=\.)\s+/)[asked.findIndex((question) => question.attribute === attribute)] ?? '';
        expect(sentence.startsWith('Yes'), `${item.name}: ${text} → ${reply}`).toBe(expected(record(item.id), askable.key));
        checked += 1;
      }
    }
    expect(checked).toBe(194 * askables(catalog).length);
  });

  it('says "not sure" about attributes the persona does not know, and asks for yes/no questions', () => {
    expect(replyTo(persona('FRA', { unsure: ['area'] }), 'Is it a large country?').text).toMatch(/^(I'm not sure about that\.|I don't know, to be honest\.)$/);
    expect(replyTo(persona('FRA'), 'What continent is it on?').text).toMatch(/yes-or-no question|only answer yes or no/);
  });

  it('text it cannot parse gets the catalog’s confusion line', () => {
    for (const text of ['asdf', 'Is the population over 50 million?', 'Is it in the Indian Ocean?', '']) {
      expect(replyTo(persona('FRA'), text)).toEqual({ text: "Sorry, I don't follow. Ask me a yes-or-no question, or make a guess.", done: false });
    }
  });

  it('guesses: right ends the game, wrong says no, several at once are refused; Niger is not Nigeria', () => {
    expect(replyTo(persona('FRA'), 'Is it France?').done).toBe(true);
    expect(replyTo(persona('NER'), 'My guess is Nigeria.')).toEqual({ text: "No, it's not Nigeria.", done: false });
    expect(replyTo(persona('NER'), 'Is it Niger?').done).toBe(true);
    expect(replyTo(persona('SSD'), 'Is it South Sudan?').done).toBe(true);
    expect(replyTo(persona('FRA'), 'Is it France or Spain?')).toEqual({ text: 'One guess at a time, please.', done: false });
  });

  it('gives up after its patience, warning one turn before', () => {
    const earlier = ['Is it in Europe?', 'Is it in Asia?'];
    expect(replyTo(persona('FRA', { patience: 4 }), 'Is it landlocked?', earlier).text).toMatch(/ One more try, then I give up\.$/);
    const last = replyTo(persona('FRA', { patience: 3 }), 'Is it landlocked?', earlier);
    expect(last.done).toBe(true);
    expect(last.text).toContain('France');
  });
});

describe('the guessing judge (turn cost 0.05, threshold 0.5)', () => {
  const conversation = (...agentTexts: string[]): Turn[] => [opening, ...agentTexts.flatMap((text): Turn[] => [{ role: 'agent', text }, { role: 'user', text: 'No.' }])];
  const judge = (turns: Turn[], turnCost = 0.05) => judgeGuessing(catalog, persona('FRA'), turns, { threshold: 0.5, turnCost });
  const questions = (count: number) => Array.from({ length: count }, () => 'Is it in Europe?');

  it('a right first guess scores 1', () => {
    expect(judge(conversation('Is it France?'))).toEqual({ reward: 1, success: true, reason: 'guessed France on turn 1' });
  });

  it('each agent turn before the right guess costs 0.05: turn 7 → 0.7, turn 11 → 0.5 (success), turn 12 → 0.45 (not)', () => {
    expect(judge(conversation(...questions(6), 'Is it France?'))).toMatchObject({ reward: 0.7, success: true });
    expect(judge(conversation(...questions(10), 'My guess is France.'))).toMatchObject({ reward: 0.5, success: true });
    expect(judge(conversation(...questions(11), 'Is it France?'))).toMatchObject({ reward: 0.45, success: false });
    expect(judge(conversation(...questions(30), 'Is it France?')).reward).toBe(0);
  });

  it('no right guess, a wrong guess, or two names at once score 0', () => {
    expect(judge(conversation(...questions(3)))).toEqual({ reward: 0, success: false, reason: 'France was not guessed in 3 agent turns' });
    expect(judge(conversation('Is it Spain?')).reward).toBe(0);
    expect(judge(conversation('Is it France or Spain?')).reward).toBe(0);
    expect(judge(conversation('Is it France or Spain?', 'Is it France?'))).toMatchObject({ reward: 0.95, success: true });
  });
});

describe('what a guesser learns from the answers', () => {
  it('narrows the candidates by yes, no and wrong guesses, and ignores "not sure"', () => {
    const turns: Turn[] = [
      opening,
      { role: 'agent', text: 'Is it in Europe?' },
      { role: 'user', text: 'Yes, Europe.' },
      { role: 'agent', text: 'Is it landlocked?' },
      { role: 'user', text: 'Yes, landlocked.' },
      { role: 'agent', text: 'Do they speak German there?' },
      { role: 'user', text: 'Yes, German.' },
      { role: 'agent', text: 'Is it a small country?' },
      { role: 'user', text: "I'm not sure about that." },
      { role: 'agent', text: 'Is it Austria?' },
      { role: 'user', text: "No, it's not Austria." },
    ];
    const knowledge = readKnowledge(catalog, turns);
    expect(knowledge.candidates.map((item) => item.name).sort()).toEqual(['Liechtenstein', 'Luxembourg', 'Switzerland']);
    expect([...knowledge.asked]).toEqual(['region=Europe', 'landlocked=yes', 'languages=German', 'languages=Swiss German', 'area=small']);
  });
});
