import type { KubeClient } from '../runtime/kube-client.js';
import type { Logger } from '../runtime/logger.js';
import { metaTime } from './meta-time.js';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string;
}

/** How long an identical event is counted on the first one instead of being posted again. */
const CORRELATION_WINDOW_MS = 10 * 60_000;
/** client-go's broadcaster holds 1,000 events; beyond that it drops rather than block a controller. */
const QUEUE_LIMIT = 1000;
const SENDERS = 4;
const RECENT_LIMIT = 5000;

interface Series {
  key: string;
  name: string;
  namespace: string;
  count: number;
  /** Last occurrence (ms). */
  at: number;
  /** Settles when the first POST is done: true when the Event exists. */
  created?: Promise<boolean>;
  /** A count update is queued and not sent yet (it sends the latest count, so one is enough). */
  patchQueued?: boolean;
}

type Job = { kind: 'create'; series: Series; body: Record<string, unknown>; done: (ok: boolean) => void } | { kind: 'patch'; series: Series };

/**
 * Records core/v1 Events on a slice ("why did it scale?") the way client-go's recorder does:
 * `record` only queues and returns, so a reconcile never waits a round trip to a busy API server
 * for an event. A few senders drain the queue. Identical events within a 10-minute window are
 * counted on the first one, not posted again. When the queue is full, events are dropped and
 * counted. A failed event is logged and never fails a reconcile.
 */
export class EventRecorder {
  private readonly recent = new Map<string, Series>();
  private readonly queue: Job[] = [];
  private sending = 0;
  private idle: (() => void)[] = [];
  /** Events dropped because the queue was full. */
  dropped = 0;
  /** Called for each dropped event (the manager exports them as a metric). */
  onDropped?: () => void;

  constructor(
    private readonly client: Pick<KubeClient, 'request' | 'mergePatch'>,
    private readonly component: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  record(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string): void {
    // One flat string (join), not a template literal, which makes a chain of a dozen cons strings
    // per key for each of the series kept.
    const key = [target.namespace, target.name, target.uid ?? '', type, reason, message].join('\n');
    const now = this.now();
    const seen = this.recent.get(key);
    if (seen && now - seen.at < CORRELATION_WINDOW_MS) {
      seen.count++;
      seen.at = now;
      if (!seen.patchQueued) {
        seen.patchQueued = true;
        this.push({ kind: 'patch', series: seen });
      }
      return;
    }
    const name = [target.name, '.', now.toString(16), Math.random().toString(16).slice(2, 6)].join('');
    const series: Series = { key, name, namespace: target.namespace, count: 1, at: now };
    let done: (ok: boolean) => void = () => undefined;
    series.created = new Promise<boolean>((r) => (done = r));
    const ts = metaTime(now);
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: target.namespace },
      involvedObject: { apiVersion: target.apiVersion, kind: target.kind, name: target.name, namespace: target.namespace, uid: target.uid },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component: this.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    };
    if (!this.push({ kind: 'create', series, body, done })) return;
    this.recent.delete(key); // re-inserted last: the map stays in least-recently-used order
    this.recent.set(key, series);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
  }

  /** Resolves when every queued event has been sent or has failed (tests, shutdown). */
  flush(): Promise<void> {
    if (!this.queue.length && !this.sending) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  get pending(): number {
    return this.queue.length + this.sending;
  }

  private push(job: Job): boolean {
    if (this.queue.length >= QUEUE_LIMIT) {
      this.dropped++;
      this.onDropped?.();
      if (job.kind === 'create') job.done(false);
      else job.series.patchQueued = false;
      if (this.dropped === 1 || this.dropped % 1000 === 0) this.log.info('event queue full; events dropped', { dropped: this.dropped });
      return false;
    }
    this.queue.push(job);
    this.pump();
    return true;
  }

  private pump(): void {
    while (this.sending < SENDERS && this.queue.length) {
      const job = this.queue.shift()!;
      this.sending++;
      void this.send(job).finally(() => {
        this.sending--;
        this.pump();
        if (!this.queue.length && !this.sending) for (const r of this.idle.splice(0)) r();
      });
    }
  }

  private async send(job: Job): Promise<void> {
    const s = job.series;
    try {
      if (job.kind === 'create') {
        await this.client.request('POST', `/api/v1/namespaces/${s.namespace}/events`, { body: job.body });
        job.done(true);
        return;
      }
      // A count update waits for its Event to exist; if that failed there is nothing to update.
      // Repeats meanwhile ride on this update: it is marked sent only once it reads the count.
      const exists = await s.created;
      s.patchQueued = false;
      if (!exists) return;
      await this.client.mergePatch(`/api/v1/namespaces/${s.namespace}/events/${s.name}`, { count: s.count, lastTimestamp: metaTime(s.at) });
    } catch (e) {
      if (job.kind === 'create') {
        job.done(false);
        // Forget the series, so the next occurrence posts a new Event instead of patching a missing one.
        if (this.recent.get(s.key) === s) this.recent.delete(s.key);
      }
      this.log.info('event not recorded', { event: s.name, error: String(e) });
    }
  }
}
