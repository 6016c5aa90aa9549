// `npx tsx bench/telemetry-memory.ts [slices] [steps]`: memory of the operator's telemetry state
// (src/telemetry/load-observer.ts: load history, forecasts, pending scores; the calibrator) with
// one series per slice, after `steps` hourly cycles, each with the real ONNX forecaster's
// batched forecast. The scale benchmark runs its slices without Prometheus, so this state is not
// in its figures. The loads are real Milan traffic (one grid square per slice, round robin),
// served by an in-process stand-in for the two Prometheus calls the observer makes: a real
// Prometheus holding 10,000 series of a week would measure Prometheus, not the operator.
// Needs --expose-gc (passed below when missing) so that the heap figure holds only what is live.
// As the image runs the operator, under the heap of the chart's 512 MiB limit:
//   node --optimize-for-size --max-old-space-size=256 --import tsx bench/telemetry-memory.ts
import { ConformalCalibrator, createLogger, DEFAULT_BATCH_QUERY, Forecaster, LoadObserver, packageRoot, type PrometheusClient, type Sample, type Series } from '../src/index.js';
import { loadHourlySquares, milanCsvPath } from '../tools/replayer/milan.js';
import { fullGc, gcExposedOrRerun } from './expose-gc.js';
import { peakRssBytes } from './proc-memory.js';

const SLICES = Number(process.argv[2] ?? 10_000);
const STEPS = Number(process.argv[3] ?? 170);
const HOUR = 3_600_000;

if (gcExposedOrRerun(import.meta.url, [String(SLICES), String(STEPS)])) {
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const rows = loadHourlySquares(milanCsvPath(packageRoot()));
  const sd = (i: number) => i.toString(16).padStart(6, '0');
  const at = (i: number, step: number) => rows[i % rows.length]![step % rows[i % rows.length]!.length]!;
  const stepOf = (t: number) => Math.floor(t / HOUR);
  let largestRange = 0;
  // Answers the batched default query as Prometheus would: one sample (or series) per slice.
  const prometheus = {
    async query(promql: string, time?: Date): Promise<Sample[]> {
      if (promql !== DEFAULT_BATCH_QUERY) throw new Error(`unexpected query ${promql}`);
      const t = time!.getTime();
      return Array.from({ length: SLICES }, (_, i) => ({ labels: { snssai: `1-${sd(i)}`, plmnid: '00101' }, time: t, value: at(i, stepOf(t)) }));
    },
    async queryRange(promql: string, start: Date, end: Date): Promise<Series[]> {
      if (promql !== DEFAULT_BATCH_QUERY) throw new Error(`unexpected query ${promql}`);
      const steps: number[] = [];
      for (let t = start.getTime(); t <= end.getTime(); t += HOUR) steps.push(t);
      largestRange = Math.max(largestRange, steps.length);
      return Array.from({ length: SLICES }, (_, i) => ({ labels: { snssai: `1-${sd(i)}`, plmnid: '00101' }, points: steps.map((t) => ({ time: t, value: at(i, stepOf(t)) })) }));
    },
  } as unknown as PrometheusClient;

  const forecaster = await Forecaster.create();
  const calibrator = new ConformalCalibrator();
  await fullGc();
  const before = process.memoryUsage();
  const observer = new LoadObserver({ prometheus, forecaster, calibrator, stepSeconds: 3600, log: createLogger({}, { level: 'error' }) });
  for (let i = 0; i < SLICES; i++) {
    observer.upsert({ key: `bench/s-${i}`, query: DEFAULT_BATCH_QUERY, defaultQuery: true, snssai: `1-${sd(i)}`, plmnid: '00101', horizonSteps: 6, quantile: 'p90' });
  }
  const started = Date.now();
  // The first cycle backfills the last week of every slice (the operator's start-up).
  const t1 = Date.UTC(2026, 10, 9, 0, 30);
  await observer.cycle(t1 - STEPS * HOUR);
  // The backfill's answers are the largest transient.
  const afterBackfill = peakRssBytes();
  // The first cycle also warms up every slice's calibration from the backfilled history.
  const warmed = calibrator.samples('bench/s-0');
  // Then hour by hour, as the operator's cycle runs once per step in production (30 min into each hour).
  for (let s = 1; s < STEPS; s++) await observer.cycle(t1 - (STEPS - s) * HOUR);
  const ms = Date.now() - started;
  await fullGc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  const history = observer.historyOf('bench/s-0');
  console.log(
    `${SLICES.toLocaleString('en-US')} slices x ${STEPS} hourly cycles (history ${history.length} steps, forecast ${forecaster.modelStatus.name}): V8 heap +${mb(heap)} MB, array buffers +${mb(buffers)} MB, ${Math.round((heap + buffers) / SLICES)} bytes per slice; RSS ${mb(after.rss)} MB (${mb(before.rss)} before); peak RSS ${mb(afterBackfill)} MB after the first cycle's backfill (query_range answers of up to ${largestRange} steps) and calibration warm-up (${warmed} scores a slice); ${(ms / STEPS).toFixed(0)} ms per cycle`,
  );
}
