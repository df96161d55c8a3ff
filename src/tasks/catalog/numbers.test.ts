import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, compares, formatNumber, readComparisons } from './numbers.ts';

const bucketsFrom = (bounds: readonly number[]) => [...bounds.map((below, index) => ({ name: `b${index}`, below })), { name: `b${bounds.length}` }];
const sortedBounds = fc.uniqueArray(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 0, maxLength: 6 }).map((bounds) => [...bounds].sort((a, b) => a - b));

describe('bucketOf', () => {
  it('puts every number in the one bucket whose bounds hold it', () => {
    fc.assert(
      fc.property(sortedBounds, fc.double({ min: -2e9, max: 2e9, noNaN: true }), (bounds, value) => {
        const index = Number(bucketOf(bucketsFrom(bounds), value).slice(1));
        if (index > 0) expect(value).toBeGreaterThanOrEqual(bounds[index - 1] as number);
        if (index < bounds.length) expect(value).toBeLessThan(bounds[index] as number);
      }),
    );
  });

  it('is monotone: a larger number never falls in an earlier bucket', () => {
    fc.assert(
      fc.property(sortedBounds, fc.double({ min: -2e9, max: 2e9, noNaN: true }), fc.double({ min: -2e9, max: 2e9, noNaN: true }), (bounds, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const index = (value: number) => Number(bucketOf(bucketsFrom(bounds), value).slice(1));
        expect(index(low)).toBeLessThanOrEqual(index(high));
      }),
    );
  });

  it('a bound belongs to the bucket above it', () => {
    expect(bucketOf(bucketsFrom([50_000, 500_000]), 50_000)).toBe('b1');
    expect(bucketOf(bucketsFrom([50_000, 500_000]), 49_999.9)).toBe('b0');
    expect(bucketOf(bucketsFrom([]), 3)).toBe('b0');
  });
});

describe('reading comparisons', () => {
  it('reads back every threshold an agent says', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 1, max: 5000 }).map((tenths) => tenths * 100_000)), (value) => {
        const [read] = readComparisons(`is its area over ${formatNumber(value).toLowerCase()} square kilometres?`);
        expect(read?.value).toBe(value);
        expect(read?.op).toBe('above');
      }),
    );
  });

  it('understands the usual wordings, scales and thousands separators', () => {
    expect(readComparisons('is it bigger than 1.5 million square kilometres?')).toEqual([{ op: 'above', value: 1_500_000, text: 'bigger than 1.5 million' }]);
    expect(readComparisons('fewer than 50,000 people, and at least 2 billion?')).toEqual([
      { op: 'below', value: 50_000, text: 'fewer than 50,000' },
      { op: 'above', value: 2e9, text: 'at least 2 billion' },
    ]);
    expect(readComparisons('is its latitude below -20?')).toEqual([{ op: 'below', value: -20, text: 'below -20' }]);
    expect(readComparisons('is it big? over there')).toEqual([]);
    expect(compares({ op: 'above', value: 10, text: '' }, 11)).toBe(true);
    expect(compares({ op: 'below', value: 10, text: '' }, 11)).toBe(false);
  });
});

describe('numbers in words', () => {
  it.each([
    ['does it have over five million people?', 'above', 5_000_000, 'over five million'],
    ['is it more than 3 million?', 'above', 3_000_000, 'more than 3 million'],
    ['is it under a thousand metres?', 'below', 1000, 'under a thousand'],
    ['more than two hundred and fifty thousand?', 'above', 250_000, 'more than two hundred and fifty thousand'],
    ['at least twenty-five grams', 'above', 25, 'at least twenty-five'],
    ['fewer than ninety-nine', 'below', 99, 'fewer than ninety-nine'],
  ])('reads "%s"', (text, op, value, said) => {
    expect(readComparisons(text)).toEqual([{ op, value, text: said }]);
  });

  it('reads nothing in words that are not numbers', () => {
    expect(readComparisons('is it over a bridge?')).toEqual([]);
    expect(readComparisons('is it above anything?')).toEqual([]);
  });

  it('reads back every number it writes in words, up to a billion', () => {
    const say = (n: number): string => {
      const units = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
      const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
      const below1000 = (m: number): string => {
        const hundreds = Math.floor(m / 100);
        const rest = m % 100;
        const restWords = rest < 20 ? units[rest] : `${tens[Math.floor(rest / 10)]}${rest % 10 === 0 ? '' : `-${units[rest % 10]}`}`;
        return hundreds === 0 ? (restWords as string) : `${units[hundreds]} hundred${rest === 0 ? '' : ` and ${restWords}`}`;
      };
      const parts: string[] = [];
      for (const [scale, name] of [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']] as const) {
        if (n >= scale) parts.push(`${below1000(Math.floor(n / scale))} ${name}`);
        n %= scale;
      }
      if (n > 0 || parts.length === 0) parts.push(below1000(n));
      return parts.join(' ');
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), (value) => {
        expect(readComparisons(`is it over ${say(value)} kilometres?`)[0]?.value).toBe(value);
      }),
    );
  });
});
