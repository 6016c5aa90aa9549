import https from 'node:https';
import http from 'node:http';
import { ApiError } from './errors.js';
import type { KubeConnection } from './kube-config.js';

export type Json = Record<string, unknown>;

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Content types of the patch flavours the API server accepts. */
export const PATCH = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
} as const;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `deployments`, `networkslices/status`, ... from a REST path (group, version, namespace, name dropped). */
export function resourceOf(path: string): string {
  const segs = path.split('?')[0]!.split('/').filter(Boolean);
  let rest = segs[0] === 'api' ? segs.slice(2) : segs[0] === 'apis' ? segs.slice(3) : segs;
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  return rest[2] ? `${rest[0]}/${rest[2]}` : (rest[0] ?? path);
}

type TlsMaterial = Pick<https.RequestOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'>;

/**
 * Whether two sets of TLS options are the same material. Checked on every request, so by
 * identity first and by bytes next, never by serialising the Buffers into a key (a noticeable
 * share of the operator's CPU at that rate): our loader hands out the same Buffers each time,
 * client-node new ones.
 */
function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  const same = (x: unknown, y: unknown): boolean => {
    if (x === y) return true;
    if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) return x.equals(y);
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => same(v, y[i]));
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      const [kx, ky] = [Object.keys(x), Object.keys(y)]; // e.g. pfx entries { buf, passphrase }
      return kx.length === ky.length && kx.every((k) => same((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
    }
    return false;
  };
  return (Object.keys(a) as (keyof TlsMaterial)[]).every((k) => same(a[k], b[k]));
}

/**
 * A small REST client of ours over node:https, configured from a KubeConnection (our light loader,
 * or client-node's KubeConfig where exec plugins or proxies need it). Why not the generated
 * clients: they default patches to JSON Patch, hide status codes in untyped errors, and their
 * watch has no deadline; here every call has a timeout, a typed ApiError, and a write counter
 * (a no-op resync must perform zero writes — tests and benchmarks read `writes`).
 */
export class KubeClient {
  /** Mutating requests sent (POST/PUT/PATCH/DELETE), by "METHOD kind" for diagnostics. */
  readonly writes = new Map<string, number>();
  private readonly server: URL;

  constructor(
    private readonly kc: KubeConnection,
    private readonly userAgent = 'slice-operator',
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
  }

  get totalWrites(): number {
    let n = 0;
    for (const v of this.writes.values()) n += v;
    return n;
  }

  private agent?: { protocol: string; tls: TlsMaterial; agent: http.Agent };

  /**
   * One keep-alive agent for all requests. client-node's applyToHTTPSOptions builds a new Agent
   * per call, which means a TCP connect and a full TLS handshake (client certificate included)
   * for every request: at 1,000 slices that handshake load alone kept the API server busy. The
   * agent is rebuilt only when the TLS material changes (a rotated client certificate); sockets
   * of the old one close when the server times them out. Proxied clusters keep client-node's
   * agent, which knows how to tunnel.
   */
  private sharedAgent(opts: https.RequestOptions, protocol: string): https.RequestOptions['agent'] {
    if (this.kc.getCurrentCluster()?.proxyUrl) return opts.agent;
    const tls: TlsMaterial = { ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername };
    if (!this.agent || this.agent.protocol !== protocol || !sameMaterial(this.agent.tls, tls)) {
      const agent = protocol === 'https:' ? new https.Agent({ ...tls, keepAlive: true }) : new http.Agent({ keepAlive: true });
      this.agent = { protocol, tls, agent };
    }
    return this.agent.agent;
  }

