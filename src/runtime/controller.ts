import { randomUUID } from 'node:crypto';
import { TerminalError } from './errors.js';
import type { Logger } from './logger.js';
import { WorkQueue, type Priority } from './workqueue.js';
import type { RuntimeMetrics } from './metrics.js';

/** What a reconcile asks for next; an empty result means "done until something changes". */
export interface Result {
  requeueAfterMs?: number;
}

export type Reconcile = (key: string, ctx: { log: Logger; reconcileId: string }) => Promise<Result | void>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconcile;
  maxConcurrentReconciles?: number;
  log: Logger;
  metrics?: RuntimeMetrics;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs a reconcile function over a work queue with controller-runtime's semantics: bounded
 * concurrency, one worker per key, error -> exponential per-key backoff, TerminalError -> no retry,
 * RequeueAfter, and exceptions contained (a throwing reconcile never takes the process down).
 */
export class Controller {
  readonly queue: WorkQueue;
  private workers: Promise<void>[] = [];
  private active = 0;

  constructor(private readonly opts: ControllerOptions) {
    this.queue = new WorkQueue({ baseDelayMs: opts.baseDelayMs, maxDelayMs: opts.maxDelayMs, metrics: opts.metrics?.queueMetrics(opts.name) });
  }

  enqueue(key: string, priority?: Priority): void {
    this.queue.add(key, priority);
  }

  get activeWorkers(): number {
    return this.active;
  }

  start(): void {
    const n = this.opts.maxConcurrentReconciles ?? 2;
    this.opts.metrics?.maxWorkers.set({ controller: this.opts.name }, n);
    for (let i = 0; i < n; i++) this.workers.push(this.worker());
  }

  /** Refuses new keys, lets the workers drain the keys already queued, and waits for them. */
  async stop(): Promise<void> {
    this.queue.shutdown();
    await Promise.all(this.workers);
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    const { name, metrics } = this.opts;
    const reconcileId = randomUUID();
    const log = this.opts.log.child({ controller: name, key, reconcileID: reconcileId });
    const started = process.hrtime.bigint();
    this.active++;
    metrics?.activeWorkers.set({ controller: name }, this.active);
    let result: 'success' | 'error' | 'requeue' | 'requeue_after' = 'success';
    try {
      const r = (await this.opts.reconcile(key, { log, reconcileId })) ?? {};
      this.queue.forget(key);
      if (r.requeueAfterMs !== undefined && r.requeueAfterMs >= 0) {
        result = 'requeue_after';
        this.queue.addAfter(key, r.requeueAfterMs);
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        metrics?.terminalErrors.inc({ controller: name });
        metrics?.reconcileErrors.inc({ controller: name });
        result = 'error';
        this.queue.forget(key);
        log.error('reconcile failed terminally, not retrying', { error: err.message, reason: err.reason });
      } else {
        metrics?.reconcileErrors.inc({ controller: name });
        result = 'error';
        const delay = this.queue.addRateLimited(key);
        log.error('reconcile failed, will retry', { error: String((err as Error)?.message ?? err), retryInMs: Math.round(delay) });
      }
    } finally {
      this.active--;
      metrics?.activeWorkers.set({ controller: name }, this.active);
      metrics?.reconcileTotal.inc({ controller: name, result });
      metrics?.reconcileTime.observe({ controller: name }, Number(process.hrtime.bigint() - started) / 1e9);
      this.queue.done(key);
    }
  }
}
