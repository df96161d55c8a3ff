/**
 * Numbers in conversation: which bucket a number falls in ("large"), and comparisons an agent
 * asks about ("over 1 million", "less than 50,000") read back from its text.
 *
 * @example
 * bucketOf([{ name: 'small', below: 1000 }, { name: 'large' }], 20) // → 'small'
 * readComparisons('Is it bigger than 1.5 million square kilometres?') // → [{ op: 'above', value: 1500000, text: 'bigger than 1.5 million' }]
 * readComparisons('does it have over five million people?') // → [{ op: 'above', value: 5000000, text: 'over five million' }]
 */
import { numberWordsSource, wordsToNumber } from './number-words.ts';

export type Bucket = { name: string; below?: number };

/** The first bucket whose bound lies above the number; the last bucket, which has no bound, takes the rest. */
export const bucketOf = (buckets: readonly Bucket[], value: number): string => {
  const last = buckets.at(-1);
  if (last === undefined) throw new Error('unreachable: an attribute without buckets');
  return (buckets.find((bucket) => bucket.below !== undefined && value < bucket.below) ?? last).name;
};

export type Comparison = { op: 'above' | 'below'; value: number; text: string };

const above = ['more than', 'greater than', 'bigger than', 'larger than', 'higher than', 'over', 'above', 'at least', 'exceeding'];
const below = ['less than', 'fewer than', 'smaller than', 'lower than', 'under', 'below', 'at most'];
/** Powers of ten, applied in decimal notation so that 256.4 million is exactly 256400000. */
const scales: Record<string, number> = { thousand: 3, k: 3, million: 6, m: 6, mn: 6, billion: 9, bn: 9 };

const comparison = new RegExp(
  `\\b(${[...above, ...below].join('|')})\\s+(?:(-?\\d[\\d,]*(?:\\.\\d+)?)(?:\\s*(${Object.keys(scales).join('|')})\\b)?|(${numberWordsSource})\\b)`,
  'g',
);

/** Every comparison with a number in the text, in digits or in words, in order; expects lower-case text. */
export const readComparisons = (text: string): Comparison[] =>
  [...text.matchAll(comparison)].flatMap((match): Comparison[] => {
    const [whole, word = '', digits, scale, words] = match;
    const value = words !== undefined ? wordsToNumber(words) : Number(`${(digits ?? '').replace(/,/g, '')}e${scale === undefined ? 0 : (scales[scale] ?? 0)}`);
    if (!Number.isFinite(value)) return [];
    return [{ op: above.includes(word) ? 'above' : 'below', value, text: whole.trim() }];
  });

export const compares = (comparison: Comparison, value: number): boolean => (comparison.op === 'above' ? value > comparison.value : value < comparison.value);

/** How an agent says a threshold: "1 million", "2.5 million", "100,000", "-20". */
export const formatNumber = (value: number): string => {
  const millions = value / 1e6;
  if (Math.abs(value) >= 1e6 && Number.isInteger(millions * 10)) return `${millions} million`;
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
};
