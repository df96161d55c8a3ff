/**
 * The entries of a record whose value is not undefined: flags a user did not give must not
 * overwrite the defaults they are spread over.
 *
 * @example
 * ({ steps: 3000, ...definedOnly({ steps: undefined, seed: 2 }) }) // → { steps: 3000, seed: 2 }
 */
export const definedOnly = <T extends Record<string, unknown>>(record: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
