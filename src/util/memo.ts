/**
 * Results remembered per owner object and string key, for pure functions of the two: the table of
 * an owner goes when the owner does.
 *
 * @example
 * const read = rememberedPerOwner((catalog: Catalog, text: string) => parse(catalog, text));
 * read(catalog, 'Is it red?') === read(catalog, 'Is it red?') // → true, parsed once
 * const remember = rememberedUpTo<number>(200_000);
 * remember(text, () => hash(text)) // hashed once per text until 200,000 are kept, then afresh
 */
export const rememberedPerOwner = <O extends object, V>(compute: (owner: O, key: string) => V): ((owner: O, key: string) => V) => {
  const tables = new WeakMap<O, Map<string, V>>();
  return (owner, key) => {
    let table = tables.get(owner);
    if (table === undefined) tables.set(owner, (table = new Map()));
    if (table.has(key)) return table.get(key) as V;
    const value = compute(owner, key);
    table.set(key, value);
    return value;
  };
};

/**
 * Results remembered per string key, at most `limit` of them (`compute` runs for a key not kept): the table starts afresh once full,
 * which bounds a long-running agent that meets free text while keeping what a dataset repeats.
 */
export const rememberedUpTo = <V>(limit: number): ((key: string, compute: () => V) => V) => {
  const table = new Map<string, V>();
  return (key, compute) => {
    const known = table.get(key);
    if (known !== undefined) return known;
    if (table.size >= limit) table.clear();
    const value = compute();
    table.set(key, value);
    return value;
  };
};
