/**
 * Every field a zod schema accepts, as dotted paths (`attributes.*.values.*.words`, with `*` for
 * a key the user chooses), so that a test can hold the format docs to the schemas.
 *
 * @example
 * schemaFields(taskSpecSchema) // → ['name', 'version', 'title', …, 'agent.role', 'agent.goal', …]
 */
import { z } from 'zod';

const unwrap = (schema: z.ZodType): z.ZodType => {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else return current;
  }
};

/** Object schemas reachable from `schema` without passing through another object, with the path suffix to them. */
const objectsIn = (schema: z.ZodType, suffix: string): { object: z.ZodObject; suffix: string }[] => {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return [{ object: inner, suffix }];
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).flatMap((option) => objectsIn(option, suffix));
  if (inner instanceof z.ZodArray) return objectsIn(inner.element as z.ZodType, suffix);
  if (inner instanceof z.ZodRecord) return objectsIn(inner.valueType as z.ZodType, `${suffix}.*`);
  return [];
};

export const schemaFields = (schema: z.ZodType, prefix = ''): string[] => {
  const fields = new Set<string>();
  for (const { object, suffix } of objectsIn(schema, '')) {
    for (const [key, value] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const path = `${prefix}${suffix === '' ? '' : `${suffix.slice(1)}.`}${key}`;
      fields.add(path);
      for (const nested of schemaFields(value, `${path}.`)) fields.add(nested);
    }
  }
  return [...fields];
};
