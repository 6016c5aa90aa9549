// `npx tsx bench/slice-metrics-memory.ts [slices]`: memory of the per-slice metrics
// (src/controller/slice-metrics.ts) with every series a slice with telemetry has: observed load,
// forecast x3 quantiles, forecast error, calibration, coverage, capacity, degraded, and desired
// and ready replicas of each CNF (the embb example: 2 CNFs), 13 series a slice. Also times one
// scrape (the exposition text of all of them). Needs --expose-gc (passed below when missing) so
// that the heap figure holds only what is live.
import { Registry } from 'prom-client';
import { SliceMetrics, toSliceView } from '../src/index.js';
import { examples } from '../test/fixtures/api/corpus.js';
import { fullGc, gcExposedOrRerun } from './expose-gc.js';

const SLICES = Number(process.argv[2] ?? 10_000);

if (gcExposedOrRerun(import.meta.url, [String(SLICES)])) {
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const manifest = examples().find((e) => e.file === 'embb.yaml')!.manifest;
  const views = Array.from({ length: SLICES }, (_, i) => {
    const r = toSliceView({ ...manifest, metadata: { name: `s-${i}`, namespace: 'bench', uid: `u-${i}`, generation: 1 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.view;
  });
  await fullGc();
  const before = process.memoryUsage();
  const registry = new Registry();
  const m = new SliceMetrics(registry);
  // Two observations each: the second adds the forecast error (actual - the previous forecast).
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < SLICES; i++) {
      const v = views[i]!;
      const load = { current: i + round, observedAt: 0, forecast: { source: 'onnx', model: 'm', p50: i, p90: i * 1.2, p99: i * 1.5 }, calibration: 1.1, coverage: 0.9 };
      m.observe(`bench/s-${i}`, v, load, Object.fromEntries(v.cnfs.map((c) => [c.name, 2])), v.cnfs.map((c) => ({ cnf: c.name, ready: 1 })), false);
    }
  }
  await fullGc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  // The views stay live to here: V8 would free them after their last use, and the heap figure
  // would count them against the metrics.
  if (views.length !== SLICES) throw new Error('unreachable');
  const t = performance.now();
  const text = await registry.metrics();
  const ms = performance.now() - t;
  const series = text.split('\n').filter((l) => l.startsWith('slice_operator_') && l.includes('slice="')).length;
  console.log(
    `${SLICES.toLocaleString('en-US')} slices, ${series.toLocaleString('en-US')} series: V8 heap +${mb(heap)} MB, array buffers +${mb(buffers)} MB, ${Math.round((heap + buffers) / SLICES)} bytes per slice; one scrape ${ms.toFixed(0)} ms, ${mb(text.length)} MB of text`,
  );
}
