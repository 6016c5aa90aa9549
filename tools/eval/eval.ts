// Offline evaluation: `npm run eval:forecast` (tsx tools/eval/eval.ts --write-docs).
//
// Compares the classical baselines with the embedded ONNX model (through onnxruntime-node and the
// real Forecaster code path) on the SAME held-out data the training pipeline held out: squares
// listed in the model card's split (never seen in training) and target hours
// 2013-11-25 .. 2013-12-15 (after all training targets; holidays from Dec 20 are never used).
// Reports 1 h ahead accuracy and capacity metrics per square and for "slices" (sums of squares).
// With --write-docs the tables replace the block between the eval markers in docs/forecaster.md.
import { replaceDocBlock } from '../docs/doc-block.js';
import path from 'node:path';
import { holtWinters, lastValue, sameHourLastWeek, sameHourYesterday, HOURS_PER_WEEK } from '../../src/forecast/baselines.js';
import { ConformalCalibrator } from '../../src/forecast/calibration.js';
import { loadModelCard } from '../../src/forecast/card.js';
import { defaultCardPath, Forecaster, packageRoot } from '../../src/forecast/forecaster.js';
import type { SeriesInput } from '../../src/forecast/contract.js';
import { capacityMetrics, mae, mape, naiveScale, smape } from './metrics.js';
import { hourToDate, loadHourlySquares, milanCsvPath } from '../replayer/milan.js';

const SLICE_SIZE = 5;
const CALIBRATION_TARGET = 0.98;
const STRICT_TARGET = 0.99;
/** Calibration sees the week before the test window online (not scored), then keeps learning. */
const WARMUP = HOURS_PER_WEEK;
/** Holt-Winters is refitted at each origin on the last two weeks. */
const HW_WINDOW = 2 * HOURS_PER_WEEK;

interface Series {
  name: string;
  values: number[];
}

type Method = 'last value' | 'same hour yesterday' | 'same hour last week' | 'Holt-Winters (daily)' | 'ours p50 (ONNX)';
const METHODS: Method[] = ['last value', 'same hour yesterday', 'same hour last week', 'Holt-Winters (daily)', 'ours p50 (ONNX)'];

interface Collected {
  y: number[];
  point: Record<Method, number[]>;
  /** capacity from the conformal multiplier applied to each method's point forecast */
  calibrated: Record<Method, number[]>;
  oursP99: number[];
  oursP99Calibrated: number[];
  /** same with a stricter coverage target, to show the cost of meeting <= 1-2 % misses online */
  oursP99Strict: number[];
  mase: Record<Method, number[]>;
  sources: Record<string, number>;
  perSeries: { name: string; mapeOurs: number; mapeHw: number; mean: number }[];
}

function emptyCollected(): Collected {
  const rec = () => Object.fromEntries(METHODS.map((m) => [m, [] as number[]])) as unknown as Record<Method, number[]>;
  return {
    y: [],
    point: rec(),
    calibrated: rec(),
    oursP99: [],
    oursP99Calibrated: [],
    oursP99Strict: [],
    mase: rec(),
    sources: {},
    perSeries: [],
  };
}

