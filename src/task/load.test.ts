import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReverieError } from '../errors.ts';
import { loadTaskSpecFile, parseTaskSpec, TaskSpecError } from './load.ts';

const travelYaml = fileURLToPath(new URL('../tasks/travel/task.yaml', import.meta.url));

// Line numbers below refer to this text (1-based).
const lines = [
  'name: shop', //  1
  'title: Shop assistant', //  2
  'description: Help someone pick a gift.', //  3
  'agent:', //  4
  '  role: a shop assistant', //  5
  '  goal: sell the right gift', //  6
  'user:', //  7
  '  description: a customer', //  8
  'success:', //  9
  '  description: the customer buys', // 10
  '  threshold: 0.7', // 11
  'maxTurns: 6', // 12
];
const valid = lines.join('\n') + '\n';
const withLine = (at: number, text: string): string => lines.map((line, index) => (index + 1 === at ? text : line)).join('\n') + '\n';
const without = (at: number): string => lines.filter((_, index) => index + 1 !== at).join('\n') + '\n';

const failure = (text: string, file = 'shop.yaml'): TaskSpecError => {
  try {
    parseTaskSpec(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(TaskSpecError);
    return error as TaskSpecError;
  }
  throw new Error('parseTaskSpec accepted an invalid spec');
};

describe('parseTaskSpec', () => {
  it('parses a valid spec and fills the defaults', () => {
    expect(parseTaskSpec(valid)).toEqual({
      name: 'shop',
      version: 1,
      title: 'Shop assistant',
      description: 'Help someone pick a gift.',
      agent: { role: 'a shop assistant', goal: 'sell the right gift' },
      user: { description: 'a customer', hiddenParameters: [] },
      success: { description: 'the customer buys', threshold: 0.7 },
      maxTurns: 6,
      turnCost: 0,
      critique: [],
      examples: [],
    });
  });

  it('reads the critique criteria and example exchanges of LLM tasks, and names a bad example turn', () => {
    const spec = parseTaskSpec(`${valid}critique:\n  - The customer never names a price first.\nexamples:\n  - note: clumsy\n    turns:\n      - role: user\n        text: Hi\n`);
    expect(spec.critique).toEqual(['The customer never names a price first.']);
    expect(spec.examples).toEqual([{ note: 'clumsy', turns: [{ role: 'user', text: 'Hi' }] }]);
    const error = failure(`${valid}examples:\n  - turns:\n      - role: narrator\n        text: Hi\n`);
    expect(error.message).toMatch(/^shop\.yaml:\d+:\d+: examples\.0\.turns\.0\.role: /);
  });

  it('reports file:line:col for a YAML syntax error', () => {
    const error = failure(withLine(5, '  role: [a shop assistant'));
    expect(error.message).toMatch(/^shop\.yaml:\d+:\d+: /);
    expect(error.file).toBe('shop.yaml');
    expect(error.line).toBeGreaterThanOrEqual(5);
    expect(ReverieError.isInstance(error)).toBe(true);
    expect(error.hint).toBeDefined();
  });

  it.each([
    ['a duplicate key', withLine(3, 'title: Again'), 'shop.yaml:3:1: Map keys must be unique'],
    ['a tab indent', withLine(5, '\trole: a shop assistant'), 'shop.yaml:5:1: Tabs are not allowed as indentation'],
  ])('points at %s exactly', (_what, text, message) => {
    expect(failure(text).message).toBe(message);
  });

  it('points at the line of a value of the wrong type', () => {
    const error = failure(withLine(12, 'maxTurns: "ten"'));
    expect(error.line).toBe(12);
    expect(error.message).toMatch(/^shop\.yaml:12:11: maxTurns: /);
    expect(error.message).toMatch(/expected number/);
  });

  it('points inside nested objects', () => {
    const error = failure(withLine(11, '  threshold: 1.5'));
    expect(error.message).toMatch(/^shop\.yaml:11:14: success\.threshold: /);
  });

  it('names an unknown key', () => {
    const error = failure(valid + 'colour: blue\n');
    expect(error.message).toMatch(/^shop\.yaml:\d+:\d+: /);
    expect(error.message).toContain('colour');
  });

  it('names an unknown nested key and points at its parent', () => {
    const error = failure(withLine(6, '  goal: sell the right gift\n  mood: cheerful'));
    expect(error.message).toMatch(/^shop\.yaml:5:3: agent: /);
    expect(error.message).toContain('mood');
  });

  it('names a missing required key', () => {
    const error = failure(without(2));
    expect(error.message).toMatch(/^shop\.yaml:\d+:\d+: title: /);
  });

  it('names a missing nested key and points at its parent object', () => {
    const error = failure(without(11));
    expect(error.message).toMatch(/^shop\.yaml:10:3: success\.threshold: /);
  });

  it('rejects an empty document without a position', () => {
    const error = failure('');
    expect(error.line).toBeUndefined();
    expect(error.message).toMatch(/^shop\.yaml: /);
  });

  it('uses a placeholder name when no file is given', () => {
    expect(() => parseTaskSpec('name: 1')).toThrow(/^<task spec>/);
  });

  it('parses the built-in travel task', async () => {
    const spec = parseTaskSpec(await readFile(travelYaml, 'utf8'), 'travel/task.yaml');
    expect(spec.name).toBe('travel');
    expect(spec.success.threshold).toBe(0.8);
    expect(spec.maxTurns).toBe(10);
    expect(spec.user.hiddenParameters.map((parameter) => parameter.name)).toEqual(['kind', 'setting', 'pace', 'cost', 'vague', 'patience']);
  });
});

describe('loadTaskSpecFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a file', async () => {
    const file = join(dir, 'shop.yaml');
    await writeFile(file, valid);
    expect((await loadTaskSpecFile(file)).name).toBe('shop');
  });

  it('reports errors with the path of the file', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, withLine(12, 'maxTurns: "ten"'));
    await expect(loadTaskSpecFile(file)).rejects.toThrow(`${file}:12:11: maxTurns`);
  });

  it('a missing file throws TaskSpecError naming the file', async () => {
    const file = join(dir, 'nope.yaml');
    const error = await loadTaskSpecFile(file).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TaskSpecError);
    expect((error as TaskSpecError).file).toBe(file);
    expect((error as TaskSpecError).message).toBe(`${file}: cannot read the file (ENOENT)`);
  });
});
