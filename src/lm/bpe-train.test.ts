import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng.ts';
import { BpeError } from './bpe.ts';
import { trainBpe } from './bpe-train.ts';

const sentences = [
  'the agent books a flight for the user',
  'the user wants a cheaper flight',
  'the agent asks the user for the travel date',
  'thanks, the booking is confirmed',
  'can the agent change the booking to tuesday?',
];
const corpus = Array.from({ length: 40 }, (_, i) => `${sentences[i % sentences.length]} (${i})`);
const specialTokens = ['<|endoftext|>', '<|user|>', '<|agent|>', '<|end|>'];

describe('trainBpe', () => {
  it('is deterministic, whatever the order of the texts', () => {
    const a = trainBpe(corpus, { vocabSize: 330, specialTokens });
    const b = trainBpe(corpus, { vocabSize: 330, specialTokens });
    const shuffled = trainBpe(createRng('order').shuffle(corpus), { vocabSize: 330, specialTokens });
    expect(b.toFiles()).toEqual(a.toFiles());
    expect(shuffled.toFiles()).toEqual(a.toFiles());
  });

  it('numbers specials first, then bytes, then merges, and stops at the requested size', () => {
    const tokenizer = trainBpe(corpus, { vocabSize: 330, specialTokens });
    expect(tokenizer.vocabSize).toBe(330);
    expect(tokenizer.merges.length).toBeGreaterThanOrEqual(330 - 260);
    expect(tokenizer.specialTokenId('<|agent|>')).toBe(2);
    expect(tokenizer.tokenToId('!')).toBe(4 + 0x21);
    expect(tokenizer.idToToken(260)).toBe(tokenizer.merges[0]!.join(''));
  });

  it('learns frequent words as single tokens and compresses the corpus', () => {
    const tokenizer = trainBpe(corpus, { vocabSize: 400, specialTokens });
    expect(tokenizer.encode(' agent')).toHaveLength(1);
    expect(tokenizer.encode(' booking')).toHaveLength(1);
    const bytes = corpus.reduce((sum, text) => sum + new TextEncoder().encode(text).length, 0);
    const tokens = corpus.reduce((sum, text) => sum + tokenizer.encode(text).length, 0);
    expect(tokens).toBeLessThan(bytes / 3);
  });

  it('never learns from special tokens in the corpus, and honours minFrequency', () => {
    const tokenizer = trainBpe(['<|user|>hi<|end|>', '<|user|>hi<|end|>'], { vocabSize: 300, specialTokens });
    expect(tokenizer.merges).toEqual([['h', 'i']]);
    expect(tokenizer.encode('<|user|>hi<|end|>')).toEqual([1, tokenizer.tokenToId('hi'), 3]);
    expect(trainBpe(['hi', 'hi'], { vocabSize: 300, minFrequency: 3 }).merges).toEqual([]);
  });

  it('rejects a vocabulary too small for the specials and the 256 bytes', () => {
    expect(() => trainBpe(corpus, { vocabSize: 259, specialTokens })).toThrow(BpeError);
    expect(() => trainBpe(corpus, { vocabSize: 300, specialTokens: ['<|a|>', '<|a|>'] })).toThrow(/distinct/);
  });
});
