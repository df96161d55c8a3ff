/**
 * Results remembered per owner object and string key, for pure functions of the two: the table of
 * an owner goes when the owner does.
 *
 * @example
 * const read = rememberedPerOwner((catalog: Catalog, text: string) => parse(catalog, text));
 * read(catalog, 'Is it red?') === read(catalog, 'Is it red?') // → true, parsed once
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
