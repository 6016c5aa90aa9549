// The current load of every slice: one instant query for all slices on the default query, one
// per slice with its own query.
import type { PrometheusClient } from './prometheus-client.js';
import type { ObservedSlice } from './slice-load.js';
import { runSliceQuery, tryQuery, type SliceFault } from './slice-queries.js';

export interface CurrentLoad {
  /** Load per slice key; a slice without a sample is absent. */
  values: Map<string, number>;
  /** Slices whose own query failed, with why. */
  faults: Map<string, SliceFault>;
  /** Why the batched default query failed, if it did (every slice on it then has a fault). */
  batchError?: string;
}

/** Sample values summed, for a custom query that answers several series. */
const total = (samples: { value: number }[]): number | undefined => (samples.length ? samples.reduce((a, b) => a + b.value, 0) : undefined);

async function readBatch(prom: PrometheusClient, batchQuery: string, now: number, slices: ObservedSlice[], out: CurrentLoad): Promise<void> {
  const r = await tryQuery(prom, () => prom.query(batchQuery, new Date(now)));
  if (r.error) {
    out.batchError = r.error.message;
    for (const s of slices) out.faults.set(s.key, { reason: 'TelemetryUnavailable', message: r.error.message });
    return;
  }
  const byLabel = new Map(r.value!.map((s) => [`${s.labels.snssai}|${s.labels.plmnid}`, s.value]));
  for (const s of slices) {
    const v = byLabel.get(`${s.snssai}|${s.plmnid}`);
    if (v !== undefined) out.values.set(s.key, v);
  }
}

/**
 * Reads every slice's load at `now`. One slice's query failing is that slice's fault; the batched
 * query failing is a fault of every slice on it; only an outage of Prometheus rejects.
 */
export async function readCurrentLoad(prom: PrometheusClient, batchQuery: string, now: number, all: ObservedSlice[]): Promise<CurrentLoad> {
  const out: CurrentLoad = { values: new Map(), faults: new Map() };
  const batched = all.filter((s) => s.defaultQuery);
  if (batched.length) await readBatch(prom, batchQuery, now, batched, out);
  for (const s of all.filter((x) => !x.defaultQuery)) {
    const r = await runSliceQuery(prom, s, async () => total(await prom.query(s.query, new Date(now))));
    if (r.fault) out.faults.set(s.key, r.fault);
    else if (r.value !== undefined) out.values.set(s.key, r.value);
  }
  return out;
}
