import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReverieError } from '../../errors.ts';
import { CatalogError } from './errors.ts';
import { loadCatalogFile, parseCatalog } from './load.ts';

const fixture = fileURLToPath(new URL('./fixtures/restaurants.yaml', import.meta.url));
const countries = fileURLToPath(new URL('../countries/catalog.yaml', import.meta.url));
const text = await readFile(fixture, 'utf8');
const lines = text.split('\n');

/** The 1-based line of the first line containing `needle` (at or after line `from`). */
const lineOf = (needle: string, from = 1): number => {
  const index = lines.findIndex((line, at) => at + 1 >= from && line.includes(needle));
  if (index < 0) throw new Error(`fixture has no line with ${needle}`);
  return index + 1;
};
/** The fixture with one line replaced (or removed with `undefined`). */
const edited = (needle: string, replacement: string | undefined, from = 1): string => {
  const at = lineOf(needle, from) - 1;
  return lines.flatMap((line, index) => (index !== at ? [line] : replacement === undefined ? [] : [replacement])).join('\n');
};

const failure = async (source: string, file = 'restaurants.yaml'): Promise<CatalogError> => {
  const error = await parseCatalog(source, file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CatalogError);
  expect(ReverieError.isInstance(error)).toBe(true);
  return error as CatalogError;
};

describe('loading a catalog', () => {
  it('reads every attribute type, with items and an embedded spec', async () => {
    const catalog = await loadCatalogFile(fixture);
    expect(catalog.family).toBe('recommendation');
    expect(catalog.spec.name).toBe('restaurants');
    expect(catalog.attributes.map((attribute) => `${attribute.name}:${attribute.type}`)).toEqual(['cuisine:set', 'price:categorical', 'outdoor:boolean', 'rating:numeric']);
    const luigi = catalog.items.find((item) => item.id === 'luigi');
    expect(luigi?.values).toEqual({ cuisine: ['italian', 'vegan'], price: ['cheap'], outdoor: ['yes'], rating: ['great'] });
    expect(luigi?.numbers).toEqual({ rating: 4.5 });
    expect(catalog.naive.map((item) => item.id)).toEqual(['luigi', 'green']);
    // A single value for a set attribute is a set of one.
    expect(catalog.items.find((item) => item.id === 'bangkok')?.values.cuisine).toEqual(['thai']);
  });

  it('reads the countries catalog from the world-countries package: 194 UN members', async () => {
    const catalog = await loadCatalogFile(countries);
    expect(catalog.family).toBe('guessing');
    expect(catalog.items).toHaveLength(194);
    const france = catalog.items.find((item) => item.name === 'France');
    expect(france?.values).toMatchObject({ region: ['Europe'], subregion: ['Western Europe'], languages: ['French'], currencies: ['EUR'], landlocked: ['no'], area: ['large'] });
  });
});

