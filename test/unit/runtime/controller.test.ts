import { Registry } from 'prom-client';
import { Controller } from '../../../src/runtime/controller.js';
import { TerminalError } from '../../../src/runtime/errors.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { RuntimeMetrics } from '../../../src/runtime/metrics.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Controller', () => {
  test('retries errors with backoff, stops on TerminalError, counts results with controller-runtime names', async () => {
    const calls: Record<string, number> = {};
    const metrics = new RuntimeMetrics(new Registry());
    const c = new Controller({
      name: 'networkslice',
      log: silentLogger,
      metrics,
      baseDelayMs: 1,
      reconcile: async (key) => {
        calls[key] = (calls[key] ?? 0) + 1;
        if (key === 'flaky' && calls[key]! < 3) throw new Error('transient');
        if (key === 'bad') throw new TerminalError('spec invalid');
        if (key === 'throws-non-error') throw 'a string';
      },
    });
    c.start();
    for (const k of ['ok', 'flaky', 'bad', 'throws-non-error']) c.enqueue(k);
    await wait(300);
    expect(calls.ok).toBe(1);
    expect(calls.flaky).toBe(3);
    expect(calls.bad).toBe(1); // terminal: never retried
    expect(calls['throws-non-error']).toBeGreaterThan(1); // a thrown non-Error is still contained and retried
    await c.stop();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="networkslice",result="success"\} 2/);
    expect(text).toMatch(/controller_runtime_terminal_reconcile_errors_total\{controller="networkslice"\} 1/);
    expect(text).toMatch(/workqueue_retries_total\{name="networkslice",controller="networkslice"\} \d+/);
  });

  test('at most maxConcurrentReconciles run at once and one key never runs twice concurrently', async () => {
    let running = 0;
    let peak = 0;
    const perKey = new Map<string, number>();
    let overlap = false;
    const c = new Controller({
      name: 't',
      log: silentLogger,
      maxConcurrentReconciles: 3,
      reconcile: async (key) => {
        running++;
        peak = Math.max(peak, running);
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
        if (perKey.get(key)! > 1) overlap = true;
        await wait(5);
        perKey.set(key, perKey.get(key)! - 1);
        running--;
      },
    });
    c.start();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10; i++) c.enqueue(`k${i}`);
      await wait(2);
    }
    await wait(200);
    await c.stop();
    expect(peak).toBe(3);
    expect(overlap).toBe(false);
  });

  test('requeueAfter schedules the key again', async () => {
    let n = 0;
    const c = new Controller({ name: 'r', log: silentLogger, reconcile: async () => (++n < 3 ? { requeueAfterMs: 10 } : {}) });
    c.start();
    c.enqueue('x');
    await wait(200);
    await c.stop();
    expect(n).toBe(3);
  });
});

/** A promise to resolve by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls until `cond` holds (a bound on a hang, not a performance figure). */
async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(5);
  }
}