async function evaluateSeries(f: Forecaster, s: Series, t0: number, t1: number, into: Collected): Promise<void> {
  const origins: number[] = [];
  for (let t = t0 - WARMUP; t < t1; t++) origins.push(t);
  const inputs: SeriesInput[] = origins.map((t) => ({
    key: `${s.name}@${t}`,
    history: s.values.slice(Math.max(0, t - HW_WINDOW), t),
    endTime: hourToDate(t - 1),
  }));
  const forecasts = await f.forecast(inputs); // one batched inference for all origins of the series
  const calib = Object.fromEntries(METHODS.map((m) => [m, new ConformalCalibrator({ target: CALIBRATION_TARGET })])) as Record<
    Method,
    ConformalCalibrator
  >;
  const p99Calib = new ConformalCalibrator({ target: CALIBRATION_TARGET });
  const p99Strict = new ConformalCalibrator({ target: STRICT_TARGET });
  const scale = naiveScale(s.values.slice(0, t0));
  const local = emptyCollected();
  origins.forEach((t, i) => {
    const hist = s.values.slice(Math.max(0, t - HW_WINDOW), t);
    const fc = forecasts[i]!;
    const y = s.values[t]!;
    const point: Record<Method, number> = {
      'last value': lastValue(hist, 1)[0]!,
      'same hour yesterday': sameHourYesterday(hist, 1)[0]!,
      'same hour last week': sameHourLastWeek(hist, 1)[0]!,
      'Holt-Winters (daily)': Math.max(0, holtWinters(hist, 1)[0]!),
      'ours p50 (ONNX)': fc.p50[0]!,
    };
    const scored = t >= t0;
    if (scored) {
      local.y.push(y);
      local.oursP99.push(fc.p99[0]!);
      local.oursP99Calibrated.push(p99Calib.capacity(s.name, fc.p99[0]!));
      local.oursP99Strict.push(p99Strict.capacity(s.name, fc.p99[0]!));
      into.sources[fc.source] = (into.sources[fc.source] ?? 0) + 1;
    }
    p99Calib.observe(s.name, fc.p99[0]!, y);
    p99Strict.observe(s.name, fc.p99[0]!, y);
    for (const m of METHODS) {
      if (scored) {
        local.point[m].push(point[m]);
        local.calibrated[m].push(calib[m].capacity(s.name, point[m]));
      }
      calib[m].observe(s.name, point[m], y);
    }
  });
  into.y.push(...local.y);
  into.oursP99.push(...local.oursP99);
  into.oursP99Calibrated.push(...local.oursP99Calibrated);
  into.oursP99Strict.push(...local.oursP99Strict);
  into.perSeries.push({
    name: s.name,
    mapeOurs: mape(local.point['ours p50 (ONNX)'], local.y),
    mapeHw: mape(local.point['Holt-Winters (daily)'], local.y),
    mean: local.y.reduce((a, b) => a + b, 0) / local.y.length,
  });
  for (const m of METHODS) {
    into.point[m].push(...local.point[m]);
    into.calibrated[m].push(...local.calibrated[m]);
    into.mase[m].push(mae(local.point[m], local.y) / scale);
  }
}

const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

function table(c: Collected, withMape: boolean): string {
  const head = ['method', 'MAE', 'sMAPE %', 'MASE', ...(withMape ? ['MAPE %'] : []), 'capacity', 'under-prov. %', 'over-prov. %'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const m of METHODS) {
    const cap = capacityMetrics(c.calibrated[m], c.y);
    const masev = c.mase[m].reduce((a, b) => a + b, 0) / c.mase[m].length;
    lines.push(
      `| ${m} | ${fmt(mae(c.point[m], c.y), 3)} | ${fmt(smape(c.point[m], c.y))} | ${fmt(masev, 3)} | ${withMape ? `${fmt(mape(c.point[m], c.y))} | ` : ''}point x conformal | ${fmt(cap.underProvisionedPct)} | ${fmt(cap.overProvisioningPct, 1)} |`,
    );
  }
  const blank = withMape ? '| | | | |' : '| | | |';
  for (const [label, cap] of [
    ['ours p99 (raw)', c.oursP99],
    ['ours p99 x conformal', c.oursP99Calibrated],
    ['ours p99 x conformal (strict)', c.oursP99Strict],
  ] as const) {
    const k = capacityMetrics(cap, c.y);
    lines.push(
      `| ${label} ${blank} ${label.includes('strict') ? `p99 x conformal(${STRICT_TARGET})` : label.includes('conformal') ? `p99 x conformal(${CALIBRATION_TARGET})` : 'p99'} | ${fmt(k.underProvisionedPct)} | ${fmt(k.overProvisioningPct, 1)} |`,
    );
  }
  return lines.join('\n');
}

function improvement(c: Collected, base: Method): string {
  const ours = mae(c.point['ours p50 (ONNX)'], c.y);
  return fmt((100 * (mae(c.point[base], c.y) - ours)) / mae(c.point[base], c.y), 1);
}

