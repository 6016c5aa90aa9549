import { backoffDelay, sleep } from './backoff.js';
import { isGone, ApiError } from './errors.js';
import type { ValueTable } from './intern.js';
import type { Json, KubeClient } from './kube-client.js';
import type { Logger } from './logger.js';

export type InformerEvent = 'add' | 'update' | 'delete' | 'resync';
/** `old` is the cached object an update or delete replaces (absent when it was never cached). */
export type Handler<T> = (event: InformerEvent, obj: T, old?: T) => void;

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface InformerOptions {
  /** Collection path, e.g. /api/v1/nodes or /apis/apps/v1/deployments (all namespaces). */
  path: string;
  labelSelector?: string;
  /** Server-side watch timeout; the stream is renewed after it. */
  watchTimeoutSeconds?: number;
  /** A stream silent for this long (no event, no bookmark) is presumed half-open and restarted. */
  watchdogMs?: number;
  /** Periodic resync: every cached object is handed to the handlers again (level-triggered safety net). */
  resyncMs?: number;
  /**
   * Items per list page (client-go's reflector uses 500). An unpaged list of 10,000 slices and
   * their children is tens of MB of JSON held at once as chunks, text and objects, and the process
   * keeps that memory: pages keep RSS down after a restart at that scale.
   */
  pageSize?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Applied to every object on its way into the cache, as controller-runtime's cache
   * TransformFunc: drop what no reader needs. It sees managedFields (a transform may read them);
   * without a transform they are stripped.
   */
  transform?: (obj: KubeObject) => KubeObject;
  /** After the transform, repeated values (strings, small objects and arrays) are replaced by shared copies from this table. */
  shared?: ValueTable;
}

/**
 * `namespace/name`, or the name of a cluster-scoped object. Built with join, which makes one flat
 * string: a template literal makes a cons string that, once hashed as a Map key, keeps pointing
 * at a flattened copy of itself, 32 bytes more per key, and the caches hold a key for every
 * slice and child.
 */
export const objectKey = (o: KubeObject): string => (o.metadata?.namespace ? [o.metadata.namespace, o.metadata.name].join('/') : (o.metadata?.name ?? ''));

/**
 * List+watch cache of one resource, hardened where client-node's informer is not: it restarts
 * itself after any watch error with backoff, re-lists on 410 Gone (emitting deletes for objects
 * that vanished meanwhile), aborts streams that go silent (watchdog), and resyncs periodically.
 * Handlers must only enqueue keys: they run synchronously inside the stream.
 */
