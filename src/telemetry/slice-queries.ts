// A slice's own PromQL query is its own fault domain: a query that does not parse, fails, times
// out or answers the wrong shape flags that slice alone, and every other slice is still served.
// Only an outage of Prometheus as a whole stops a cycle.
import { PrometheusError, type PrometheusClient } from './prometheus-client.js';
import type { ObservedSlice } from './slice-load.js';

/** Why a slice has no load this cycle, kept apart from the load itself. */
export interface SliceFault {
  reason: 'TelemetryQueryInvalid' | 'TelemetryQueryFailed' | 'TelemetryUnavailable';
  message: string;
}

/**
 * Runs one query. Its own failure is returned; a failure that is Prometheus's (it does not
 * answer even a trivial query) is thrown, as an outage.
 */
export async function tryQuery<T>(prom: PrometheusClient, run: () => Promise<T>): Promise<{ value?: T; error?: PrometheusError }> {
  try {
    return { value: await run() };
  } catch (e) {
    if (!(e instanceof PrometheusError)) throw e;
    if (e.kind === 'unreachable' && !(await prom.reachable())) throw e;
    return { error: e };
  }
}

/** Runs one slice's query: its failure is the slice's fault, naming the query. */
export async function runSliceQuery<T>(prom: PrometheusClient, s: ObservedSlice, run: () => Promise<T>): Promise<{ value?: T; fault?: SliceFault }> {
  const r = await tryQuery(prom, run);
  return r.error ? { fault: { reason: 'TelemetryQueryFailed', message: `${r.error.message} (query: ${s.query})` } } : { value: r.value };
}

/**
 * Custom queries checked with Prometheus's own parser, once per query text: a slice whose query
 * does not parse is not queried until its query changes, and its fault names the field.
 */
export class QueryChecks {
  private readonly checked = new Map<string, { query: string; error?: string }>();

  /** The slices of `slices` whose custom query does not parse, with their faults. */
  async invalid(prom: PrometheusClient, slices: ObservedSlice[]): Promise<Map<string, SliceFault>> {
    const out = new Map<string, SliceFault>();
    for (const s of slices) {
      if (s.defaultQuery) continue;
      let c = this.checked.get(s.key);
      if (c?.query !== s.query) {
        // Prometheus unreachable: left unchecked, the query itself then fails or the cycle stops.
        const error = await prom.syntaxError(s.query).catch(() => null);
        if (error === null) continue;
        c = { query: s.query, error };
        this.checked.set(s.key, c);
      }
      if (c.error) out.set(s.key, { reason: 'TelemetryQueryInvalid', message: `spec.telemetry.loadQuery is not valid PromQL: ${c.error} (query: ${s.query})` });
    }
    return out;
  }

  forget(key: string): void {
    this.checked.delete(key);
  }
}