describe('Controller queue semantics', () => {
  test('a key enqueued many times while reconciling is reconciled once more after, not concurrently', async () => {
    const gate = deferred();
    const calls: string[] = [];
    const c = new Controller({
      name: 'dedupe',
      log: silentLogger,
      maxConcurrentReconciles: 4,
      reconcile: async (key) => {
        calls.push(key);
        if (calls.length === 1) await gate.promise;
      },
    });
    c.start();
    c.enqueue('a');
    await until('the first reconcile', () => calls.length === 1);
    for (let i = 0; i < 10; i++) c.enqueue('a');
    await wait(20);
    expect(calls).toEqual(['a']); // four workers idle, yet the key waits for its own reconcile
    expect(c.activeWorkers).toBe(1);
    gate.resolve();
    await until('the second reconcile', () => calls.length === 2);
    await wait(20);
    expect(calls).toEqual(['a', 'a']);
    expect(c.activeWorkers).toBe(0);
    await c.stop();
  });

  test('backs off a failing key with growing delays, and a success forgets its failures', async () => {
    let failUntil = 4;
    const at: number[] = [];
    const c = new Controller({
      name: 'backoff',
      log: silentLogger,
      baseDelayMs: 20,
      reconcile: async () => {
        at.push(Date.now());
        if (at.length < failUntil) throw new Error('transient');
      },
    });
    c.start();
    c.enqueue('k');
    await until('the success after three failures', () => at.length === 4);
    // Retries wait 20, 40, 80 ms (no jitter in the work queue's backoff).
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(20 - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(40 - 5);
    expect(gaps[2]).toBeGreaterThanOrEqual(80 - 5);
    expect(c.queue.retries('k')).toBe(0);
    failUntil = 6;
    c.enqueue('k');
    await until('a failure after the reset', () => at.length === 5 && c.queue.retries('k') === 1);
    await until('the next success', () => at.length === 6);
    expect(at[5]! - at[4]!).toBeGreaterThanOrEqual(20 - 5); // back to the base delay
    await c.stop();
  });

  test('a TerminalError is not retried until the key is enqueued again', async () => {
    let n = 0;
    const c = new Controller({
      name: 'terminal',
      log: silentLogger,
      baseDelayMs: 1,
      reconcile: async () => {
        n++;
        throw new TerminalError('spec invalid', 'InvalidSpec');
      },
    });
    c.start();
    c.enqueue('bad');
    await until('the first reconcile', () => n === 1);
    await wait(100);
    expect(n).toBe(1);
    expect(c.queue.retries('bad')).toBe(0);
    c.enqueue('bad'); // the spec changed
    await until('the second reconcile', () => n === 2);
    await c.stop();
  });

  test('requeueAfter of 0 requeues at once; a negative one does not requeue', async () => {
    const calls: Record<string, number> = {};
    const c = new Controller({
      name: 'requeue',
      log: silentLogger,
      reconcile: async (key) => {
        calls[key] = (calls[key] ?? 0) + 1;
        if (calls[key] === 1) return { requeueAfterMs: key === 'zero' ? 0 : -1 };
      },
    });
    c.start();
    c.enqueue('zero');
    c.enqueue('negative');
    await until('the requeue', () => calls.zero === 2);
    await wait(50);
    expect(calls).toEqual({ zero: 2, negative: 1 });
    await c.stop();
  });

  test('serves normal keys before low ones queued earlier', async () => {
    const gate = deferred();
    const order: string[] = [];
    const c = new Controller({
      name: 'priority',
      log: silentLogger,
      maxConcurrentReconciles: 1,
      reconcile: async (key) => {
        order.push(key);
        if (key === 'busy') await gate.promise;
      },
    });
    c.start();
    c.enqueue('busy');
    await until('the worker to be busy', () => order.length === 1);
    c.enqueue('cycle-1', 'low');
    c.enqueue('cycle-2', 'low');
    c.enqueue('edit');
    gate.resolve();
    await until('all keys', () => order.length === 4);
    expect(order).toEqual(['busy', 'edit', 'cycle-1', 'cycle-2']);
    await c.stop();
  });

  // As client-go's queue: keys already queued are still handed out after shutdown, new ones are refused.
  test('stop refuses new keys, drains the queued ones and waits for reconciles in flight', async () => {
    const gate = deferred();
    const started: string[] = [];
    let finished = 0;
    const metrics = new RuntimeMetrics(new Registry());
    const c = new Controller({
      name: 'drain',
      log: silentLogger,
      metrics,
      maxConcurrentReconciles: 2,
      reconcile: async (key) => {
        started.push(key);
        await gate.promise;
        finished++;
      },
    });
    c.start();
    for (const k of ['a', 'b', 'c', 'd']) c.enqueue(k);
    await until('two reconciles', () => started.length === 2);
    expect(await metrics.registry.getSingleMetricAsString('controller_runtime_active_workers')).toMatch(/\{controller="drain"\} 2$/m);
    expect(await metrics.registry.getSingleMetricAsString('controller_runtime_max_concurrent_reconciles')).toMatch(/\{controller="drain"\} 2$/m);
    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    await wait(20);
    expect(stopped).toBe(false);
    c.enqueue('after-stop');
    gate.resolve();
    await stopping;
    expect(finished).toBe(4);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(c.activeWorkers).toBe(0);
    c.enqueue('later');
    await wait(20);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });
});
