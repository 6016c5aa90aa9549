/** The operator's Prometheus metrics, as the bench reads them from its /metrics endpoint. */

/** Value by series (the metric name with its labels, as exposed). */
export type Metrics = Map<string, number>;

/** The series of a Prometheus text exposition; comments and blank lines skipped. */
export function parseMetrics(text: string): Metrics {
  const m: Metrics = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

export async function scrape(port: number): Promise<Metrics> {
  // A kept-alive connection can be closed by the operator's server just as a request goes out
  // (its 5 s idle timer fires late while reconciles keep its event loop busy): try again.
  for (let attempt = 0; ; attempt++) {
    try {
      return parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    } catch (e) {
      if (attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A metric in whole MiB (memory gauges). */
export const mib = (m: Metrics, name: string): number => Math.round((m.get(name) ?? NaN) / 2 ** 20);

/** The sum of every series whose name starts with `prefix` (e.g. `name{` for all its labels). */
export const sum = (m: Metrics, prefix: string): number => [...m].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);

/** Quantile from a cumulative Prometheus histogram (linear within the bucket, as histogram_quantile). */
export function histogramQuantile(m: Metrics, name: string, q: number): number {
  const buckets = [...m]
    .filter(([k]) => k.startsWith(`${name}_bucket{`))
    .map(([k, v]) => ({ le: Number(/le="([^"]+)"/.exec(k)![1]!.replace('+Inf', 'Infinity')), v }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)!.v;
  const rank = q * total;
  let prevLe = 0;
  let prevV = 0;
  for (const b of buckets) {
    if (b.v >= rank) return b.le === Infinity ? prevLe : prevLe + ((b.le - prevLe) * (rank - prevV)) / Math.max(1e-9, b.v - prevV);
    prevLe = b.le;
    prevV = b.v;
  }
  return NaN;
}

/** The operator's telemetry cycles so far, by result. */
export const telemetryCycles = (m: Metrics): { ok: number; failed: number } => ({
  ok: m.get('slice_operator_telemetry_cycles_total{result="success"}') ?? 0,
  failed: m.get('slice_operator_telemetry_cycles_total{result="error"}') ?? 0,
});

/** Reconciles and API writes so far. */
export const reconcilesOf = (m: Metrics): number => sum(m, 'controller_runtime_reconcile_total{');
export const writesOf = (m: Metrics): number => sum(m, 'slice_operator_api_writes_total{');
