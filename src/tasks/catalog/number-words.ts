/**
 * Numbers written in words, as people say them in comparisons: "five million", "three hundred
 * and twenty", "a thousand", "twenty-five thousand". A pattern finds them in lower-case text and
 * `wordsToNumber` gives their value.
 *
 * @example
 * wordsToNumber('two hundred and fifty thousand') // → 250000
 */

const units = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const scales: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

const small = [...units, ...tens, 'hundred'];
const word = [...small, ...Object.keys(scales)];

/**
 * A number in words: number words joined by spaces, hyphens or "and", starting with a number
 * word, or with "a" before a scale ("a million"); the longest alternatives first.
 */
const byLength = (words: readonly string[]): string => [...words].sort((a, b) => b.length - a.length).join('|');
export const numberWordsSource = `(?:(?:${byLength(word)})|a(?=\\s+(?:hundred|${Object.keys(scales).join('|')})\\b))(?:(?:\\s+and\\s+|[\\s-]+)(?:${byLength(word)})\\b)*`;

/** The value of a number in words; NaN when a word is not a number word. */
export const wordsToNumber = (text: string): number => {
  let total = 0;
  let current = 0;
  for (const token of text.split(/[\s-]+/).filter((each) => each !== '' && each !== 'and')) {
    const unit = units.indexOf(token);
    const ten = tens.indexOf(token);
    const scale = scales[token];
    if (token === 'a') current = 1;
    else if (unit >= 0) current += unit;
    else if (ten >= 0) current += (ten + 2) * 10;
    else if (token === 'hundred') current = (current === 0 ? 1 : current) * 100;
    else if (scale !== undefined) {
      total += (current === 0 ? 1 : current) * scale;
      current = 0;
    } else return Number.NaN;
  }
  return total + current;
};
