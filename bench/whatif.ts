// `npm run bench:whatif`: a week of history of 10,000 slices through `whatif`'s replay: the
// operator's forecasts (batched ONNX inference per hour, calibration warm-up and online
// scoring) and both policies (the operator's decision every 60 s cycle, the KEDA/HPA model
// every 15 s sync, pods with a start-up delay; one worker thread per core), at real-world time scales. Series: the Milan
// rows (real traffic), cycled and each scaled differently. Target: under 60 s on this machine.
import path from 'node:path';
import { DEFAULT_TIMING, Forecaster, packageRoot, prepareAll, replayAll, sliceViewsFromFile } from '../src/index.js';
import { replaceDocBlock } from '../tools/docs/doc-block.js';
import { loadHourlySquares, milanCsvPath, MILAN_START_MS } from '../tools/replayer/milan.js';

const N = Number(process.env.BENCH_SLICES ?? 10_000);
const WARMUP = 48;
const HOURS = 168 + WARMUP + 168;
const root = packageRoot();
const view = sliceViewsFromFile(path.join(root, 'examples', 'embb.yaml'))[0]!;
const rows = loadHourlySquares(milanCsvPath(root)).filter((r) => r.length >= 1080 && r.slice(576 - 216, 576 + 168).every(Number.isFinite));
const cap = 20 * 12 * 0.75;

const t0 = performance.now();
const slices = Array.from({ length: N }, (_, i) => {
  const r = rows[i % rows.length]!.slice(576 - 216, 576 + 168);
  const scale = (cap / Math.max(...r)) * (0.5 + ((i * 7919) % 1000) / 1000);
  return { name: `s${i}`, view, series: { startMs: MILAN_START_MS + (576 - 216) * 3_600_000, stepSeconds: 3600, values: Float64Array.from(r, (x) => x * scale) } };
});
const forecaster = await Forecaster.create();
// One worker thread per core for both phases (BENCH_WORKERS to choose).
const workers = process.env.BENCH_WORKERS ? { workers: Number(process.env.BENCH_WORKERS) } : {};
const prepared = await prepareAll(forecaster, slices, WARMUP, true, workers);
await forecaster.close();
const t1 = performance.now();
const opts = { timing: DEFAULT_TIMING, hpa: { targetUtilization: 0.8 }, warmupHours: WARMUP };
const runs = await replayAll(prepared, opts, workers);
let rh = 0;
for (const r of runs) rh += r.operator.replicaHours + r.hpa.replicaHours;
const t2 = performance.now();
const cpu = process.cpuUsage(); // this process's threads, the replay workers included
const line = `| ${N} slices x ${HOURS - 168 - WARMUP} h (plus ${168 + WARMUP} h of model window and warm-up) | ${((t1 - t0) / 1000).toFixed(1)} s | ${((t2 - t1) / 1000).toFixed(1)} s | ${((t2 - t0) / 1000).toFixed(1)} s | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s |`;
console.log(line, `(replica-hours checksum ${rh.toFixed(0)})`);
if (process.argv.includes('--write-docs')) {
  replaceDocBlock(
    path.join(root, 'docs', 'benchmarks.md'),
    'whatif',
    [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:whatif -- --write-docs\` on the 2-core machine (shared), node ${process.version}; series: the Milan rows, cycled, each scaled differently.`,
      '',
      '| replay | forecasts (load, infer, calibrate) | both policies | total wall | process CPU |',
      '|---|---|---|---|---|',
      line,
    ].join('\n'),
  );
}
