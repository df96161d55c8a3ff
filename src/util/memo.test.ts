import { describe, expect, it } from 'vitest';
import { rememberedPerOwner, rememberedUpTo } from './memo.ts';

describe('rememberedPerOwner', () => {
  it('computes once per owner and key, and keeps owners apart', () => {
    const calls: string[] = [];
    const length = rememberedPerOwner((owner: { name: string }, key: string) => {
      calls.push(`${owner.name}:${key}`);
      return key.length + owner.name.length;
    });
    const a = { name: 'a' };
    const bb = { name: 'bb' };
    expect(length(a, 'xyz')).toBe(4);
    expect(length(a, 'xyz')).toBe(4);
    expect(length(bb, 'xyz')).toBe(5);
    expect(length(a, '')).toBe(1);
    expect(calls).toEqual(['a:xyz', 'bb:xyz', 'a:']);
  });

  it('remembers undefined results too', () => {
    let calls = 0;
    const nothing = rememberedPerOwner((_owner: object, _key: string) => {
      calls += 1;
      return undefined;
    });
    const owner = {};
    nothing(owner, 'k');
    nothing(owner, 'k');
    expect(calls).toBe(1);
  });
});

describe('rememberedUpTo', () => {
  it('computes once per key until the table is full, then starts afresh', () => {
    const calls: string[] = [];
    const remember = rememberedUpTo<number>(2);
    const length = (key: string) => remember(key, () => (calls.push(key), key.length));
    expect([length('a'), length('bb'), length('a'), length('bb')]).toEqual([1, 2, 1, 2]);
    expect(calls).toEqual(['a', 'bb']);
    // A third key finds the table full: it is emptied, so 'a' is computed again afterwards.
    expect([length('ccc'), length('a'), length('ccc')]).toEqual([3, 1, 3]);
    expect(calls).toEqual(['a', 'bb', 'ccc', 'a']);
  });
});
