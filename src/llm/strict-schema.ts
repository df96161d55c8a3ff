/**
 * The strict form of a JSON Schema, as OpenAI's strict structured outputs accept it: every object
 * closed (`additionalProperties: false`) with all its properties required, and only the keywords
 * constrained decoding understands. Keywords it drops (string lengths, defaults, descriptions of
 * formats) are still checked by zod after the reply arrives. A schema that cannot be made strict
 * (an open record whose keys the model chooses, a root that is not an object) gives undefined, and
 * the request goes out with `strict: false` instead.
 *
 * @example
 * strictJsonSchema({ type: 'object', properties: { a: { type: 'string', minLength: 2 } } });
 * // { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }
 * strictJsonSchema({ type: 'object', additionalProperties: { type: 'string' } }); // undefined
 */

type Json = Record<string, unknown>;

/** Keywords kept, per what they apply to; everything else is dropped. */
const KEPT = new Set([
  'type',
  'enum',
  'const',
  'description',
  'title',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'pattern',
  '$defs',
  '$ref',
]);

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Undefined when `node` (or anything inside it) cannot be expressed strictly. */
function strictNode(node: unknown): Json | undefined {
  if (!isObject(node)) return undefined;
  if (Array.isArray(node.oneOf) || Array.isArray(node.allOf) || node.not !== undefined || Array.isArray(node.prefixItems)) return undefined;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) if (KEPT.has(key)) out[key] = value;
  // An empty schema ({}: "anything") has no strict form.
  if (out.type === undefined && out.enum === undefined && out.const === undefined && out.anyOf === undefined && out.$ref === undefined) return undefined;

  if (out.type === 'object' || isObject(out.properties)) {
    if (isObject(node.additionalProperties) || (node.additionalProperties === true && !isObject(node.properties))) return undefined;
    const properties: Json = {};
    for (const [name, child] of Object.entries(isObject(node.properties) ? node.properties : {})) {
      const strict = strictNode(child);
      if (strict === undefined) return undefined;
      properties[name] = strict;
    }
    out.properties = properties;
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  if (out.items !== undefined) {
    const items = strictNode(out.items);
    if (items === undefined) return undefined;
    out.items = items;
  }
  if (Array.isArray(out.anyOf)) {
    const options = out.anyOf.map(strictNode);
    if (options.some((option) => option === undefined)) return undefined;
    out.anyOf = options;
  }
  if (isObject(out.$defs)) {
    const defs: Json = {};
    for (const [name, child] of Object.entries(out.$defs)) {
      const strict = strictNode(child);
      if (strict === undefined) return undefined;
      defs[name] = strict;
    }
    out.$defs = defs;
  }
  return out;
}

export function strictJsonSchema(schema: Json): Json | undefined {
  // The root must be an object; a union or an array there is refused in strict mode.
  if (schema.type !== 'object') return undefined;
  return strictNode(schema);
}
