import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../util/rng.ts';
import { createGuessingUser } from '../guess/user.ts';
import { inspectCatalog, parseCatalog } from '../load.ts';
import type { GuessingCatalog } from '../model.ts';
import { CatalogProblemsError } from '../problems.ts';
import type { LocatedProblem } from '../problems.ts';
import { readAgentText } from '../reading.ts';

const fixture = fileURLToPath(new URL('../fixtures/objects.yaml', import.meta.url));
const text = await readFile(fixture, 'utf8');
const lines = text.split('\n');
const lineOf = (needle: string): number => lines.findIndex((line) => line.includes(needle)) + 1;

/** The fixture with the line containing `needle` replaced by `replacement`. */
const edited = (needle: string, replacement: string): string => {
  expect(text).toContain(needle);
  return lines.map((line) => (line.includes(needle) ? replacement : line)).join('\n');
};

const problems = async (source: string): Promise<LocatedProblem[]> => (await inspectCatalog(source, 'objects.yaml')).problems;
const errors = async (source: string): Promise<LocatedProblem[]> => (await problems(source)).filter((problem) => problem.severity === 'error');

const guessing = async (source: string): Promise<GuessingCatalog> => {
  const catalog = await parseCatalog(source, 'objects.yaml');
  if (catalog.family !== 'guessing') throw new Error('objects is a guessing catalog');
  return catalog;
};

describe('the checks pass a clean catalog', () => {
  it('finds no problem in the objects fixture', async () => {
    expect(await problems(text)).toEqual([]);
  });
});