  private async options(method: string, path: string, o: RequestOptions): Promise<https.RequestOptions & { url: URL }> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = { method, headers: { Accept: 'application/json', 'User-Agent': this.userAgent } };
    await this.kc.applyToHTTPSOptions(opts);
    opts.agent = this.sharedAgent(opts, url.protocol);
    if (o.body !== undefined) (opts.headers as Record<string, string>)['Content-Type'] = o.contentType ?? 'application/json';
    return { ...opts, url };
  }

  private countWrite(method: string, path: string): void {
    if (!MUTATING.has(method)) return;
    const resource = resourceOf(path);
    const key = `${method} ${resource}`;
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    this.onWrite?.(method, resource);
  }

  /** Called on every mutating request (the operator exports them as a metric). */
  onWrite?: (verb: string, resource: string) => void;

  /** One request; resolves with the parsed JSON body, rejects with ApiError on non-2xx. */
  async request<T = Json>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const { url, ...opts } = await this.options(method, path, o);
    this.countWrite(method, path);
    const payload = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const timeoutMs = o.timeoutMs ?? 30_000;
    return new Promise<T>((resolveP, rejectP) => {
      // A hard deadline for the whole exchange, not only socket idleness: under load a response
      // can stall or its socket close without 'end' or 'error', and a promise that never settles
      // would hold a worker (and its key) forever.
      let settled = false;
      const done = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(deadline);
        return true;
      };
      const resolve = (v: T): void => void (done() && resolveP(v));
      const reject = (e: unknown): void => void (done() && rejectP(e));
      const deadline = setTimeout(() => {
        const err = new ApiError(0, 'Timeout', `no complete answer within ${timeoutMs} ms`, method, url.pathname);
        reject(err);
        req.destroy(err);
      }, timeoutMs);
      const req = (url.protocol === 'https:' ? https : http).request(url, { ...opts, signal: o.signal, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new ApiError(0, 'ConnectionClosed', 'connection closed before the response was complete', method, url.pathname));
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let parsed: unknown = undefined;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { message: text };
          }
          if (status >= 200 && status < 300) return resolve(parsed as T);
          const s = parsed as { reason?: string; message?: string };
          reject(new ApiError(status, s.reason ?? http.STATUS_CODES[status] ?? 'Unknown', s.message ?? text, method, url.pathname));
        });
      });
      req.on('timeout', () => req.destroy(new ApiError(0, 'Timeout', `no answer within ${timeoutMs} ms`, method, url.pathname)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  get<T = Json>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  /** Server-side apply under one field manager; force takes ownership from other managers. */
  apply<T = Json>(path: string, obj: unknown, fieldManager: string, force = true): Promise<T> {
    return this.request<T>('PATCH', path, { body: obj, contentType: PATCH.apply, query: { fieldManager, force } });
  }

  mergePatch<T = Json>(path: string, patch: unknown, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('PATCH', path, { body: patch, contentType: PATCH.merge, query });
  }

  delete<T = Json>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('DELETE', path, { query });
  }

  /**
   * Opens a watch stream and calls onEvent per line. Resolves when the server closes the stream,
   * rejects on transport errors or a non-2xx answer. Abort through `signal` (the watchdog does).
   */
  async watch(path: string, query: RequestOptions['query'], onEvent: (ev: { type: string; object: Json }) => void, signal: AbortSignal): Promise<void> {
    const { url, ...opts } = await this.options('GET', path, { query: { ...query, watch: true } });
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      let response: http.IncomingMessage | undefined;
      let settled = false;
      const settle = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      // Ends the exchange early. Once the response is complete, the keep-alive agent takes the
      // socket back on 'end' and removes the request's error listener from it, so an error given
      // to destroy() then is emitted on a socket nobody listens to: an uncaught exception. That
      // is the common case: an ERROR event (410 Gone) is the last line of a stream, and onEvent
      // aborts on it. A complete response is therefore closed without an error.
      const stop = (err: Error): void => {
        if (response?.complete) {
          req.destroy();
          settle(err);
        } else req.destroy(err);
      };
      const onAbort = (): void => stop((signal.reason as Error | undefined) ?? new Error('watch aborted'));
      const req = (url.protocol === 'https:' ? https : http).request(url, opts, (res) => {
        response = res;
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => {
            let s: { reason?: string; message?: string } = {};
            try {
              s = JSON.parse(text) as typeof s;
            } catch {
              /* not JSON */
            }
            settle(new ApiError(status, s.reason ?? 'Unknown', s.message ?? text, 'WATCH', url.pathname));
          });
          res.on('error', settle);
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            try {
              onEvent(JSON.parse(line) as { type: string; object: Json });
            } catch (e) {
              stop(e as Error);
              return;
            }
          }
        });
        res.on('end', () => settle());
        res.on('error', settle);
        res.on('aborted', () => settle(new Error('watch aborted')));
      });
      req.on('error', settle);
      signal.addEventListener('abort', onAbort, { once: true });
      req.end();
    });
  }
}