async function main(): Promise<void> {
  const started = Date.now();
  const card = await loadModelCard(defaultCardPath());
  const split = card.training?.split;
  if (!split) throw new Error('model card has no training.split: cannot reproduce the held-out set');
  const [t0, t1] = split.testTargetHours;
  const rows = loadHourlySquares(milanCsvPath(packageRoot()));
  const heldOut = split.heldOutSquares.filter((i) => (rows[i]?.length ?? 0) >= t1);
  const squares: Series[] = heldOut.map((i) => ({ name: `square-${i}`, values: rows[i]! }));
  const slices: Series[] = [];
  for (let k = 0; k + SLICE_SIZE <= heldOut.length; k += SLICE_SIZE) {
    const members = heldOut.slice(k, k + SLICE_SIZE);
    slices.push({
      name: `slice-${members.join('+')}`,
      values: rows[members[0]!]!.slice(0, t1).map((_, t) => members.reduce((a, i) => a + rows[i]![t]!, 0)),
    });
  }
  slices.push({
    name: 'slice-all-held-out',
    values: rows[heldOut[0]!]!.slice(0, t1).map((_, t) => heldOut.reduce((a, i) => a + rows[i]![t]!, 0)),
  });

  const forecaster = await Forecaster.create({});
  if (!forecaster.modelStatus.loaded) throw new Error(`model not loaded: ${forecaster.modelStatus.error}`);
  const sq = emptyCollected();
  for (const s of squares) await evaluateSeries(forecaster, s, t0, t1, sq);
  const sl = emptyCollected();
  for (const s of slices) await evaluateSeries(forecaster, s, t0, t1, sl);
  await forecaster.close();

  // Printed in the data's own time zone (CET = UTC+1 throughout Nov-Dec 2013).
  const dateOf = (t: number) => new Date(hourToDate(t).getTime() + 3600_000).toISOString().slice(0, 16) + '+01:00';
  const out = [
    `Model \`${forecaster.modelStatus.name}\`; data \`${path.basename(milanCsvPath(packageRoot()))}\` (Telecom Italia, ODbL 1.0).`,
    `Held-out squares: ${squares.length} (of ${split.heldOutSquares.length} held out; the others lack the full test window), never seen in training.`,
    `Targets: hours ${t0}..${t1 - 1} = ${dateOf(t0)} .. ${dateOf(t1 - 1)} (${t1 - t0} origins per series), 1 h ahead.`,
    `Capacity: the point forecast (or p99) times an online conformal multiplier (target ${CALIBRATION_TARGET * 100} %, window 336 h,`,
    `warm-up on the ${WARMUP} h before the test window, updated after every hour). Forecast sources: ${JSON.stringify(sq.sources)}.`,
    '',
    `**Per square** (${squares.length} squares, ${sq.y.length} forecasts). Ours vs last value: ${improvement(sq, 'last value')} % lower MAE; vs same hour yesterday: ${improvement(sq, 'same hour yesterday')} % lower MAE.`,
    '',
    table(sq, false),
    '',
    `**Slices** (${slices.length - 1} sums of ${SLICE_SIZE} held-out squares + the sum of all ${squares.length}; ${sl.y.length} forecasts). Ours vs last value: ${improvement(sl, 'last value')} % lower MAE; vs same hour yesterday: ${improvement(sl, 'same hour yesterday')} % lower MAE.`,
    '',
    table(sl, true),
    '',
    'Per slice MAPE % (ours / Holt-Winters, mean load):',
    '',
    ...sl.perSeries.map((p) => `- ${p.name}: ${fmt(p.mapeOurs)} / ${fmt(p.mapeHw)} (mean ${fmt(p.mean, 0)})`),
    '',
    `(${((Date.now() - started) / 1000).toFixed(1)} s on ${process.platform}/${process.arch}, node ${process.version})`,
  ].join('\n');
  console.log(out);

  if (process.argv.includes('--write-docs')) {
    const doc = path.join(packageRoot(), 'docs', 'forecaster.md');
    replaceDocBlock(doc, 'eval', out);
    console.log(`\nwrote results into ${doc}`);
  }
}

await main();
