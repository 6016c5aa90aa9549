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
