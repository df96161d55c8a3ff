/**
 * The JSON Schemas imagination sends with each request, built from the task spec so that they say
 * everything the task knows: a persona has each hidden parameter as a required property (an enum
 * where the spec lists values), a dialogue's roles come from an enum and its length from the turn
 * limit, a critique's criterion numbers from the criteria shown. A server with constrained decoding
 * (or OpenAI strict mode) can then only write what the task can use.
 *
 * The replies are still validated with the looser zod schemas of prompts.ts, so that a server that
 * ignores the schema gets the per-persona checks and the revision step rather than a failed call
 * for one bad value.
 *
 * @example
 * const jsonSchema = personaBatchJsonSchema(spec, 10);
 * await client.complete({ messages, schema: { name: 'personas', schema: personaBatchSchema, jsonSchema } });
 */
import { z } from 'zod';
import { schemaToJson } from '../../llm/json-output.ts';
import type { TaskSpec } from '../../task/spec.ts';

type JsonSchema = Record<string, unknown>;

/** The hidden parameters as a closed object, or an open record when the task declares none. */
const hiddenSchema = (spec: TaskSpec): z.ZodType => {
  const parameters = spec.user.hiddenParameters;
  if (parameters.length === 0) return z.record(z.string(), z.string()).describe('any traits of this user worth varying, by name');
  const shape = Object.fromEntries(
    parameters.map((parameter) => {
      const values = parameter.values;
      const field = values !== undefined && values.length > 0 ? z.enum(values as [string, ...string[]]) : z.string().min(1);
      return [parameter.name, field.describe(parameter.description)];
    }),
  );
  return z.object(shape).strict().describe('the hidden parameters, which the agent is not told');
};

export const personaBatchJsonSchema = (spec: TaskSpec, count: number): JsonSchema =>
  schemaToJson(
    z.object({
      personas: z
        .array(
          z.object({
            summary: z.string().min(10).describe('two or three sentences in the third person: who they are, their situation, what they want'),
            hidden: hiddenSchema(spec),
            voice: z.string().min(1).describe('how they talk'),
          }),
        )
        .min(1)
        .max(count),
    }),
  );

/** A whole conversation: roles from the enum, at most maxTurns agent turns between user turns. */
export const transcriptJsonSchema = (spec: TaskSpec): JsonSchema =>
  schemaToJson(
    z.object({
      turns: z
        .array(z.object({ role: z.enum(['user', 'agent']), text: z.string().min(1) }))
        .min(2)
        .max(2 * spec.maxTurns + 1)
        .describe(`the user speaks first and the two alternate; at most ${spec.maxTurns} agent turns`),
    }),
  );

/** One check per criterion at most, each naming a criterion by its number (1 … criteria). */
export const critiqueJsonSchema = (criteria: number): JsonSchema =>
  schemaToJson(
    z.object({
      checks: z
        .array(
          z.object({
            criterion: z.number().int().min(1).max(criteria),
            pass: z.boolean(),
            problem: z.string().describe('the problem in one sentence when it does not pass, else empty'),
          }),
        )
        .min(1)
        .max(criteria),
    }),
  );