describe('each mistake is an error with a hint that fits its cause', () => {
  it('two items answering to the same alias', async () => {
    const found = await errors(edited('{name: key,', '  - {name: key, aliases: [sheet of paper], material: metal, colour: grey, edible: false, weight: 10}'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ position: { line: lineOf('{name: key,'), col: 27 }, message: 'items.3.aliases.0: "sheet of paper" names both paper and key' });
    expect(found[0]?.hint).toMatch(/^A name or alias may belong to one item only: asked "Is it sheet of paper\?", the user hears two guesses/);
  });

  it('a comparison the user cannot answer', async () => {
    const found = await errors(edited("compare: ['Does it weigh", "    compare: ['Is its weight around {number} grams?']"));
    expect(found.map((problem) => problem.message)).toEqual([
      `attributes.weight.compare.0: the user cannot answer "Is its weight around 50 grams?" (weight > 50): it reads no comparison, so they reply "I'll only answer yes or no."`,
      `attributes.weight.compare.0: the user cannot answer "Is its weight around 500 grams?" (weight > 500): it reads no comparison, so they reply "I'll only answer yes or no."`,
    ]);
    expect(found[0]?.hint).toMatch(/"over", "above", "more than"/);
  });

  it('a word recognised as values of two attributes', async () => {
    const found = await errors(edited('values: [orange, red, grey, white, yellow]', '    values: {orange: null, red: null, grey: {recognise: [metal]}, white: null, yellow: null}'));
    expect(found[0]?.message).toBe('attributes.colour.values.grey: "metal" (colour = grey) is also read as material = metal');
    expect(found[0]?.hint).toMatch(/declare `within: material` on colour/);
    // The question about metal now gets a second answer, about colour.
    expect(found.map((problem) => problem.message)).toContain(
      'attributes.material.ask.0: "Is it made of metal?" (material = metal) is also read as a question about colour = grey, so it gets two answers (apple: "No, not metal. No, not grey.")',
    );
  });

  it('a word recognised as two values of one attribute, and the wrong answers it causes', async () => {
    const found = await errors(edited('values: [orange, red, grey, white, yellow]', '    values: {orange: {recognise: [red]}, red: null, grey: null, white: null, yellow: null}'));
    expect(found.map((problem) => problem.message)).toEqual([
      'attributes.colour.values.orange: "red" is read as both colour = orange and colour = red',
      'attributes.colour.ask.0: "Is its colour red?" (colour = red) gets 1 wrong answer, e.g. orange: "Yes, orange."',
    ]);
    expect(found[0]?.hint).toMatch(/write `countsAs: \[red\]` on orange instead/);
  });

  it('a recogniser that makes every question of its attribute answer wrongly', async () => {
    const found = await errors(edited('values: [orange, red, grey, white, yellow]', '    values: {orange: null, red: null, grey: null, white: {recognise: [its colour]}, yellow: null}'));
    expect(found.map((problem) => problem.message)).toContain('attributes.colour.ask.0: "Is its colour red?" (colour = red) gets 2 wrong answers, e.g. paper: "Yes, white."');
    expect(found[0]?.hint).toMatch(/also read as colour = white: remove the shared word/);
  });

  it('a value named like an item in an attribute without `asks`: the question reads as a guess', async () => {
    const found = await errors(edited('asks: [colour, color]', '    asks: []'));
    expect(found.map((problem) => problem.message)).toEqual([
      'attributes.colour.values.orange: "orange" (colour = orange) is also the name of the item orange',
      'attributes.colour.ask.0: "Is its colour orange?" reads as a guess of orange, not as a question about colour = orange',
    ]);
    expect(found[1]?.hint).toBe('A name in a question makes it a guess of that item. To keep it a question, give colour `asks` words (like "colour") and say one in it, or give orange its own `ask` wording.');
  });

  it('a question naming an item without an `asks` word blames the name, not the value’s words', async () => {
    const found = await errors(edited("ask: ['Is it made of {words}?']", "    ask: ['Is it {words}?']"));
    expect(found.map((problem) => problem.message)).toEqual(['attributes.material.ask.0: "Is it paper?" reads as a guess of paper, not as a question about material = paper']);
    expect(found[0]?.hint).toMatch(/say one of material's `asks` words in it, or give paper its own `ask` wording/);
  });

  it('a guess template that names another item', async () => {
    const found = await errors(edited("guess: ['Is it {a name}?'", "  guess: ['Is it {a name}?', 'My guess is {a name}, not a key.']"));
    expect(found[0]?.message).toBe('items.0.name: "My guess is an apple, not a key." reads as a guess of key as well as apple');
    expect(found[0]?.hint).toBe("The template's own words name key; reword the template.");
    // Every name but the key's own, which the template names anyway.
    expect(found).toHaveLength(8);
  });

  it('answer templates that agents would misread', async () => {
    const start = { hint: 'Agents read an answer by its first word: start it with "Yes".' };
    expect(await errors(text.replace("yes: ['Yes, you can eat it.']", "yes: ['It is edible.']"))).toEqual([
      expect.objectContaining({ ...start, message: 'attributes.edible.values.yes.answers.yes.0: "It is edible." does not start with "Yes"' }),
    ]);
    expect(await errors(text.replace("answers: {yes: ['Yes, {words} grams.']", "answers: {yes: ['Sure, {words} grams.']"))).toEqual([
      expect.objectContaining({ ...start, message: 'attributes.weight.answers.yes.0: "Sure, {words} grams." does not start with "Yes"' }),
    ]);
  });

  it('the loader refuses a catalog with errors, naming the first and counting the rest', async () => {
    const error = await parseCatalog(edited("compare: ['Does it weigh", "    compare: ['Is its weight around {number} grams?']"), 'objects.yaml').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CatalogProblemsError);
    expect((error as CatalogProblemsError).message).toMatch(/^objects\.yaml:\d+:\d+: attributes\.weight\.compare\.0: the user cannot answer .* \(and 1 more; `reverie check objects\.yaml` lists them all\)$/);
  });

  it('every schema problem at once, each at its line', async () => {
    const found = await errors(text.replace('maxTurns: 10', 'maxTurns: ten').replace('patience: [6, 10]', 'patience: [6, 10]\n  colour: 0.5'));
    expect(found.map((problem) => [problem.position?.line, problem.message.split(':')[0]])).toEqual([
      [lineOf('maxTurns: 10'), 'task.maxTurns'],
      [lineOf('patience: [6, 10]') + 1, 'persona.colour'],
    ]);
  });
});

