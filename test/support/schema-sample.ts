/**
 * Random values that a JSON Schema allows, as a server with constrained decoding writes them when
 * the model knows nothing about the prompt: every required property, enums and bounds respected,
 * anything else arbitrary. Strings are a few random words (at least `minLength` characters, at
 * most `maxLength`); arrays take between `minItems` and a few more items, never above `maxItems`;
 * optional properties appear half the time; `$ref` into `$defs` is followed.
 *
 * @example
 * const rng = seededRandom('request-7');
 * sampleSchema({ type: 'object', properties: { mood: { enum: ['calm', 'tense'] } }, required: ['mood'] }, rng);
 * // { mood: 'tense' }
 */
import { createHash } from 'node:crypto';

type Schema = Record<string, unknown>;

export type Random = () => number;

/** A deterministic generator in [0, 1) from a text (sha256 counter mode). */
export const seededRandom = (seed: string): Random => {
  let counter = 0;
  let block = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + 4 > block.length) {
      block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      at = 0;
    }
    const value = block.readUInt32BE(at) / 2 ** 32;
    at += 4;
    return value;
  };
};

const WORDS = (
  'river lamp quiet orange window travel seven morning careful bread garden distant music paper ' +
  'silver winter yellow stone bright coffee letter market violet thunder simple mountain honest ' +
  'pocket ladder mirror forest candle harbor velvet rocket pepper meadow castle ribbon puzzle ' +
  'shadow marble lantern cotton saddle anchor pebble breeze falcon copper maple island compass ' +
  'whistle tunnel blanket feather lemon canyon glacier tiger bicycle cinema kettle orchard ' +
  'parade quartz rumble sponge tractor umbrella walnut zephyr amber basket cactus dolphin'
).split(' ');

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)] as T;
const between = (low: number, high: number, random: Random): number => low + Math.floor(random() * (high - low + 1));

const words = (random: Random, minLength: number, maxLength: number): string => {
  let text = '';
  const target = between(2, 12, random);
  for (let count = 0; count < target || text.length < minLength; count++) text += `${text === '' ? '' : ' '}${pick(WORDS, random)}`;
  return text.slice(0, maxLength);
};

const resolveRef = (ref: string, root: Schema): Schema => {
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
  const defs = root.$defs as Record<string, Schema> | undefined;
  const target = name === undefined ? undefined : defs?.[name];
  if (target === undefined) throw new Error(`schema-sample: cannot follow $ref ${ref}`);
  return target;
};

const number = (schema: Schema, random: Random, integer: boolean): number => {
  const low = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + (integer ? 1 : 1e-6) : -100;
  const high = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - (integer ? 1 : 1e-6) : low + 200;
  return integer ? between(Math.ceil(low), Math.floor(high), random) : low + random() * (high - low);
};

export function sampleSchema(schema: Schema, random: Random, root: Schema = schema): unknown {
  if (typeof schema.$ref === 'string') return sampleSchema(resolveRef(schema.$ref, root), random, root);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return pick(schema.enum, random);
  if (Array.isArray(schema.anyOf)) return sampleSchema(pick(schema.anyOf as Schema[], random), random, root);
  if (Array.isArray(schema.oneOf)) return sampleSchema(pick(schema.oneOf as Schema[], random), random, root);
  const type = Array.isArray(schema.type) ? pick(schema.type as string[], random) : schema.type ?? (schema.properties === undefined ? 'string' : 'object');
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return random() < 0.5;
    case 'integer':
      return number(schema, random, true);
    case 'number':
      return number(schema, random, false);
    case 'string':
      return words(random, typeof schema.minLength === 'number' ? schema.minLength : 1, typeof schema.maxLength === 'number' ? schema.maxLength : 400);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : min + 4, min + 4);
      const items = (schema.items ?? {}) as Schema;
      return Array.from({ length: between(min, max, random) }, () => sampleSchema(items, random, root));
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const value: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(properties)) {
        if (required.has(name) || random() < 0.5) value[name] = sampleSchema(child, random, root);
      }
      // An open record (additionalProperties with a schema) gets a few keys of its own.
      if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
        for (let count = between(0, 3, random); count > 0; count--) value[pick(WORDS, random)] = sampleSchema(schema.additionalProperties as Schema, random, root);
      }
      return value;
    }
    default:
      throw new Error(`schema-sample: unknown type ${String(type)}`);
  }
}