describe('catalog errors name the file and the line', () => {
  it('an unknown attribute type', async () => {
    const error = await failure(edited('type: set', '    type: colour'));
    expect(error.message).toMatch(new RegExp(`^restaurants\\.yaml:${lineOf('type: set')}:\\d+: attributes\\.cuisine\\.type: `));
    expect(error.line).toBe(lineOf('type: set'));
  });

  it('a duplicate item id', async () => {
    const error = await failure(edited('{id: bangkok', "  - {id: luigi, name: Little Bangkok, cuisine: thai, price: pricey, outdoor: false, rating: 3.9}"));
    expect(error.line).toBe(lineOf('{id: bangkok'));
    expect(error.message).toContain('duplicate item id "luigi"');
  });

  it('an item value outside the attribute’s declared values', async () => {
    const error = await failure(edited('{id: green', '  - {id: green, name: The Green Fork, cuisine: [vegan, french], price: pricey, outdoor: true, rating: 4.8}'));
    expect(error.line).toBe(lineOf('{id: green'));
    expect(error.message).toMatch(/green: "french" is not a declared value of cuisine \(declared: italian, thai, vegan\)/);
  });

  it('an item number outside the declared range, and an undeclared attribute on an item', async () => {
    expect((await failure(edited('{id: green', '  - {id: green, name: The Green Fork, cuisine: vegan, price: pricey, outdoor: true, rating: 7}'))).message).toMatch(
      new RegExp(`:${lineOf('{id: green')}:\\d+: items\\.2\\.rating: green: 7 is not a number in the range \\[0, 5\\]`),
    );
    expect((await failure(edited('{id: green', '  - {id: green, name: The Green Fork, spicy: true}'))).message).toContain('"spicy" is not a declared attribute');
  });

  it('an attribute with no phrasing: no questions for agents to ask', async () => {
    const error = await failure(edited("questions: [What's your budget?]", undefined));
    expect(error.line).toBe(lineOf('  price:'));
    expect(error.message).toMatch(/attributes\.price: no phrasing: give `questions`/);
  });

  it('a question the user simulator could not understand', async () => {
    const error = await failure(edited('questions: [How picky', '    questions: [Anything else?]'));
    expect(error.line).toBe(lineOf('questions: [How picky'));
    expect(error.message).toMatch(/would not understand "Anything else\?" as a question about rating/);
  });

  it('a guessing attribute without yes/no questions', async () => {
    const source = (await readFile(countries, 'utf8')).replace("    ask: ['Is it {words}?']\n    values:\n      yes:", '    values:\n      yes:');
    const error = await failure(source, 'countries.yaml');
    expect(error.message).toMatch(/^countries\.yaml:\d+:\d+: attributes\.landlocked: no phrasing: give `ask`/);
  });

  it('numeric buckets that do not partition the range', async () => {
    expect((await failure(edited('ok: {words: [decent], below: 4}', '      ok: {words: [decent], below: 9}'))).message).toMatch(/buckets\.ok: below: 9 must lie above 0 and within the range \[0, 5\]/);
    expect((await failure(edited('great: {words: [highly rated]}', '      great: {words: [highly rated], below: 5}'))).message).toMatch(/the last bucket .* has no `below`/);
  });

  it('a data value the attribute does not declare, at the field that maps it', async () => {
    const source = (await readFile(countries, 'utf8')).replace('      Polynesia: {words: [Polynesia]}\n', '');
    const error = await failure(source, 'countries.yaml');
    const fieldLine = source.split('\n').findIndex((line) => line.includes('subregion: subregion')) + 1;
    expect(error.line).toBe(fieldLine);
    expect(error.message).toMatch(/source\.fields\.subregion: \w+: "Polynesia" is not a declared value of subregion/);
  });

  it('a package that is not installed', async () => {
    const source = (await readFile(countries, 'utf8')).replace('package: world-countries', 'package: no-such-package-here');
    expect((await failure(source, 'countries.yaml')).message).toMatch(/source\.package: cannot load the npm package "no-such-package-here"/);
  });

  it('YAML syntax, an unknown family, unknown keys and a missing spec file', async () => {
    expect((await failure(`${text}\n  - {id: broken`)).message).toMatch(/^restaurants\.yaml:\d+:\d+: /);
    expect((await failure(text.replace('family: recommendation', 'family: quiz'))).message).toMatch(/^restaurants\.yaml:2:\d+: family: /);
    const unknownKey = await failure(text.replace('maxTurns: 6', 'maxTurns: 6\n  colour: red'));
    expect(unknownKey.line).toBe(lineOf('maxTurns: 6') + 1);
    expect(unknownKey.message).toMatch(/task\.colour: unknown key/);
    expect((await failure(text.replace('threshold: 0.8', 'threshold: 2'))).message).toMatch(new RegExp(`:${lineOf('success: {')}:\\d+: task\\.success\\.threshold: `));
    const missing = await parseCatalog(text.replace(/task:\n(  .*\n)+/, 'task: nowhere.yaml\n'), fixture).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(missing?.message).toMatch(/nowhere\.yaml: cannot read the file/);
  });
});
