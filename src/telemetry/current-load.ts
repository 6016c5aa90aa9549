// The current load of every slice: one instant query for all slices on the default query, one
// per slice with its own query.
import type { PrometheusClient } from './prometheus-client.js';
import type { ObservedSlice } from './slice-load.js';

/** Load per slice key at `now`; a slice without a sample is absent. A custom query's series are summed. */
export async function readCurrentLoad(prom: PrometheusClient, batchQuery: string, now: number, all: ObservedSlice[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (all.some((s) => s.defaultQuery)) {
    const samples = await prom.query(batchQuery, new Date(now));
    const byLabel = new Map(samples.map((s) => [`${s.labels.snssai}|${s.labels.plmnid}`, s.value]));
    for (const s of all) {
      const v = s.defaultQuery ? byLabel.get(`${s.snssai}|${s.plmnid}`) : undefined;
      if (v !== undefined) out.set(s.key, v);
    }
  }
  for (const s of all.filter((x) => !x.defaultQuery)) {
    const samples = await prom.query(s.query, new Date(now));
    if (samples.length === 1) out.set(s.key, samples[0]!.value);
    else if (samples.length > 1) out.set(s.key, samples.reduce((a, b) => a + b.value, 0));
  }
  return out;
}
