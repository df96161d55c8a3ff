/**
 * A binary min-heap under a caller's ordering. BPE encoding pops the best-ranked adjacent pair
 * and BPE training the most frequent one; both push updated entries and skip stale ones on pop
 * ("lazy deletion"), which is simpler than decrease-key and as fast for these workloads.
 *
 * @example
 * const heap = new Heap<number>((a, b) => a - b);
 * heap.push(3); heap.push(1);
 * heap.pop(); // 1
 */
export class Heap<T> {
  private readonly items: T[] = [];

  /** `before(a, b) < 0` when a must come out first. */
  constructor(private readonly before: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.before(items[child] as T, items[parent] as T) >= 0) break;
      [items[child], items[parent]] = [items[parent] as T, items[child] as T];
      child = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let best = parent;
      if (left < items.length && this.before(items[left] as T, items[best] as T) < 0) best = left;
      if (right < items.length && this.before(items[right] as T, items[best] as T) < 0) best = right;
      if (best === parent) return top;
      [items[best], items[parent]] = [items[parent] as T, items[best] as T];
      parent = best;
    }
  }
}
