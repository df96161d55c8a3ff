import { describe, expect, it } from 'vitest';
import { rememberedPerOwner } from './memo.ts';

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
