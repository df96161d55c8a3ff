import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { jsonCandidates, parseStructured, repairMessages, schemaToJson, withJsonInstruction } from './json-output.ts';

const Person = z.object({ name: z.string(), tags: z.array(z.string()).optional() });

describe('parseStructured', () => {
  it.each([
    ['bare JSON', '{"name":"Ada"}'],
    ['surrounding whitespace', '\n  {"name":"Ada"}  \n'],
    ['a json fence', '```json\n{"name":"Ada"}\n```'],
    ['a bare fence with prose', 'Here:\n```\n{"name":"Ada"}\n```\nDone.'],
    ['prose around it', 'Sure, the person is {"name":"Ada"}. Hope that helps!'],
    ['braces inside strings', 'ok {"name":"A}d{a"} ok'],
    ['an earlier bracket that is not JSON', 'Note [1]: see {"name":"Ada"}'],
    ['an earlier JSON value that does not fit', 'Example: {"x":1}. Answer: {"name":"Ada"}'],
  ])('finds the value in %s', (_what, text) => {
    const result = parseStructured(text, Person);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.name).toMatch(/^A.*a$/);
  });

  it('takes arrays too', () => {
    const result = parseStructured('Ideas: ["a", "b"] end', z.array(z.string()));
    expect(result).toEqual({ ok: true, value: ['a', 'b'], json: '["a", "b"]' });
  });

  it('reports the zod issues of the first JSON it could read', () => {
    const result = parseStructured('{"name": 3, "tags": "x"}', Person);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toEqual([['name'], ['tags']]);
  });

  it('reports when there is no JSON at all, or it is cut off', () => {
    for (const text of ['no idea', '', '{"name": "Ad']) {
      const result = parseStructured(text, Person);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues[0]!.message).toContain('no parseable JSON');
    }
  });

  it('recovers any JSON object embedded in prose', () => {
    const prose = fc.string().filter((text) => !/[{}[\]"`]/.test(text));
    fc.assert(
      // "__proto__" is left out here: zod drops that key on purpose (see the next test).
      fc.property(prose, fc.dictionary(fc.string().filter((key) => key !== '__proto__'), fc.jsonValue()), prose, (before, value, after) => {
        const result = parseStructured(`${before}${JSON.stringify(value)}${after}`, z.record(z.string(), z.unknown()));
        expect(result.ok).toBe(true);
        if (result.ok) expect(JSON.stringify(result.value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 200 },
    );
  });

  it('never lets a "__proto__" key in a reply reach an object prototype', () => {
    const result = parseStructured('{"__proto__": {"polluted": true}, "name": "Ada"}', z.record(z.string(), z.unknown()));
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('bounds the work on text full of brackets', () => {
    expect(jsonCandidates('{'.repeat(5000) + '}'.repeat(5000) + '[]'.repeat(500)).length).toBeLessThanOrEqual(52);
    const started = Date.now();
    expect(parseStructured('{'.repeat(50_000), Person).ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('prompts', () => {
  it('describes the input side of the schema without $schema', () => {
    const json = schemaToJson(z.object({ a: z.string(), b: z.number().default(1) }));
    expect(json).toMatchObject({ type: 'object', required: ['a'] });
    expect(json.$schema).toBeUndefined();
    expect(schemaToJson(z.string().refine((text) => text.length > 1))).toEqual({ type: 'string' });
  });

  it('adds the instruction to the system prompt', () => {
    expect(withJsonInstruction([{ role: 'user', content: 'q' }], 'JSON!')).toEqual([
      { role: 'system', content: 'JSON!' },
      { role: 'user', content: 'q' },
    ]);
    expect(withJsonInstruction([{ role: 'system', content: 's' }, { role: 'user', content: 'q' }], 'JSON!')[0]).toEqual({ role: 'system', content: 's\n\nJSON!' });
  });

  it('builds the repair turn from the bad reply and its issues', () => {
    const messages = repairMessages([{ role: 'user', content: 'q' }], '', [{ path: ['a', 0], message: 'Required' }]);
    expect(messages[1]).toEqual({ role: 'assistant', content: '(empty reply)' });
    expect(messages[2]!.content).toContain('a.0: Required');
  });
});
