/**
 * A Kubernetes API server for one namespaced collection (ConfigMaps in namespace `ns`), on
 * 127.0.0.1 and an ephemeral port, speaking the list/watch wire format the informer talks:
 *
 * - GET <collection>?limit=&continue=&labelSelector= answers a `ConfigMapList` page (items
 *   without apiVersion/kind, as the API server sends them), `metadata.continue` while more remain;
 * - GET <collection>?watch=true&resourceVersion=N streams newline-delimited JSON events
 *   ({type, object}) for every change after N, then every new change, until closed; a
 *   resourceVersion older than the last compaction answers 410 Gone (in the stream as an ERROR
 *   event with a Status, as kube-apiserver does, or as an HTTP status);
 * - each write bumps a global resourceVersion, kept in an event log that compact() truncates.
 *
 * Faults are injected by tests: failing answers, streams cut or ended, silent streams, expired
 * continue tokens, events that reach the log but not the open streams (missed).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConnection } from '../../../src/runtime/kube-config.js';

export const NAMESPACE = 'ns';
export const COLLECTION = `/api/v1/namespaces/${NAMESPACE}/configmaps`;

export interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    managedFields?: unknown[];
  };
  data?: Record<string, string>;
  [k: string]: unknown;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

interface Watcher {
  res: http.ServerResponse;
  selector: (o: ConfigMap) => boolean;
  silent: boolean;
}

/** How a failing request is answered: a Status (as the API server does) or plain text (as a proxy in front of it). */
export interface Failure {
  code: number;
  reason?: string;
  text?: string;
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** `a=b,c=d` equality selectors: all the informer tests need. */
function parseSelector(s: string | null): (o: ConfigMap) => boolean {
  if (!s) return () => true;
  const terms = s.split(',').map((t) => t.split('=') as [string, string]);
  return (o) => terms.every(([k, v]) => o.metadata.labels?.[k] === v);
}

export class FakeApiServer {
  private readonly server: http.Server;
  private rev = 1000;
  private uid = 0;
  private readonly objects = new Map<string, ConfigMap>();
  private log: { rev: number; type: EventType; object: ConfigMap }[] = [];
  private compactedRev = 0;
  private readonly watchers = new Set<Watcher>();

  /** Requests seen, in order, with the time they arrived. */
  readonly requests: { kind: 'list' | 'watch'; query: URLSearchParams; at: number }[] = [];
  /** Answers to the next list requests (first page or not), one per request. */
  readonly listFailures: Failure[] = [];
  /** Answers to the next watch requests, one per request. */
  readonly watchFailures: Failure[] = [];
  /** The next N requests with a continue token answer 410 Expired. */
  expireContinueTokens = 0;
  /** Accept watches but never write to them (a half-open connection). */
  silent = false;
  /** How a watch from a compacted resourceVersion learns it: an ERROR event (kube-apiserver) or an HTTP 410. */
  goneAs: 'event' | 'status' = 'event';

  private constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(): Promise<FakeApiServer> {
    const s = new FakeApiServer();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What KubeClient needs: the server, and no credentials (plain HTTP on loopback). */
  get connection(): KubeConnection {
    const server = this.url;
    return { getCurrentCluster: () => ({ server }), applyToHTTPSOptions: async () => undefined };
  }

  get resourceVersion(): string {
    return String(this.rev);
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  get lists(): URLSearchParams[] {
    return this.requests.filter((r) => r.kind === 'list').map((r) => r.query);
  }

  get watches(): URLSearchParams[] {
    return this.requests.filter((r) => r.kind === 'watch').map((r) => r.query);
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Creates or replaces an object; `notify: false` puts the event in the log but not on open streams (a missed event). */
  upsert(name: string, o: { data?: Record<string, string>; labels?: Record<string, string>; managedFields?: unknown[]; notify?: boolean } = {}): ConfigMap {
    const old = this.objects.get(name);
    const obj: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: NAMESPACE,
        uid: old?.metadata.uid ?? `uid-${++this.uid}`,
        resourceVersion: String(++this.rev),
        ...(o.labels ? { labels: o.labels } : {}),
        ...(o.managedFields ? { managedFields: o.managedFields } : {}),
      },
      ...(o.data ? { data: o.data } : {}),
    };
    this.objects.set(name, obj);
    this.record(old ? 'MODIFIED' : 'ADDED', obj, o.notify ?? true);
    return copy(obj);
  }

  remove(name: string, o: { notify?: boolean } = {}): void {
    const old = this.objects.get(name);
    if (!old) throw new Error(`no ${name}`);
    this.objects.delete(name);
    this.record('DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rev) } }, o.notify ?? true);
  }

  /** A BOOKMARK at a resourceVersion advanced by writes to other resources. */
  bookmark(): string {
    this.rev += 10;
    const object = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: String(this.rev) } } as unknown as ConfigMap;
    for (const w of this.watchers) this.send(w, 'BOOKMARK', object);
    return String(this.rev);
  }

