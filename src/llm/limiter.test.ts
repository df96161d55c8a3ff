import { describe, expect, it } from 'vitest';
import { createAdaptiveLimiter } from './limiter.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createAdaptiveLimiter', () => {
  it('grants up to the limit and queues the rest in order', async () => {
    const limiter = createAdaptiveLimiter(2);
    const granted: number[] = [];
    const slots = [0, 1, 2, 3].map((index) => limiter.acquire().then((slot) => (granted.push(index), slot)));
    await tick();
    expect(granted).toEqual([0, 1]);
    (await slots[0])!.release();
    (await slots[0])!.release(); // idempotent
    await tick();
    expect(granted).toEqual([0, 1, 2]);
    expect(limiter.active()).toBe(2);
  });

  it('lets priority requests jump the queue', async () => {
    const limiter = createAdaptiveLimiter(1);
    const first = await limiter.acquire();
    const order: string[] = [];
    void limiter.acquire().then((slot) => (order.push('normal'), slot.release()));
    void limiter.acquire({ priority: true }).then((slot) => (order.push('retry'), slot.release()));
    first.release();
    await tick();
    await tick();
    expect(order).toEqual(['retry', 'normal']);
  });

  it('halves once per wave of 429s, floors at 1, and grows back by one per window of successes', async () => {
    const limiter = createAdaptiveLimiter(8);
    const wave = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire()));
    expect(wave.map((slot) => slot.rateLimited())).toEqual([true, false, false, false, false, false, false, false]);
    expect(limiter.limit()).toBe(4);
    wave.forEach((slot) => slot.release());

    const again = await limiter.acquire();
    expect(again.rateLimited()).toBe(true);
    again.release();
    expect(limiter.limit()).toBe(2);
    for (let i = 0; i < 3; i++) {
      const slot = await limiter.acquire();
      slot.rateLimited();
      slot.release();
    }
    expect(limiter.limit()).toBe(1);
    expect(limiter.slowdowns()).toBe(3);

    const limits: number[] = [];
    for (let i = 0; i < 40; i++) {
      const slot = await limiter.acquire();
      slot.succeeded();
      slot.release();
      limits.push(limiter.limit());
    }
    expect(limits.slice(0, 6)).toEqual([2, 2, 3, 3, 3, 4]);
    expect(limits.at(-1)).toBe(8);
  });

  it('starts queued requests when the limit grows', async () => {
    const limiter = createAdaptiveLimiter(2);
    const a = await limiter.acquire();
    a.rateLimited();
    expect(limiter.limit()).toBe(1);
    a.release();
    const b = await limiter.acquire();
    let started = false;
    void limiter.acquire().then(() => (started = true));
    await tick();
    expect(started).toBe(false);
    b.succeeded(); // one success at limit 1 raises it to 2
    await tick();
    expect(started).toBe(true);
  });
});
