import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaToJson } from './json-output.ts';
import { strictJsonSchema } from './strict-schema.ts';

describe('strictJsonSchema', () => {
  it('closes every object, requires every property, and keeps only keywords strict mode knows', () => {
    const schema = schemaToJson(
      z.object({
        name: z.string().min(2).describe('a name'),
        tone: z.string().default('neutral'),
        tags: z.array(z.object({ label: z.enum(['a', 'b']), weight: z.number().min(0).max(1).optional() })).min(1).max(3),
      }),
    );
    expect(strictJsonSchema(schema)).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'a name' },
        tone: { type: 'string' },
        tags: {
          type: 'array',
          minItems: 1,
          maxItems: 3,
          items: {
            type: 'object',
            properties: { label: { type: 'string', enum: ['a', 'b'] }, weight: { type: 'number', minimum: 0, maximum: 1 } },
            required: ['label', 'weight'],
            additionalProperties: false,
          },
        },
      },
      required: ['name', 'tone', 'tags'],
      additionalProperties: false,
    });
  });

  it('has no strict form for an open record, an "anything" value or a root that is not an object', () => {
    expect(strictJsonSchema(schemaToJson(z.object({ traits: z.record(z.string(), z.string()) })))).toBeUndefined();
    expect(strictJsonSchema(schemaToJson(z.object({ anything: z.unknown() })))).toBeUndefined();
    expect(strictJsonSchema(schemaToJson(z.array(z.string())))).toBeUndefined();
  });

  it('keeps unions below the root, each option strict', () => {
    const strict = strictJsonSchema(schemaToJson(z.object({ value: z.union([z.object({ a: z.string() }), z.null()]) })));
    expect(strict?.properties).toEqual({ value: { anyOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }, { type: 'null' }] } });
  });
});
