import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { WorkQueue, type QueueMetrics } from '../../../src/runtime/workqueue.js';

describe('WorkQueue (controller-runtime semantics)', () => {
  test('dedupes a key added many times while queued', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  test('never hands one key to two workers: an add during processing is parked until done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    expect(k).toBe('a');
    q.add('a'); // changed while being reconciled
    expect(q.length).toBe(0); // not handed out again yet
    let second: string | undefined;
    void q.get().then((v) => (second = v));
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBeUndefined();
    q.done('a');
    await new Promise((r) => setTimeout(r, 0));
    expect(second).toBe('a');
  });

  test('per-key exponential backoff, reset by forget', () => {
    const q = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 1000 });
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => q.addRateLimited('x'));
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(Math.max(...delays)).toBe(1000);
    expect(q.addRateLimited('y')).toBe(5); // other keys unaffected
    q.forget('x');
    expect(q.addRateLimited('x')).toBe(5);
    q.shutdown();
  });

  test('addAfter coalesces to the earliest time', async () => {
    const q = new WorkQueue();
    q.addAfter('k', 10_000);
    q.addAfter('k', 20);
    q.addAfter('k', 5_000);
    const t0 = Date.now();
    expect(await q.get()).toBe('k');
    expect(Date.now() - t0).toBeLessThan(1000);
    q.done('k');
    q.shutdown();
  });

  test('shutdown releases waiting workers', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutdown();
    expect(await waiting).toBeUndefined();
    q.add('late');
    expect(q.length).toBe(0);
  });

  test('serves normal before low, FIFO within each; a queued key only ever moves up', async () => {
    const q = new WorkQueue();
    q.add('cycle-1', 'low');
    q.add('cycle-2', 'low');
    q.add('new-1');
    q.add('new-2', 'normal');
    q.add('cycle-2', 'normal'); // an event for it while it waited for the cycle
    q.add('new-1', 'low'); // never moved down
    expect(q.length).toBe(4);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await q.get())!);
    expect(order).toEqual(['new-1', 'new-2', 'cycle-2', 'cycle-1']);
    expect(q.length).toBe(0);
  });

  test('a key parked during processing comes back with the highest priority asked for', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('b', 'low');
    q.add('a', 'low');
    q.add('a', 'normal');
    q.done('a');
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  test('stays FIFO over many keys (the lanes compact as they drain)', async () => {
    const q = new WorkQueue();
    const keys = Array.from({ length: 5000 }, (_, i) => `ns/s-${i}`);
    for (const k of keys) q.add(k, 'low');
    const got: string[] = [];
    const take = async () => {
      const k = (await q.get())!;
      q.done(k);
      got.push(k);
    };
    for (let i = 0; i < 3000; i++) await take();
    for (const k of keys.slice(0, 100)) q.add(k, 'low');
    while (q.length) await take();
    expect(got).toEqual([...keys, ...keys.slice(0, 100)]);
  });
});

describe('WorkQueue bookkeeping (fake clock)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('reports depth, adds, retries and the seconds keys wait and are worked on', async () => {
    const seen = { depth: [] as number[], added: 0, retried: 0, queued: [] as number[], worked: [] as number[] };
    const metrics: QueueMetrics = {
      depth: (n) => seen.depth.push(n),
      added: () => seen.added++,
      retried: () => seen.retried++,
      queued: (s) => seen.queued.push(s),
      worked: (s) => seen.worked.push(s),
    };
    const q = new WorkQueue({ metrics });
    q.add('a');
    q.add('b');
    q.add('a'); // deduped: not an add
    expect(seen).toMatchObject({ depth: [1, 2], added: 2 });
    jest.advanceTimersByTime(1500);
    expect(await q.get()).toBe('a');
    expect(seen.depth.at(-1)).toBe(1);
    expect(seen.queued).toEqual([1.5]);
    jest.advanceTimersByTime(250);
    q.done('a');
    expect(seen.worked).toEqual([0.25]);
    q.addRateLimited('a');
    expect(seen.retried).toBe(1);
    q.shutdown();
  });

  test('longestRunningSeconds follows the oldest key still in a worker', async () => {
    const q = new WorkQueue();
    expect(q.longestRunningSeconds()).toBe(0);
    q.add('a');
    q.add('b');
    await q.get();
    jest.advanceTimersByTime(2000);
    await q.get();
    expect(q.processingCount).toBe(2);
    jest.advanceTimersByTime(1000);
    expect(q.longestRunningSeconds()).toBe(3);
    q.done('a');
    expect(q.longestRunningSeconds()).toBe(1);
    q.done('b');
    expect(q.longestRunningSeconds()).toBe(0);
    expect(q.processingCount).toBe(0);
  });

  test('addAfter with no delay adds at once; a later request does not postpone an earlier one', async () => {
    const q = new WorkQueue();
    q.addAfter('now', 0);
    expect(q.length).toBe(1);
    q.addAfter('k', 100);
    q.addAfter('k', 5000); // later than the pending one: ignored
    jest.advanceTimersByTime(99);
    expect(q.length).toBe(1);
    jest.advanceTimersByTime(1);
    expect(q.length).toBe(2);
    expect([await q.get(), await q.get()]).toEqual(['now', 'k']);
    q.done('now');
    q.done('k');
    jest.advanceTimersByTime(10_000);
    expect(q.length).toBe(0); // the ignored request left no timer behind
  });

  test('shutdown cancels delayed adds and refuses new ones; queued keys can still be drained', async () => {
    const q = new WorkQueue();
    q.add('queued');
    q.addAfter('delayed', 1000);
    q.addRateLimited('failing');
    q.shutdown();
    q.addAfter('late', 10);
    jest.advanceTimersByTime(60_000);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('queued');
    expect(await q.get()).toBeUndefined();
  });

  test('the retry count of a key grows with each rate-limited requeue until forgotten', () => {
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 50 });
    expect(q.retries('x')).toBe(0);
    expect([q.addRateLimited('x'), q.addRateLimited('x'), q.addRateLimited('x'), q.addRateLimited('x')]).toEqual([10, 20, 40, 50]);
    expect(q.retries('x')).toBe(4);
    q.forget('x');
    expect(q.retries('x')).toBe(0);
    jest.advanceTimersByTime(10);
    expect(q.length).toBe(1); // the earliest of the coalesced retries
    q.shutdown();
  });
});