  /** Sends one event to every open stream, as given, without changing what the server holds. */
  inject(type: EventType, object: ConfigMap): void {
    for (const w of this.watchers) this.send(w, type, copy(object));
  }

  /** Sends an ERROR event with a Status on every open stream. */
  streamError(code: number, reason: string, message: string): void {
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message } as unknown as ConfigMap;
    for (const w of this.watchers) this.send(w, 'ERROR', status);
  }

  /** etcd compaction: events up to now are gone; a watch from an older resourceVersion gets 410. */
  compact(): void {
    this.compactedRev = this.rev;
    this.log = [];
  }

  /** Ends every open stream cleanly (the server-side watch timeout). */
  endWatches(): void {
    for (const w of this.watchers) w.res.end();
  }

  /** Cuts every open stream mid-response (a dropped connection). */
  breakWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
  }

  private record(type: EventType, obj: ConfigMap, notify: boolean): void {
    const object = copy(obj);
    this.log.push({ rev: this.rev, type, object });
    if (!notify) return;
    for (const w of this.watchers) if (w.selector(object)) this.send(w, type, object);
  }

  private send(w: Watcher, type: EventType, object: ConfigMap): void {
    if (w.silent) return;
    // In two writes: the client must join a line that arrives in pieces.
    const line = JSON.stringify({ type, object }) + '\n';
    const cut = Math.floor(line.length / 2);
    w.res.write(line.slice(0, cut));
    w.res.write(line.slice(cut));
  }

  private fail(res: http.ServerResponse, f: Failure): void {
    if (f.text !== undefined) {
      res.writeHead(f.code, { 'Content-Type': 'text/plain' }).end(f.text);
      return;
    }
    const reason = f.reason ?? http.STATUS_CODES[f.code] ?? 'Unknown';
    res.writeHead(f.code, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `injected ${f.code}`, reason, code: f.code }));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method !== 'GET' || url.pathname !== COLLECTION) return this.fail(res, { code: 404, reason: 'NotFound' });
    const q = url.searchParams;
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    this.requests.push({ kind: watch ? 'watch' : 'list', query: q, at: Date.now() });
    if (watch) this.serveWatch(q, req, res);
    else this.serveList(q, res);
  }

  private serveList(q: URLSearchParams, res: http.ServerResponse): void {
    const failure = this.listFailures.shift();
    if (failure) return this.fail(res, failure);
    const token = q.get('continue');
    if (token && this.expireContinueTokens > 0) {
      this.expireContinueTokens--;
      return this.fail(res, { code: 410, reason: 'Expired' });
    }
    const selector = parseSelector(q.get('labelSelector'));
    const from = token ? (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: number; rv: string }) : { offset: 0, rv: this.resourceVersion };
    const all = [...this.objects.values()].filter(selector).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const limit = Number(q.get('limit') ?? 0) || all.length;
    const page = all.slice(from.offset, from.offset + limit);
    const next = from.offset + limit < all.length ? Buffer.from(JSON.stringify({ offset: from.offset + limit, rv: from.rv })).toString('base64') : undefined;
    const items = page.map(({ apiVersion: _a, kind: _k, ...item }) => item);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: from.rv, ...(next ? { continue: next } : {}) }, items }));
  }

  private serveWatch(q: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse): void {
    const failure = this.watchFailures.shift();
    if (failure) return this.fail(res, failure);
    const from = Number(q.get('resourceVersion') || this.rev);
    if (from < this.compactedRev) {
      const message = `too old resource version: ${from} (${this.compactedRev})`;
      if (this.goneAs === 'status') return this.fail(res, { code: 410, reason: 'Expired' });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'Expired', code: 410 } }) + '\n');
      return;
    }
    const w: Watcher = { res, selector: parseSelector(q.get('labelSelector')), silent: this.silent };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    for (const e of this.log) if (e.rev > from && w.selector(e.object)) this.send(w, e.type, e.object);
    this.watchers.add(w);
    const gone = (): void => void this.watchers.delete(w);
    req.on('close', gone);
    res.on('close', gone);
  }
}
