import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definedOnly } from './defined.ts';

describe('definedOnly', () => {
  it('keeps every entry but the undefined ones, falsy values included', () => {
    expect(definedOnly({ a: 0, b: undefined, c: '', d: null, e: false })).toEqual({ a: 0, c: '', d: null, e: false });
  });

  it('lets defaults stand where a flag was not given', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.option(fc.integer(), { nil: undefined })), fc.dictionary(fc.string(), fc.integer()), (given, defaults) => {
        const merged: Record<string, unknown> = { ...defaults, ...definedOnly(given) };
        // Own entries only: a key such as "valueOf" would otherwise read what every object inherits.
        const own = (record: Record<string, unknown>, key: string) => (Object.hasOwn(record, key) ? record[key] : undefined);
        for (const [key, value] of Object.entries(given)) expect(own(merged, key)).toBe(value === undefined ? own(defaults, key) : value);
      }),
    );
  });
});
