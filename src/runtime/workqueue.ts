import { backoffDelay } from './backoff.js';

export interface QueueMetrics {
  depth(n: number): void;
  added(): void;
  retried(): void;
  /** Seconds a key waited in the queue before a worker took it. */
  queued(seconds: number): void;
  /** Seconds a worker spent on a key. */
  worked(seconds: number): void;
}

/**
 * Who goes first (controller-runtime's priority queue has the same idea): `low` for periodic
 * visits that expect no change (at 10,000 slices one cycle queues 10,000 keys, and a spec edit
 * must not wait behind them), `normal` for everything else.
 * There is no level above `normal` for children's readiness changes: those reconciles would take
 * workers from creating Deployments, and a burst of new slices would take longer to be all Ready.
 */
export type Priority = 'normal' | 'low';
const LEVELS: Priority[] = ['normal', 'low'];
const rank = (p: Priority): number => LEVELS.indexOf(p);

/** FIFO with O(1) shift: Array.prototype.shift moves every element, and a cycle queues 10,000 keys. */
class Lane {
  private items: string[] = [];
  private head = 0;

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}

/**
 * controller-runtime's work queue semantics: a key is queued at most once (dirty set), is never
 * handed to two workers at once (processing set: an add during processing is parked and re-queued
 * when the worker calls done), failures back off exponentially per key (5 ms .. 1000 s by default),
 * and addAfter coalesces to the earliest requested time. Keys are served by priority, FIFO within
 * one; adding a queued key with a higher priority moves it up.
 */
export class WorkQueue {
  /** FIFO per priority; an entry is live only while `queuedAt` holds that key at that level. */
  private readonly lanes: Record<Priority, Lane> = { normal: new Lane(), low: new Lane() };
  private readonly queuedAt = new Map<string, Priority>();
  /** Priority a key parked during processing comes back with. */
  private readonly parked = new Map<string, Priority>();
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly waiting = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly opts: { baseDelayMs?: number; maxDelayMs?: number; metrics?: QueueMetrics } = {},
  ) {}

  get length(): number {
    return this.queuedAt.size;
  }

  get processingCount(): number {
    return this.processing.size;
  }

  add(key: string, priority: Priority = 'normal'): void {
    if (this.shuttingDown) return;
    const queued = this.queuedAt.get(key);
    if (queued !== undefined) {
      // Already waiting: only ever moved up (the old entry is skipped when reached).
      if (rank(priority) < rank(queued)) {
        this.queuedAt.set(key, priority);
        this.lanes[priority].push(key);
      }
      return;
    }
    if (this.dirty.has(key)) {
      // Parked behind its own processing: comes back with the highest priority asked for.
      const p = this.parked.get(key);
      if (p !== undefined && rank(priority) < rank(p)) this.parked.set(key, priority);
      return;
    }
    this.opts.metrics?.added();
    this.dirty.add(key);
    if (this.processing.has(key)) {
      this.parked.set(key, priority);
      return;
    }
    this.push(key, priority);
  }

  private push(key: string, priority: Priority): void {
    this.addedAt.set(key, Date.now());
    const w = this.waiters.shift();
    if (w) {
      this.take(key);
      w(key);
      return;
    }
    this.queuedAt.set(key, priority);
    this.lanes[priority].push(key);
    this.opts.metrics?.depth(this.queuedAt.size);
  }

  private next(): string | undefined {
    for (const p of LEVELS) {
      const lane = this.lanes[p];
      for (let key = lane.shift(); key !== undefined; key = lane.shift()) {
        if (this.queuedAt.get(key) !== p) continue; // moved up, or taken from a higher lane
        this.queuedAt.delete(key);
        return key;
      }
    }
    return undefined;
  }

  private take(key: string): void {
    this.dirty.delete(key);
    this.processing.add(key);
    const at = this.addedAt.get(key);
    if (at !== undefined) this.opts.metrics?.queued((Date.now() - at) / 1000);
    this.addedAt.delete(key);
    this.startedAt.set(key, Date.now());
  }

  /** Next key, or undefined once shut down. */
  get(): Promise<string | undefined> {
    const key = this.next();
    if (key !== undefined) {
      this.opts.metrics?.depth(this.queuedAt.size);
      this.take(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The worker finished the key; a change that arrived meanwhile queues it again. */
  done(key: string): void {
    this.processing.delete(key);
    const s = this.startedAt.get(key);
    if (s !== undefined) this.opts.metrics?.worked((Date.now() - s) / 1000);
    this.startedAt.delete(key);
    const parked = this.parked.get(key);
    this.parked.delete(key);
    if (this.dirty.has(key)) this.push(key, parked ?? 'normal');
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.waiting.set(key, { at, timer });
  }

  /** Requeue after this key's exponential backoff. */
  addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.opts.metrics?.retried();
    const delay = backoffDelay(n, this.opts.baseDelayMs ?? 5, this.opts.maxDelayMs ?? 1_000_000, false);
    this.addAfter(key, delay);
    return delay;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Seconds the longest-running key has been processed (workqueue_longest_running_processor_seconds). */
  longestRunningSeconds(): number {
    let min = Infinity;
    for (const s of this.startedAt.values()) min = Math.min(min, s);
    return min === Infinity ? 0 : (Date.now() - min) / 1000;
  }

  shutdown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
