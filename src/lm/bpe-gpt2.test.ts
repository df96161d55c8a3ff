/**
 * Cross-check against GPT-2's real tokenizer. The gpt-tokenizer package ships GPT-2's byte-pair
 * ranks (r50k_base, tiktoken format: base64 token bytes and rank), from which GPT-2's vocab.json
 * and merges.txt follow: a token's id is its rank, and its merge is the last step of BPE on its
 * own bytes using lower ranks only. Our tokenizer, fed those files, must encode like the package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { encode as referenceEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { describe, expect, it } from 'vitest';
import { ByteLevelBpe } from './bpe.ts';
import { bytesToSymbols } from './byte-unicode.ts';

const END_OF_TEXT = '<|endoftext|>';

function gpt2Files(): { vocab: Map<string, number>; merges: [string, string][] } {
  const require = createRequire(import.meta.url);
  const lines = readFileSync(require.resolve('gpt-tokenizer/data/r50k_base.tiktoken'), 'utf8').split('\n').filter(Boolean);
  // Token bytes as a binary string (one char per byte) → rank.
  const ranks = new Map<string, number>();
  for (const line of lines) {
    const [base64, rank] = line.split(' ') as [string, string];
    ranks.set(Buffer.from(base64, 'base64').toString('latin1'), Number(rank));
  }
  const symbols = (binary: string) => bytesToSymbols(Buffer.from(binary, 'latin1'));
  const vocab = new Map<string, number>();
  const merges: { rank: number; pair: [string, string] }[] = [];
  for (const [token, rank] of ranks) {
    vocab.set(symbols(token), rank);
    if (token.length < 2) continue;
    const parts = [...token];
    while (parts.length > 2) {
      let best = -1;
      let bestRank = rank;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = ranks.get((parts[i] as string) + (parts[i + 1] as string));
        if (r !== undefined && r < bestRank) [best, bestRank] = [i, r];
      }
      if (best < 0) throw new Error(`token rank ${rank} cannot be built from lower ranks`);
      parts.splice(best, 2, (parts[best] as string) + (parts[best + 1] as string));
    }
    merges.push({ rank, pair: [symbols(parts[0] as string), symbols(parts[1] as string)] });
  }
  merges.sort((a, b) => a.rank - b.rank);
  vocab.set(END_OF_TEXT, 50256);
  return { vocab, merges: merges.map((m) => m.pair) };
}

const { vocab, merges } = gpt2Files();
const gpt2 = ByteLevelBpe.fromFiles(JSON.stringify(Object.fromEntries(vocab)), ['#version: 0.2', ...merges.map((m) => m.join(' '))].join('\n'), {
  specialTokens: [END_OF_TEXT],
});

// Our pattern uses Unicode White_Space, as GPT-2's `regex` module did; gpt-tokenizer uses JS's
// \s, which also matches U+FEFF and misses U+0085. Texts with those two are compared elsewhere.
const comparable = (text: string) => !/[\uFEFF\u0085]/u.test(text) && !text.includes(END_OF_TEXT);

// gpt-tokenizer's r50k encode ignores allowedSpecial (it spells <|endoftext|> out), so the
// special token is placed between separately encoded parts.
const referenceWithSpecial = (text: string): number[] => text.split(END_OF_TEXT).flatMap((part, i) => (i === 0 ? [] : [50256]).concat(referenceEncode(part)));

describe('GPT-2 tokenizer built from vocab.json + merges.txt', () => {
  it('has GPT-2’s shape and well-known ids', () => {
    expect(gpt2.vocabSize).toBe(50257);
    expect(merges).toHaveLength(50000);
    expect(merges[0]).toEqual(['Ġ', 't']);
    expect(gpt2.encode('Hello world')).toEqual([15496, 995]);
    expect(gpt2.encode(' the')).toEqual([262]);
    expect(gpt2.encode(`a${END_OF_TEXT}b`)).toEqual([64, 50256, 65]);
  });

  it('encodes this repository’s source and docs exactly like gpt-tokenizer', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = [join(root, 'README.md'), ...readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src', f))];
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (/[\uFEFF\u0085]/u.test(text)) continue;
      expect(gpt2.encode(text), file).toEqual(referenceWithSpecial(text));
      compared += text.length;
    }
    expect(compared).toBeGreaterThan(100_000);
  });

  it('encodes arbitrary strings exactly like gpt-tokenizer and decodes them back', () => {
    const piece = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string(), fc.constantFrom(' ', '  ', '\n', '\t ', "'s", "'ll", '123', 'é', '🙂'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }).map((parts) => parts.join('')).filter(comparable), (text) => {
        const ids = gpt2.encode(text);
        expect(ids).toEqual(referenceEncode(text));
        expect(gpt2.decode(ids)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });
});
