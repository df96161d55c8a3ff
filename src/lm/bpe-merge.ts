/**
 * The BPE merge loop for one pre-token: repeatedly take the adjacent pair whose merge has the
 * lowest rank and merge every occurrence of it, left to right, until no adjacent pair has a rank.
 * That is GPT-2's reference algorithm; here the pairs sit in a heap over a linked list, so a piece
 * of n symbols costs O(n log n) instead of O(n²) (long runs of spaces or digits stay cheap).
 *
 * @example
 * const ranks = new Map([['l o', 0], ['lo w', 1]]);
 * applyMerges(['l', 'o', 'w', 'e', 'r'], (a, b) => ranks.get(`${a} ${b}`)); // ['low', 'e', 'r']
 */
import { Heap } from './heap.ts';

type Candidate = { rank: number; left: number; leftSymbol: string; rightSymbol: string };

const byRankThenPosition = (a: Candidate, b: Candidate) => a.rank - b.rank || a.left - b.left;

/** Merges `symbols` by rank; `rankOf` returns undefined for pairs that never merge. */
export function applyMerges(symbols: readonly string[], rankOf: (left: string, right: string) => number | undefined): string[] {
  const count = symbols.length;
  if (count < 2) return symbols.slice();
  // A doubly linked list over positions; a merge keeps the left node and unlinks the right one.
  const symbol = symbols.slice();
  const next = Int32Array.from({ length: count }, (_, i) => (i + 1 < count ? i + 1 : -1));
  const previous = Int32Array.from({ length: count }, (_, i) => i - 1);
  const heap = new Heap<Candidate>(byRankThenPosition);
  const consider = (left: number, into: Candidate[] | Heap<Candidate>) => {
    const right = left < 0 ? -1 : next[left] as number;
    if (right < 0) return;
    const rank = rankOf(symbol[left] as string, symbol[right] as string);
    if (rank !== undefined) into.push({ rank, left, leftSymbol: symbol[left] as string, rightSymbol: symbol[right] as string });
  };
  for (let i = 0; i + 1 < count; i++) consider(i, heap);

  // Still describes two adjacent live symbols? Symbols only grow, so equal text means unchanged.
  const current = (c: Candidate) => {
    const right = next[c.left] as number;
    return symbol[c.left] === c.leftSymbol && right >= 0 && symbol[right] === c.rightSymbol;
  };

  while (heap.size > 0) {
    const first = heap.pop() as Candidate;
    // Every occurrence of this pair is merged before any pair the merges create is considered.
    const batch = [first];
    while (heap.size > 0) {
      const top = heap.pop() as Candidate;
      if (top.rank !== first.rank) {
        heap.push(top);
        break;
      }
      batch.push(top);
    }
    const created: Candidate[] = [];
    for (const candidate of batch) {
      if (!current(candidate)) continue;
      const { left } = candidate;
      const right = next[left] as number;
      symbol[left] = candidate.leftSymbol + candidate.rightSymbol;
      symbol[right] = '';
      next[left] = next[right] as number;
      if (next[right] !== -1) previous[next[right] as number] = left;
      consider(previous[left] as number, created);
      consider(left, created);
    }
    for (const candidate of created) heap.push(candidate);
  }
  const out: string[] = [];
  for (let i = 0; i !== -1; i = next[i] as number) out.push(symbol[i] as string);
  return out;
}