export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: Handler<T>[] = [];
  private resourceVersion = '';
  private synced = false;
  private readonly abort = new AbortController();
  private streamAbort?: AbortController;
  private loop?: Promise<void>;
  private resyncTimer?: NodeJS.Timeout;
  /** Counters for tests and metrics. */
  readonly stats = { lists: 0, listPages: 0, watches: 0, watchErrors: 0, gone: 0, watchdogFired: 0 };

  constructor(
    private readonly client: KubeClient,
    private readonly opts: InformerOptions,
    private readonly log?: Logger,
  ) {}

  on(h: Handler<T>): this {
    this.handlers.push(h);
    return this;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  start(): void {
    this.loop ??= this.run();
    if (this.opts.resyncMs) {
      this.resyncTimer = setInterval(() => {
        for (const o of this.cache.values()) this.emit('resync', o);
      }, this.opts.resyncMs);
      this.resyncTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.streamAbort?.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.loop?.catch(() => undefined);
  }

  /** Resolves once the first list has filled the cache. */
  async waitForSync(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.synced) {
      if (Date.now() > deadline) throw new Error(`informer ${this.opts.path} did not sync in ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  private emit(ev: InformerEvent, obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        h(ev, obj, old);
      } catch (e) {
        this.log?.error('informer handler threw', { path: this.opts.path, error: String(e) });
      }
    }
  }

  private prepare(obj: T): T {
    const kept = this.opts.transform ? (this.opts.transform(obj) as T) : stripManagedFields(obj);
    return this.opts.shared ? this.opts.shared.internValues(kept) : kept;
  }

  private async relist(): Promise<void> {
    this.stats.lists++;
    type Page = { metadata: { resourceVersion: string; continue?: string }; items: T[]; kind?: string; apiVersion?: string };
    const fresh = new Map<string, T>();
    let resourceVersion = '';
    let next: string | undefined;
    // Pages of one consistent snapshot; each is transformed into the new cache before the next is
    // fetched. An expired continue token is a 410: run() lists again from the start.
    do {
      const page: Page = await this.client.request<Page>('GET', this.opts.path, {
        query: { labelSelector: this.opts.labelSelector, limit: this.opts.pageSize ?? 500, continue: next },
        signal: this.abort.signal,
        timeoutMs: 60_000,
      });
      this.stats.listPages++;
      // List items carry no apiVersion/kind (watch events do): restore them from the list, or a
      // cache filled by a re-list would never compare equal to desired objects and every resync
      // after a restart or a 410 would re-apply everything.
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items) fresh.set(objectKey(item), this.prepare({ apiVersion: page.apiVersion, kind, ...item }));
      resourceVersion = page.metadata.resourceVersion;
      next = page.metadata.continue || undefined;
    } while (next);
    for (const [k, old] of this.cache) if (!fresh.has(k)) {
      this.cache.delete(k);
      this.emit('delete', old, old);
    }
    for (const [k, obj] of fresh) {
      const old = this.cache.get(k);
      this.cache.set(k, obj);
      if (!old) this.emit('add', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('update', obj, old);
    }
    this.resourceVersion = resourceVersion;
    this.synced = true;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let needList = true;
    while (!this.abort.signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        await this.watchOnce();
        attempt = 0; // clean close: renew the watch right away
      } catch (e) {
        if (this.abort.signal.aborted) break;
        if (isGone(e)) {
          this.stats.gone++;
          needList = true;
          this.log?.info('watch expired (410 Gone), re-listing', { path: this.opts.path });
          continue;
        }
        this.stats.watchErrors++;
        const delay = backoffDelay(attempt++, this.opts.backoffBaseMs ?? 200, this.opts.backoffMaxMs ?? 30_000);
        this.log?.info('watch failed, retrying', { path: this.opts.path, error: String((e as Error).message ?? e), retryInMs: Math.round(delay) });
        // After a failure we cannot know what we missed unless the watch resumes; a relist on
        // repeated failures keeps the cache honest.
        if (attempt > 2) needList = true;
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async watchOnce(): Promise<void> {
    this.stats.watches++;
    const stream = new AbortController();
    this.streamAbort = stream;
    const onAbort = (): void => stream.abort();
    this.abort.signal.addEventListener('abort', onAbort, { once: true });
    const watchdogMs = this.opts.watchdogMs ?? ((this.opts.watchTimeoutSeconds ?? 300) + 60) * 1000;
    let last = Date.now();
    let fired = false;
    const dog = setInterval(() => {
      if (Date.now() - last > watchdogMs) {
        fired = true;
        this.stats.watchdogFired++;
        this.log?.info('watch stream silent, restarting (watchdog)', { path: this.opts.path, silentMs: Date.now() - last });
        stream.abort();
      }
    }, Math.min(1000, watchdogMs / 4));
    dog.unref();
    let streamError: ApiError | undefined;
    try {
      const timeout = this.opts.watchTimeoutSeconds ?? 300;
      await this.client.watch(
        this.opts.path,
        {
          labelSelector: this.opts.labelSelector,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          // Jitter spreads renewals of many informers.
          timeoutSeconds: Math.round(timeout * (0.9 + Math.random() * 0.2)),
        },
        (ev) => {
          last = Date.now();
          this.handleEvent(ev, (e) => {
            streamError = e;
            stream.abort();
          });
        },
        stream.signal,
      );
    } catch (e) {
      if (streamError) throw streamError;
      if (fired) return; // watchdog abort: renew
      throw e;
    } finally {
      clearInterval(dog);
      this.abort.signal.removeEventListener('abort', onAbort);
    }
    if (streamError) throw streamError;
  }

  private handleEvent(ev: { type: string; object: Json }, onError: (e: ApiError) => void): void {
    const obj = this.prepare(ev.object as T);
    const rv = obj.metadata?.resourceVersion;
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const k = objectKey(obj);
        const old = this.cache.get(k);
        this.cache.set(k, obj);
        this.emit(old ? 'update' : 'add', obj, old);
        break;
      }
      case 'DELETED': {
        const k = objectKey(obj);
        const old = this.cache.get(k);
        this.cache.delete(k);
        this.emit('delete', obj, old);
        break;
      }
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        const st = ev.object as { code?: number; reason?: string; message?: string };
        onError(new ApiError(st.code ?? 500, st.reason ?? 'Unknown', st.message ?? 'watch error', 'WATCH', this.opts.path));
        return;
      }
    }
    if (rv) this.resourceVersion = rv;
  }
}

/**
 * managedFields are often the largest part of an object and nothing here reads them: dropped on
 * the way into the cache (as controller-runtime's TransformStripManagedFields does), they cost
 * the caches no memory.
 *
 * The metadata is rebuilt without them, not `delete`d from: custom resources come with their keys
 * in alphabetical order, so managedFields is not the last property, and deleting any other turns
 * the object into a dictionary (a hash table of its property names), several times the size of
 * the same metadata with a hidden class.
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  const md = obj.metadata as (KubeObject['metadata'] & { managedFields?: unknown }) | undefined;
  if (md?.managedFields !== undefined) {
    const { managedFields: _dropped, ...rest } = md;
    obj.metadata = rest;
  }
  return obj;
}
