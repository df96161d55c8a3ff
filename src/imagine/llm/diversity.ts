/**
 * Keeps an imagined persona set diverse: near-duplicates (by word overlap) are dropped as they
 * arrive, and the diversity of what was kept is measured so a run can report it.
 *
 * Lexical similarity is enough here because LLMs repeat themselves almost verbatim ("a busy
 * professional who…"); it needs no embedding model, so it works offline and costs nothing.
 *
 * @example
 * const seen = createNearDuplicateFilter(0.6);
 * seen.admit('A retired teacher who loves museums') // → true
 * seen.admit('A retired teacher who loves museums.') // → false
 */

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

/** Word unigrams and bigrams: bigrams keep "not expensive" apart from "expensive". */
export const shingles = (text: string): Set<string> => {
  const tokens = words(text);
  const result = new Set(tokens);
  for (let i = 1; i < tokens.length; i += 1) result.add(`${tokens[i - 1]} ${tokens[i]}`);
  return result;
};

/** Jaccard similarity of two shingle sets; two empty sets count as identical. */
export const jaccard = (a: ReadonlySet<string>, b: ReadonlySet<string>): number => {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared);
};

export type NearDuplicateFilter = {
  /** True (and remembered) when `text` is below the threshold against everything admitted so far. */
  admit(text: string): boolean;
  /** The most similar admitted text's similarity to `text`, without admitting it. */
  closest(text: string): number;
  readonly size: number;
};

export const createNearDuplicateFilter = (threshold: number): NearDuplicateFilter => {
  const kept: Set<string>[] = [];
  const closest = (text: string): number => {
    const candidate = shingles(text);
    return kept.reduce((best, other) => Math.max(best, jaccard(candidate, other)), 0);
  };
  return {
    admit(text) {
      if (kept.length > 0 && closest(text) >= threshold) return false;
      kept.push(shingles(text));
      return true;
    },
    closest,
    get size() {
      return kept.length;
    },
  };
};

export type DiversityReport = {
  count: number;
  /** Mean pairwise Jaccard distance (1 − similarity) of the texts: 0 all alike, 1 nothing shared. */
  meanDistance: number;
  /** For each hidden parameter: distinct values and the normalised entropy of their spread (1 = even). */
  parameters: Record<string, { distinct: number; evenness: number }>;
};

/** Evenness of a value spread: Shannon entropy over log(number of distinct values); 1 for one value. */
export const evenness = (values: readonly string[]): number => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  if (counts.size <= 1) return 1;
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / values.length;
    entropy -= p * Math.log(p);
  }
  return entropy / Math.log(counts.size);
};

/**
 * Diversity of a persona set. Pairwise distance is exact up to `maxPairs` pairs and estimated from
 * evenly spaced pairs beyond that, so the report stays cheap for large sets.
 */
export const diversityReport = (
  items: readonly { text: string; hidden: Record<string, string> }[],
  maxPairs = 20_000,
): DiversityReport => {
  const sets = items.map((item) => shingles(item.text));
  const pairs = (sets.length * (sets.length - 1)) / 2;
  const stride = Math.max(1, Math.ceil(pairs / maxPairs));
  let total = 0;
  let counted = 0;
  let pair = 0;
  for (let i = 0; i < sets.length; i += 1) {
    for (let j = i + 1; j < sets.length; j += 1, pair += 1) {
      if (pair % stride !== 0) continue;
      total += 1 - jaccard(sets[i] as Set<string>, sets[j] as Set<string>);
      counted += 1;
    }
  }
  const names = [...new Set(items.flatMap((item) => Object.keys(item.hidden)))].sort();
  const parameters = Object.fromEntries(
    names.map((name) => {
      const values = items.map((item) => (item.hidden[name] ?? '').trim().toLowerCase()).filter((value) => value !== '');
      return [name, { distinct: new Set(values).size, evenness: evenness(values) }];
    }),
  );
  return { count: items.length, meanDistance: counted === 0 ? 0 : total / counted, parameters };
};
