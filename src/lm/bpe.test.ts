import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMerges } from './bpe-merge.ts';
import { BpeError, ByteLevelBpe, parseMergesTxt } from './bpe.ts';
import { trainBpe } from './bpe-train.ts';
import { BYTE_TO_CHAR, preTokenize, textToSymbols } from './byte-unicode.ts';

const corpus = [
  'The user asks for a flight to Paris. The agent asks which day the user wants to travel.',
  "I'd like a window seat, please. We'll see what's available. They've booked the hotel.",
  'Numbers: 12345, 3.14159, 2024-06-01. Emoji 🙂 and accents: café, naïve, Zürich.',
  '日本語のテキストも少し。 Ελληνικά γράμματα. Ñandú.\n\n  indented\tline  \r\n',
];
const SPECIALS = ['<|endoftext|>', '<|user|>', '<|agent|>', '<|end|>'];
const trained = trainBpe(Array.from({ length: 5 }, () => corpus).flat(), { vocabSize: 420, specialTokens: SPECIALS });

/** GPT-2's reference loop: merge every occurrence of the best-ranked pair, recompute, repeat. */
function referenceMerges(symbols: string[], rank: (a: string, b: string) => number | undefined): string[] {
  let word = symbols.slice();
  for (;;) {
    let best: [string, string] | undefined;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) {
      const r = rank(word[i] as string, word[i + 1] as string);
      if (r !== undefined && r < bestRank) [best, bestRank] = [[word[i] as string, word[i + 1] as string], r];
    }
    if (best === undefined) return word;
    const next: string[] = [];
    for (let i = 0; i < word.length; i++) {
      if (i + 1 < word.length && word[i] === best[0] && word[i + 1] === best[1]) {
        next.push(best[0] + best[1]);
        i += 1;
      } else next.push(word[i] as string);
    }
    word = next;
  }
}

describe('byte alphabet and pre-tokenisation', () => {
  it("maps each byte to its own printable character, as GPT-2 does", () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ');
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ');
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
    expect(textToSymbols(' é')).toBe('ĠÃ©');
  });

  it("cuts text like GPT-2's pattern, and the pieces always rebuild the text", () => {
    expect(preTokenize("Hello world's  end!!\n")).toEqual(['Hello', ' world', "'s", ' ', ' end', '!!', '\n']);
    expect(preTokenize('x = 42;  ')).toEqual(['x', ' =', ' 42', ';', '  ']);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => preTokenize(text).join('') === text));
  });
});

describe('applyMerges', () => {
  it('agrees with the reference merge loop on random words and merge tables', () => {
    const alphabet = ['a', 'b', 'c'];
    const pairs = alphabet.flatMap((x) => alphabet.map((y) => [x, y] as const));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 30 }), fc.shuffledSubarray([...pairs, ['ab', 'c'], ['a', 'bc'], ['aa', 'a'], ['ab', 'ab'], ['c', 'ab']] as const), (word, merges) => {
        const ranks = new Map(merges.map(([x, y], rank) => [`${x} ${y}`, rank]));
        const rank = (x: string, y: string) => ranks.get(`${x} ${y}`);
        expect(applyMerges(word, rank)).toEqual(referenceMerges(word, rank));
      }),
      { numRuns: 500 },
    );
  });
});

describe('ByteLevelBpe', () => {
  it('round-trips any well-formed string, with and without special tokens recognised', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.string(), fc.constantFrom(...SPECIALS, ' ', '\n\n', "'s")), { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        expect(trained.decode(trained.encode(text))).toBe(text);
        expect(trained.decode(trained.encode(text, { allowSpecial: false }))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes special tokens as single ids only when allowed', () => {
    const user = trained.specialTokenId('<|user|>');
    expect([...trained.specialTokens.keys()]).toEqual(SPECIALS);
    expect(SPECIALS.map((s) => trained.specialTokenId(s))).toEqual([0, 1, 2, 3]);
    const ids = trained.encode('<|user|>Hi<|end|><|agent|>Hello');
    expect(ids[0]).toBe(user);
    expect(ids.filter((id) => trained.isSpecialId(id))).toEqual([1, 3, 2]);
    expect(trained.encode('<|user|>', { allowSpecial: false }).every((id) => !trained.isSpecialId(id))).toBe(true);
    expect(() => trained.specialTokenId('<|system|>')).toThrow(/not a special token.*known: <\|endoftext\|>, <\|user\|>/);
  });

  it('adds special tokens after the vocabulary', () => {
    const extended = trained.withSpecialTokens(['<|system|>']);
    expect(extended.specialTokenId('<|system|>')).toBe(trained.vocabSize);
    expect(extended.vocabSize).toBe(trained.vocabSize + 1);
    expect(extended.encode('a<|system|>b')).toEqual([...trained.encode('a'), trained.vocabSize, ...trained.encode('b')]);
  });

  it('writes vocab.json and merges.txt that read back to the same tokenizer', () => {
    const { vocabJson, mergesTxt } = trained.toFiles();
    expect(mergesTxt.startsWith('#version: 0.2\n')).toBe(true);
    const reread = ByteLevelBpe.fromFiles(vocabJson, mergesTxt, { specialTokens: SPECIALS });
    expect(reread.toFiles()).toEqual({ vocabJson, mergesTxt });
    for (const text of corpus) expect(reread.encode(text)).toEqual(trained.encode(text));
  });

  it('applies merges by rank, as in a hand-built GPT-2 style vocabulary', () => {
    const vocab = new Map(BYTE_TO_CHAR.map((c, i) => [c, i]));
    const merges: [string, string][] = [['l', 'o'], ['lo', 'w'], ['Ġ', 'low'], ['e', 'r']];
    merges.forEach(([a, b], i) => vocab.set(a + b, 256 + i));
    const tokenizer = new ByteLevelBpe({ vocab, merges });
    expect(tokenizer.encode('low lower')).toEqual([257, 258, 259]);
    expect(tokenizer.encode('lowe')).toEqual([257, vocab.get('e')]);
  });

  it('rejects inconsistent files with a BpeError that says what is wrong', () => {
    const vocab = new Map(BYTE_TO_CHAR.map((c, i) => [c, i]));
    expect(() => new ByteLevelBpe({ vocab, merges: [['a', 'b']] })).toThrow(/makes "ab", which is not in the vocabulary/);
    const lacking = new Map(vocab);
    lacking.delete('Ġ');
    expect(() => new ByteLevelBpe({ vocab: lacking, merges: [] })).toThrow(/lacks the byte token "Ġ"/);
    expect(() => new ByteLevelBpe({ vocab: new Map([...vocab, ['x1', 3]]), merges: [] })).toThrow(/share id 3/);
    expect(() => parseMergesTxt('#version: 0.2\na b\nabc\n')).toThrow(/line 3/);
    expect(() => ByteLevelBpe.fromFiles('[1, 2]', '')).toThrow(BpeError);
    expect(() => trained.decode([99999])).toThrow(/token id 99999/);
  });
});