describe('names read as one guess, longest first', () => {
  it('an alias that contains another item’s name reads as its own item whatever the alias order', async () => {
    const catalog = await guessing(edited('{name: pencil,', '  - {name: pencil, aliases: [pencil case pen, pencil case], material: wood, colour: yellow, edible: false, weight: 8}').replace('{name: key,', '{name: case,'));
    expect(readAgentText(catalog, 'Is it pencil case?').items.map((item) => item.name)).toEqual(['pencil']);
    expect(readAgentText(catalog, 'Is it a case?').items.map((item) => item.name)).toEqual(['case']);
  });
});

describe('phrasing the user reads naturally', () => {
  const reply = (catalog: GuessingCatalog, item: string, question: string, unsure: string[] = []): string =>
    createGuessingUser(catalog, { item, unsure, patience: 10 }, createRng(1)).reply([
      { role: 'user', text: 'Hi' },
      { role: 'agent', text: question },
    ]).text;

  it('a name said as a value in a question about that attribute is not a guess', async () => {
    const catalog = await guessing(text);
    expect(reply(catalog, 'paper', 'Is it made of paper?')).toBe('Yes, paper.');
    expect(reply(catalog, 'orange', 'Is its colour orange?')).toBe('Yes, orange.');
    expect(reply(catalog, 'orange', 'Is it orange?')).toMatch(/^(Yes! It's orange\.|That's right, orange!)$/);
  });

  it('one value with its own question, and a yes/no attribute asked from one side with its own answers', async () => {
    const catalog = await guessing(text);
    expect(reply(catalog, 'apple', 'Does it come from a plant?')).toBe('Yes, plant matter.');
    expect(reply(catalog, 'apple', 'Can you eat it?')).toBe('Yes, you can eat it.');
    expect(reply(catalog, 'key', 'Can you eat it?')).toBe("No, you can't eat it.");
    // An LLM may still ask from the other side; the answer is about the value read.
    expect(reply(catalog, 'key', 'Is it inedible?')).toBe('Yes, inedible.');
    expect(reply(catalog, 'apple', 'Does it weigh more than 100 grams?')).toBe('Yes, more than 100 grams.');
  });

  it('data the item lacks: "It depends", apart from a persona who is unsure', async () => {
    const catalog = await guessing(text);
    expect(reply(catalog, 'car', 'Is its colour red?')).toBe('It depends.');
    expect(reply(catalog, 'apple', 'Is its colour red?', ['colour'])).toMatch(/^(I'm not sure about that\.|I don't know, to be honest\.)$/);
  });

  it('guess templates with an article', async () => {
    const catalog = await guessing(text);
    const said = (name: string) => readAgentText(catalog, `Is it ${name}?`).items.map((item) => item.name);
    expect(said('an apple')).toEqual(['apple']);
    expect(said('a unicorn figure')).toEqual(['unicorn figure']);
  });
});

