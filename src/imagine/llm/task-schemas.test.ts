import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleSchema, seededRandom } from '../../../test/support/schema-sample.ts';
import { strictJsonSchema } from '../../llm/strict-schema.ts';
import { resolveTaskSpec } from '../../tasks/registry.ts';
import { critiqueSchema, personaBatchSchema, transcriptSchema } from './prompts.ts';
import { validatePersona } from './persona-step.ts';
import { critiqueJsonSchema, personaBatchJsonSchema, transcriptJsonSchema } from './task-schemas.ts';

describe('task-built schemas', () => {
  it('make each hidden parameter a required property, an enum where the spec lists values, and have a strict form', async () => {
    const spec = await resolveTaskSpec('persuasion');
    const schema = personaBatchJsonSchema(spec, 6);
    const personas = (schema.properties as { personas: { maxItems: number; items: { properties: { hidden: { required: string[]; properties: Record<string, { enum?: string[] }> } } } } }).personas;
    expect(personas.maxItems).toBe(6);
    expect(personas.items.properties.hidden.required).toEqual(spec.user.hiddenParameters.map((parameter) => parameter.name));
    const stance = spec.user.hiddenParameters.find((parameter) => parameter.name === 'stance');
    expect(personas.items.properties.hidden.properties.stance?.enum).toEqual(stance?.values);
    expect(strictJsonSchema(schema)).toBeDefined();
    expect(strictJsonSchema(transcriptJsonSchema(spec))).toBeDefined();
    expect(strictJsonSchema(critiqueJsonSchema(7))).toBeDefined();
  });

  it('are met by every value the strict schema allows: the loose validators accept them and every persona is usable', async () => {
    const specs = await Promise.all(['travel', 'instruction', 'persuasion'].map(resolveTaskSpec));
    fc.assert(
      fc.property(fc.constantFrom(...specs), fc.string(), (spec, seed) => {
        const random = seededRandom(seed);
        const batch = personaBatchSchema.parse(sampleSchema(strictJsonSchema(personaBatchJsonSchema(spec, 5)) ?? {}, random));
        for (const persona of batch.personas) expect(validatePersona(spec, persona).problem).toBeUndefined();
        const transcript = transcriptSchema.parse(sampleSchema(strictJsonSchema(transcriptJsonSchema(spec)) ?? {}, random));
        expect(transcript.turns.length).toBeLessThanOrEqual(2 * spec.maxTurns + 1);
        const critique = critiqueSchema.parse(sampleSchema(strictJsonSchema(critiqueJsonSchema(7)) ?? {}, random));
        for (const check of critique.checks) expect(check.criterion).toBeGreaterThanOrEqual(1);
        for (const check of critique.checks) expect(check.criterion).toBeLessThanOrEqual(7);
      }),
      { numRuns: 60 },
    );
  });

  it('leave a task without hidden parameters an open record (sent with strict: false)', async () => {
    const spec = { ...(await resolveTaskSpec('travel')), user: { description: 'anyone', hiddenParameters: [] } };
    expect(strictJsonSchema(personaBatchJsonSchema(spec, 3))).toBeUndefined();
  });
});
