import { describe, expect, it } from '@jest/globals';
import { TtlCache } from '../../../src/runtime/ttl-cache.js';

describe('TtlCache', () => {
  const clock = () => {
    const c = { t: 1_000, now: () => c.t };
    return c;
  };

  it('keeps a value for its own TTL, and not a millisecond longer', () => {
    const c = clock();
    const cache = new TtlCache<string, number>(10, c.now);
    cache.set('short', 1, 100);
    cache.set('long', 2, 1_000);
    c.t += 99;
    expect([cache.get('short'), cache.get('long')]).toEqual([1, 2]);
    c.t += 1;
    expect([cache.get('short'), cache.get('long')]).toEqual([undefined, 2]);
    // An expired entry is removed when it is found expired.
    expect(cache.size).toBe(1);
    c.t += 900;
    expect(cache.get('long')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stores nothing for a TTL of 0 or less, and forgets what the key held', () => {
    const cache = new TtlCache<string, number>(10, clock().now);
    cache.set('k', 1, 100);
    cache.set('k', 2, 0);
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', 3, -5);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, dropping the one stored longest ago', () => {
    const c = clock();
    const cache = new TtlCache<number, string>(3, c.now);
    for (let i = 0; i < 3; i++) cache.set(i, `v${i}`, 1_000);
    // Storing key 0 again makes it the newest: key 1 is now the oldest.
    cache.set(0, 'v0 again', 1_000);
    cache.set(3, 'v3', 1_000);
    expect(cache.size).toBe(3);
    expect([0, 1, 2, 3].map((k) => cache.get(k))).toEqual(['v0 again', undefined, 'v2', 'v3']);
    for (let i = 100; i < 1_100; i++) cache.set(i, 'flood', 1_000);
    expect(cache.size).toBe(3);
  });

  it('refuses a size that holds nothing', () => {
    expect(() => new TtlCache(0)).toThrow('maxEntries must be a whole number of at least 1, got 0');
    expect(() => new TtlCache(1.5)).toThrow(RangeError);
  });
});
