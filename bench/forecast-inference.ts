// `npm run bench:forecast`: one batched inference for 10,000 series through the real Forecaster
// (input preparation + onnxruntime-node + unscaling), median of several runs. The raw session
// time (model.run only) is reported separately so regressions can be located.
// With --write-docs the result replaces the forecast-bench block in docs/benchmarks.md.
import { replaceDocBlock } from '../tools/docs/doc-block.js';
import { probeOnce, probeText, startStealMeter, summariseProbes } from './cpu-probe.js';
import os from 'node:os';
import path from 'node:path';
import { CALENDAR_FEATURES, DEFAULT_MAX_BATCH_ROWS, defaultCardPath, defaultModelPath, Forecaster, loadModelCard, OnnxForecastModel, packageRoot, type SeriesInput } from '../src/index.js';

const N = Number(process.env.BENCH_SERIES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Wall and CPU milliseconds of one call. The CPU time (user + system of the whole process) is what
 * the call costs whatever else runs on the machine; on a shared machine the wall time also holds
 * the waits for a core.
 */
async function timed(fn: () => Promise<unknown>): Promise<[number, number]> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const d = process.cpuUsage(c);
  return [performance.now() - t, (d.user + d.system) / 1000];
}

const row = (label: string, xs: [number, number][]) => {
  const wall = xs.map((x) => x[0]);
  const cpu = xs.map((x) => x[1]);
  return `| ${label} | ${median(wall).toFixed(1)} | ${Math.min(...wall).toFixed(1)} | ${Math.max(...wall).toFixed(1)} | ${median(cpu).toFixed(1)} |`;
};

function syntheticInputs(n: number, length: number): SeriesInput[] {
  // Deterministic daily-shaped series with per-series level and noise (LCG, no Math.random).
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const end = new Date(Date.UTC(2024, 0, 8, 12));
  return Array.from({ length: n }, (_, i) => {
    const level = 5 + 100 * rnd();
    const history = Array.from({ length }, (_, t) => level * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24)) + level * 0.1 * (rnd() - 0.5));
    return { key: `s${i}`, history, endTime: end };
  });
}

async function main(): Promise<void> {
  const card = await loadModelCard(defaultCardPath());
  const L = card.contract.historyLength;
  const inputs = syntheticInputs(N, L);

  // The cores' speed while it ran (bench/cpu-probe.ts), probed before each timed run and never
  // during one: the same batch has taken twice as long on one day as on another on this shared
  // machine, and the probe tells such days apart.
  const probes: number[] = [];
  const steal = startStealMeter();
  const forecaster = await Forecaster.create({});
  if (!forecaster.modelStatus.loaded) throw new Error(`model not loaded: ${forecaster.modelStatus.error}`);
  await forecaster.forecast(inputs.slice(0, 64)); // warm-up
  const full: [number, number][] = [];
  for (let r = 0; r < RUNS; r++) {
    probes.push(probeOnce());
    let out: Awaited<ReturnType<Forecaster['forecast']>> = [];
    full.push(await timed(async () => (out = await forecaster.forecast(inputs))));
    if (out.length !== N || out.some((f) => f.source !== 'onnx')) throw new Error('unexpected fallback in bench');
  }
  await forecaster.close();

  const model = await OnnxForecastModel.load(defaultModelPath(), card);
  const hist = new Float32Array(N * L).map((_, i) => 1 + 0.3 * Math.sin(i));
  const cal = new Float32Array(N * CALENDAR_FEATURES).fill(0.5);
  await model.run(hist.subarray(0, 64 * L), cal.subarray(0, 64 * CALENDAR_FEATURES), 64);
  const raw: [number, number][] = [];
  for (let r = 0; r < RUNS; r++) {
    probes.push(probeOnce());
    raw.push(await timed(() => model.run(hist, cal, N)));
  }
  await model.release();
  const speed = summariseProbes(probes);
  const stolen = steal.stop();

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const out = [
    `\`npm run bench:forecast\` (model \`${card.name}@${card.version}\`, ${(card.sizeBytes ?? 0).toLocaleString('en-US')} bytes), measured ${new Date().toISOString().slice(0, 10)}: ${N.toLocaleString('en-US')} series, one batched call (session runs of up to ${DEFAULT_MAX_BATCH_ROWS.toLocaleString('en-US')} rows), median of ${RUNS} runs after warm-up, ${os.cpus().length} cores (${cpu}), node ${process.version}, onnxruntime-node (1 intra-op thread):`,
    '',
    `| measured | median ms | min ms | max ms | median CPU ms |`,
    `|---|---|---|---|---|`,
    row('Forecaster.forecast() (prepare + infer + unscale)', full),
    row('OnnxForecastModel.run() (session only)', raw),
    '',
    `Load average while it ran: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${os.cpus().length} cores; CPU probe (bench/cpu-probe.ts, lower is faster): ${probeText(speed)}; ${stolen === null ? 'steal not available' : `${(100 * stolen).toFixed(0)} % of the machine's CPU time stolen by the host`}.`,
  ].join('\n');
  console.log(out);
  if (process.argv.includes('--write-docs')) {
    const doc = path.join(packageRoot(), 'docs', 'benchmarks.md');
    replaceDocBlock(doc, 'forecast-bench', out);
    console.log(`\nwrote results into ${doc}`);
  }
}

await main();