describe('the mistakes found in two catalogs written from the docs', () => {
  const cities = (country: string, worn = ''): string => `family: guessing
task:
  name: cities
  title: Guess my city
  description: A user thinks of a city.
  agent: {role: a player, goal: name the city}
  user: {description: someone with a city in mind}
  success: {description: the agent names the city, threshold: 0.5}
  maxTurns: 10
persona: {patience: [6, 10]}
phrasing: {openings: [Guess my city.], confused: Ask me a yes-or-no question., guess: ['Is it {name}?']}
attributes:
${country}
  capital:
    type: boolean
    values:
      yes: {words: [a capital], recognise: [capital city], ask: ['Is it a capital city?']}
      no: {words: [not a capital], ask: []}
${worn}
items:
  - {name: Singapore, country: Singapore, capital: true}
  - {name: Valparaiso, country: Chile, capital: false}
  - {name: Santiago, country: Chile, capital: true}
`;

  it('a city-state: the question "Is it in Singapore?" is a guess, and the hint says how to ask it', async () => {
    const found = await errors(cities("  country:\n    type: categorical\n    ask: ['Is it in {words}?']\n    values: [Singapore, Chile]"));
    expect(found.map((problem) => problem.message)).toContain('attributes.country.ask.0: "Is it in Singapore?" reads as a guess of Singapore, not as a question about country = Singapore');
    expect(found.find((problem) => problem.message.startsWith('attributes.country.ask.0'))?.hint).toMatch(/give country `asks` words \(like "country"\) and say one in it, or give Singapore its own `ask` wording/);
  });

  it('a city-state with its own question wording loads, and the user tells the question from the guess', async () => {
    const source = cities("  country:\n    type: categorical\n    asks: [country]\n    ask: ['Is it in {words}?']\n    values:\n      Singapore: {ask: ['Is the country Singapore?']}\n      Chile: null");
    expect(await problems(source)).toEqual([]);
    const catalog = await guessing(source);
    const reply = (item: string, question: string) => createGuessingUser(catalog, { item, unsure: [], patience: 10 }, createRng(1)).reply([{ role: 'user', text: 'Hi' }, { role: 'agent', text: question }]).text;
    expect(reply('singapore', 'Is the country Singapore?')).toBe('Yes, Singapore.');
    expect(reply('santiago', 'Is the country Singapore?')).toBe('No, not Singapore.');
    expect(reply('santiago', 'Is it a capital city?')).toBe('Yes, a capital.');
    expect(reply('singapore', 'Is it Singapore?')).toMatch(/Singapore/);
    expect(readAgentText(catalog, 'Is it Singapore?').items.map((item) => item.name)).toEqual(['Singapore']);
  });

  it('a recogniser added to one value makes another value’s question answer wrongly', async () => {
    const worn = "  worn:\n    type: categorical\n    asks: [worn]\n    ask: ['Is it worn {words}?']\n    values:\n      feet: {words: [on the feet]}\n      body: {words: [on the body], recognise: [worn]}";
    const source = cities("  country:\n    type: categorical\n    asks: [country]\n    ask: ['Is the country {words}?']\n    values: [Singapore, Chile]", worn).replace(/capital: (true|false)\}/g, 'capital: $1, worn: body}');
    const found = await errors(source);
    expect(found.map((problem) => problem.message)).toEqual(['attributes.worn.ask.0: "Is it worn on the feet?" (worn = feet) gets 3 wrong answers, e.g. Singapore: "Yes, on the body."']);
    expect(found[0]?.hint).toMatch(/^It is also read as worn = body: remove the shared word/);
  });
});

describe('declared overlaps are checked against the data', () => {
  it('`within` must hold for every item, and only the declared attribute may answer too', async () => {
    const countries = await readFile(fileURLToPath(new URL('../../countries/catalog.yaml', import.meta.url)), 'utf8');
    expect(countries).toContain('within: region');
    const found = await errors(countries.replace('within: region', 'within: landlocked'));
    expect(found.map((problem) => problem.message)).toContain('attributes.subregion.values.Western Africa: subregion is within landlocked, but items with Western Africa are in no and yes (Benin and Burkina Faso)');
    // Without `within: region`, "North Africa" is read as the subregion alone, the longer mention.
    expect(found.every((problem) => problem.message.includes('is within landlocked'))).toBe(true);
    // Without `countsAs`, "German" belongs to two values and Switzerland answers a German question wrongly.
    const german = await errors(countries.replace('countsAs: [German]', 'recognise: [German]'));
    expect(german.map((problem) => problem.message)).toEqual([
      'attributes.languages.values.Swiss German: "German" is read as both languages = German and languages = Swiss German',
      'attributes.languages.ask.0: "Do they speak German there?" (languages = German) gets 1 wrong answer, e.g. Switzerland: "Yes, Swiss German."',
      'attributes.languages.ask.1: "Is German an official language?" (languages = German) gets 1 wrong answer, e.g. Switzerland: "Yes, Swiss German."',
    ]);
  });
});
