/**
 * Learns a byte-level BPE vocabulary from a corpus, for tiny models trained on a data set: count
 * GPT-2 pre-tokens, then repeatedly merge the most frequent adjacent pair of symbols. Ties go to
 * the lexicographically smallest pair, so the result depends only on the texts and options.
 * Ids: special tokens first, then the 256 byte tokens (in byte order), then merges in order.
 *
 * @example
 * const tokenizer = trainBpe(dialogueTexts, { vocabSize: 2048, specialTokens: ['<|endoftext|>', '<|user|>', '<|agent|>', '<|end|>'] });
 */
import { ByteLevelBpe, BpeError } from './bpe.ts';
import { BYTE_TO_CHAR, preTokenize, textToSymbols } from './byte-unicode.ts';
import { Heap } from './heap.ts';

export type TrainBpeOptions = {
  /** Total ids wanted, special and byte tokens included (at least specials + 256). */
  vocabSize: number;
  specialTokens?: readonly string[];
  /** Stop when the best pair occurs fewer times than this (default 2). */
  minFrequency?: number;
};

// Pair keys pack two symbol ids into one safe integer.
const SHIFT = 2 ** 21;
const pairKey = (a: number, b: number) => a * SHIFT + b;

type Word = { symbols: number[]; count: number };
type Candidate = { count: number; key: number; left: string; right: string };

/** Most frequent first; ties by left then right symbol text, so training is deterministic. */
const byFrequency = (x: Candidate, y: Candidate) =>
  y.count - x.count || (x.left < y.left ? -1 : x.left > y.left ? 1 : x.right < y.right ? -1 : x.right > y.right ? 1 : 0);

function countPieces(texts: Iterable<string>, specials: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    // Special tokens are never learned from: they only separate pieces.
    let parts = [text];
    for (const special of specials) parts = parts.flatMap((part) => part.split(special));
    for (const part of parts) {
      for (const piece of preTokenize(part)) {
        const symbols = textToSymbols(piece);
        counts.set(symbols, (counts.get(symbols) ?? 0) + 1);
      }
    }
  }
  return counts;
}

function checkOptions(options: TrainBpeOptions, specials: readonly string[]): void {
  const least = specials.length + 256;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < least || options.vocabSize >= SHIFT) {
    throw new BpeError(`trainBpe: vocabSize ${options.vocabSize} must be a whole number from ${least} (specials + 256 bytes) to ${SHIFT - 1}`, {
      hint: `Ask for at least ${least} tokens; a few thousand suits a tiny model.`,
    });
  }
  if (new Set(specials).size !== specials.length || specials.some((s) => s.length === 0)) {
    throw new BpeError('trainBpe: special tokens must be distinct non-empty strings', { hint: 'Remove duplicates and empty strings from specialTokens.' });
  }
}

export function trainBpe(texts: Iterable<string>, options: TrainBpeOptions): ByteLevelBpe {
  const specials = options.specialTokens ?? [];
  checkOptions(options, specials);
  const minFrequency = options.minFrequency ?? 2;
  const strings: string[] = [...specials, ...BYTE_TO_CHAR];
  const idOf = new Map(strings.map((s, i) => [s, i]));
  const vocab = new Map(idOf);
  const merges: [string, string][] = [];

  const words: Word[] = [...countPieces(texts, specials)].map(([symbols, count]) => ({ symbols: [...symbols].map((c) => idOf.get(c) as number), count }));
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const touched = new Set<number>();
  const addPairs = (index: number, sign: 1 | -1) => {
    const { symbols, count } = words[index] as Word;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i] as number, symbols[i + 1] as number);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * count);
      touched.add(key);
      if (sign === 1) {
        const holders = pairWords.get(key) ?? new Set<number>();
        pairWords.set(key, holders.add(index));
      }
    }
  };
  const heap = new Heap<Candidate>(byFrequency);
  const pushTouched = () => {
    for (const key of touched) {
      const count = pairCounts.get(key) ?? 0;
      if (count > 0) heap.push({ count, key, left: strings[Math.floor(key / SHIFT)] as string, right: strings[key % SHIFT] as string });
    }
    touched.clear();
  };
  words.forEach((_, index) => addPairs(index, 1));
  pushTouched();

  while (vocab.size < options.vocabSize && heap.size > 0) {
    const best = heap.pop() as Candidate;
    if (pairCounts.get(best.key) !== best.count) continue; // stale: the count has changed since
    if (best.count < minFrequency) break;
    const merged = best.left + best.right;
    if (specials.includes(merged)) {
      // Plain text must never encode to a special token's id.
      pairCounts.delete(best.key);
      continue;
    }
    let id = idOf.get(merged);
    if (id === undefined) {
      id = strings.length;
      strings.push(merged);
      idOf.set(merged, id);
      vocab.set(merged, id);
    }
    merges.push([best.left, best.right]);
    const a = Math.floor(best.key / SHIFT);
    const b = best.key % SHIFT;
    for (const index of pairWords.get(best.key) ?? []) {
      const word = words[index] as Word;
      if (!word.symbols.some((s, i) => s === a && word.symbols[i + 1] === b)) continue;
      addPairs(index, -1);
      word.symbols = mergeWord(word.symbols, a, b, id);
      addPairs(index, 1);
    }
    pairWords.delete(best.key);
    pushTouched();
  }
  return new ByteLevelBpe({ vocab, merges, specialTokens: specials });
}

/** Replaces each non-overlapping (a, b), left to right, with `merged`. */
function mergeWord(symbols: number[], a: number, b: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === a && symbols[i + 1] === b) {
      out.push(merged);
      i += 1;
    } else {
      out.push(symbols[i] as number);
    }
  }
  return out;
}
