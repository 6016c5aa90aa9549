import { z } from 'zod';
import { backoffDelay, sleep } from '../runtime/backoff.js';

/** Prometheus did not answer, answered an error, or answered something that is not its API. */
export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'http' | 'api' | 'malformed',
  ) {
    super(message);
  }
}

const sampleValue = z.tuple([z.number(), z.string()]);
const vectorSchema = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
});
const matrixSchema = z.object({
  resultType: z.literal('matrix'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleValue) })),
});
const scalarSchema = z.object({ resultType: z.literal('scalar'), result: sampleValue });
const envelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

export interface Sample {
  labels: Record<string, string>;
  value: number;
  time: number;
}
export interface Series {
  labels: Record<string, string>;
  points: { time: number; value: number }[];
}

export interface PrometheusClientOptions {
  url: string;
  timeoutMs?: number;
  retries?: number;
  fetchImpl?: typeof fetch;
}

/**
 * Client of the Prometheus HTTP API (/api/v1/query, /api/v1/query_range, /api/v1/format_query). Every answer is
 * validated with zod before use: a proxy's HTML error page or a truncated body becomes a typed
 * PrometheusError('malformed'), never a NaN that reaches a scaling decision.
 */
export class PrometheusClient {
  private readonly base: string;

  constructor(private readonly o: PrometheusClientOptions) {
    this.base = o.url.replace(/\/+$/, '');
  }

  private async call(path: string, params: Record<string, string>): Promise<unknown> {
    const retries = this.o.retries ?? 2;
    let lastErr: PrometheusError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt - 1, 200, 2000));
      try {
        return await this.once(path, params);
      } catch (e) {
        lastErr = e instanceof PrometheusError ? e : new PrometheusError(String(e), 'unreachable');
        // A bad query will not improve with retries.
        if (lastErr.kind === 'api' || lastErr.kind === 'malformed') throw lastErr;
      }
    }
    throw lastErr!;
  }

  private async once(path: string, params: Record<string, string>): Promise<unknown> {
    const f = this.o.fetchImpl ?? fetch;
    let res: Response;
    try {
      res = await f(`${this.base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
      });
    } catch (e) {
      throw new PrometheusError(`Prometheus at ${this.base} unreachable: ${(e as Error).message}`, 'unreachable');
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      // The timeout covers the body too: a large answer from a busy Prometheus can be cut off
      // after its headers. That is a slow server (worth a retry), not a malformed answer.
      // By name: the abort is a DOMException, which is not an Error of every realm.
      const name = (e as { name?: unknown } | undefined)?.name;
      const why = name === 'TimeoutError' || name === 'AbortError' ? `no complete answer within ${this.o.timeoutMs ?? 5000} ms` : `the answer was cut off (${String(e)})`;
      throw new PrometheusError(`Prometheus at ${this.base}: HTTP ${res.status}, ${why}`, 'unreachable');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PrometheusError(`Prometheus answered HTTP ${res.status} with a non-JSON body (${text.slice(0, 80)})`, res.ok ? 'malformed' : 'http');
    }
    const env = envelope.safeParse(json);
    if (!env.success) throw new PrometheusError(`Prometheus answer is not an API envelope: ${env.error.issues[0]?.message}`, 'malformed');
    if (env.data.status === 'error') throw new PrometheusError(`Prometheus ${env.data.errorType ?? 'error'}: ${env.data.error ?? ''}`, res.status >= 500 ? 'http' : 'api');
    return env.data.data;
  }

  /** Instant query; scalars come back as one unlabelled sample. */
  async query(promql: string, time?: Date): Promise<Sample[]> {
    const params: Record<string, string> = { query: promql };
    if (time) params.time = String(time.getTime() / 1000);
    const data = await this.call('/api/v1/query', params);
    const vec = vectorSchema.safeParse(data);
    if (vec.success) return vec.data.result.map((r) => ({ labels: r.metric, time: r.value[0] * 1000, value: Number(r.value[1]) }));
    const sc = scalarSchema.safeParse(data);
    if (sc.success) return [{ labels: {}, time: sc.data.result[0] * 1000, value: Number(sc.data.result[1]) }];
    throw new PrometheusError('instant query answer is neither a vector nor a scalar', 'malformed');
  }

  /**
   * Prometheus's own parser on a query (/api/v1/format_query): undefined when it parses, else
   * the parser's message. Rejects (PrometheusError) only when Prometheus could not be asked.
   */
  async syntaxError(promql: string): Promise<string | undefined> {
    try {
      await this.call('/api/v1/format_query', { query: promql });
      return undefined;
    } catch (e) {
      if (e instanceof PrometheusError && e.kind === 'api') return e.message;
      throw e;
    }
  }

  /** Whether Prometheus answers a trivial query: tells an outage from one query's failure. */
  async reachable(): Promise<boolean> {
    try {
      await this.once('/api/v1/query', { query: 'vector(1)' });
      return true;
    } catch {
      return false;
    }
  }

  async queryRange(promql: string, start: Date, end: Date, stepSeconds: number): Promise<Series[]> {
    const data = await this.call('/api/v1/query_range', {
      query: promql,
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: String(stepSeconds),
    });
    const m = matrixSchema.safeParse(data);
    if (!m.success) throw new PrometheusError('range query answer is not a matrix', 'malformed');
    return m.data.result.map((r) => ({ labels: r.metric, points: r.values.map(([t, v]) => ({ time: t * 1000, value: Number(v) })) }));
  }
}
