import { WorkQueue } from '../../../src/runtime/workqueue.js';

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
