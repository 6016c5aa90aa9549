// Offline evaluation: `npm run eval:forecast` (tsx tools/eval/eval.ts --write-docs).
//
// One run compares the embedded ONNX model (through onnxruntime-node and the real Forecaster code
// path) with its peers on the SAME targets: naive methods and Holt-Winters (src/forecast), and the
// Python peers (statsforecast AutoETS and MSTL, a LightGBM global model, N-HiTS from
// neuralforecast; tools/eval/peers.ts).
// Series: held-out distinct squares (never seen in training) and slices (sums of 2, 5 and 12 of
// them) from the model card. Targets: the test window (2013-11-25 .. 2013-12-15), horizons 1 h and
// 6 h; capacity metrics at 1 h. Also: accuracy against the history a slice has (6 h .. a week).
// `--sealed` scores the sealed window (2013-12-16 .. 19) instead, into its own docs block: it is
// reported once, at the end, and no design choice looks at it.
import path from 'node:path';
import { holtWinters, lastValue, sameHourLastWeek, sameHourYesterday, HOURS_PER_WEEK } from '../../src/forecast/baselines.js';
import { ConformalCalibrator } from '../../src/forecast/calibration.js';
import { loadModelCard } from '../../src/forecast/card.js';
import { fallbackForecast } from '../../src/forecast/fallback.js';
import { defaultCardPath, Forecaster, packageRoot } from '../../src/forecast/forecaster.js';
import type { SeriesInput } from '../../src/forecast/contract.js';
import { replaceDocBlock } from '../docs/doc-block.js';
import { hourToDate, loadHourlySquares, milanCsvPath } from '../replayer/milan.js';
import { capacityMetrics, mae, mape } from './metrics.js';
import { loadPeers, type PeerForecasts } from './peers.js';
import { evaluationSeries, windowHours, type EvalSeries, type EvalWindow } from './series.js';

const HORIZONS = [1, 6] as const;
const CALIBRATION_TARGET = 0.98;
const STRICT_TARGET = 0.99;
/** Calibration sees the week before the window online (not scored), then keeps learning. */
const WARMUP = HOURS_PER_WEEK;
/** Holt-Winters is refitted at each origin on the last two weeks. */
const HW_WINDOW = 2 * HOURS_PER_WEEK;
const OURS = 'ours p50 (ONNX)';
const HISTORY_LENGTHS = [6, 24, 72, 168] as const;

/** Forecasts of one method for one series: horizon -> value per target (first..end), NaN = none. */
type ByHorizon = Record<number, number[]>;

interface SeriesResult {
  s: EvalSeries;
  y: number[];
  methods: Map<string, ByHorizon>;
  p99: number[];
}

function targetsOf(fc: Float64Array | number[], first: number, t0: number, t1: number): number[] {
  return Array.from({ length: t1 - t0 }, (_, k) => fc[t0 - first + k]!);
}

/** Our forecasts from every origin, as p50 per horizon and the 1 h p99, per target. */
async function ours(f: Forecaster, s: EvalSeries, first: number, end: number, historyHours: number) {
  const maxH = Math.max(...HORIZONS);
  const origins = Array.from({ length: end - first + maxH - 1 }, (_, k) => first - maxH + 1 + k);
  const inputs: SeriesInput[] = origins.map((o) => ({ key: `${s.name}@${o}`, history: s.values.slice(Math.max(0, o - Math.min(historyHours, HW_WINDOW)), o), endTime: hourToDate(o - 1) }));
  const out = await f.forecast(inputs); // one batched inference for all origins of the series
  const p50: ByHorizon = {};
  for (const h of HORIZONS) p50[h] = Array.from({ length: end - first }, (_, k) => out[first + k - h + 1 - origins[0]!]!.p50[h - 1]!);
  const p99 = Array.from({ length: end - first }, (_, k) => out[first + k - origins[0]!]!.p99[0]!);
  const sources = new Set(out.map((o) => o.source));
  return { p50, p99, sources };
}

/** Naive methods and Holt-Winters from src/forecast, per horizon and target. */
function classical(s: EvalSeries, first: number, end: number): Map<string, ByHorizon> {
  const fns: [string, (h: number[], n: number) => number[]][] = [
    ['last value', lastValue],
    ['same hour yesterday', sameHourYesterday],
    ['same hour last week', sameHourLastWeek],
    ['Holt-Winters (daily)', (h, n) => holtWinters(h, n).map((v) => Math.max(0, v))],
  ];
  const maxH = Math.max(...HORIZONS);
  const byOrigin = new Map<number, number[][]>();
  for (let o = first - maxH + 1; o < end; o++) {
    const hist = s.values.slice(Math.max(0, o - HW_WINDOW), o);
    byOrigin.set(
      o,
      fns.map(([, fn]) => fn(hist, maxH)),
    );
  }
  const out = new Map<string, ByHorizon>();
  fns.forEach(([name], m) => {
    const bh: ByHorizon = {};
    for (const h of HORIZONS) bh[h] = Array.from({ length: end - first }, (_, k) => byOrigin.get(first + k - h + 1)![m]![h - 1]!);
    out.set(name, bh);
  });
  return out;
}

function peerMethods(peers: PeerForecasts, s: EvalSeries, first: number, end: number): Map<string, ByHorizon> {
  const got = peers.series[s.name];
  if (!got || peers.targets[0] !== first || peers.targets[1] !== end) throw new Error(`peer forecasts do not cover ${s.name} on [${first}, ${end})`);
  const out = new Map<string, ByHorizon>();
  for (const [m, byH] of Object.entries(got)) {
    const bh: ByHorizon = {};
    for (const h of HORIZONS) bh[h] = byH[String(h)]!.map((v) => (v === null ? Number.NaN : v));
    out.set(m, bh);
  }
  return out;
}

interface GroupRow {
  method: string;
  n: number[];
  mae: number[];
  oursMae: number[];
  mape: number[];
  under?: number;
  over?: number;
}

/** One group's rows: every method's MAE per horizon on its targets, ours on the same targets. */
function groupRows(results: SeriesResult[], t0: number, t1: number, first: number): GroupRow[] {
  const names = [...results[0]!.methods.keys()];
  return names.map((method) => {
    const row: GroupRow = { method, n: [], mae: [], oursMae: [], mape: [] };
    for (const h of HORIZONS) {
      const f: number[] = [];
      const o: number[] = [];
      const y: number[] = [];
      for (const r of results) {
        const fm = targetsOf(r.methods.get(method)![h]!, first, t0, t1);
        const fo = targetsOf(r.methods.get(OURS)![h]!, first, t0, t1);
        fm.forEach((v, k) => {
          if (Number.isFinite(v)) {
            f.push(v);
            o.push(fo[k]!);
            y.push(r.y[k]!);
          }
        });
      }
      row.n.push(y.length);
      row.mae.push(mae(f, y));
      row.oursMae.push(mae(o, y));
      row.mape.push(mape(f, y));
    }
    const cap = capacity(results, method, first, t0, t1);
    if (cap) Object.assign(row, cap);
    return row;
  });
}

/** 1 h capacity of a method's point forecast times its own online conformal factor. */
function capacity(results: SeriesResult[], method: string, first: number, t0: number, t1: number, p99?: 'raw' | number) {
  const cap: number[] = [];
  const ys: number[] = [];
  for (const r of results) {
    const f = p99 ? r.p99 : r.methods.get(method)![1]!;
    if (!f.every((v) => Number.isFinite(v))) return undefined; // a method with gaps (MSTL)
    const cal = new ConformalCalibrator({ target: typeof p99 === 'number' ? p99 : CALIBRATION_TARGET });
    for (let t = first; t < t1; t++) {
      const v = f[t - first]!;
      const y = r.s.values[t]!;
      if (t >= t0) {
        cap.push(p99 === 'raw' ? v : cal.capacity(r.s.name, v));
        ys.push(y);
      }
      cal.observe(r.s.name, v, y);
    }
  }
  const m = capacityMetrics(cap, ys);
  return { under: m.underProvisionedPct, over: m.overProvisioningPct };
}

const fmt = (v: number | undefined, d = 2) => (v !== undefined && Number.isFinite(v) ? v.toFixed(d) : '');

function groupTable(title: string, results: SeriesResult[], t0: number, t1: number, first: number, withMape: boolean): string {
  const rows = groupRows(results, t0, t1, first);
  const peers = rows.filter((r) => r.method !== OURS);
  const us = rows.find((r) => r.method === OURS)!;
  const best = HORIZONS.map((_, i) => peers.reduce((b, r) => (r.mae[i]! / r.oursMae[i]! < b.mae[i]! / b.oursMae[i]! ? r : b)));
  const vsBest = HORIZONS.map((h, i) => {
    const d = (100 * (best[i]!.mae[i]! - best[i]!.oursMae[i]!)) / best[i]!.mae[i]!;
    return `${h} h: ${fmt(Math.abs(d), 1)} % ${d >= 0 ? 'lower' : 'higher'} MAE than the best peer (${best[i]!.method})`;
  });
  const head = ['method', 'MAE 1 h', 'MAE 6 h', 'ours on its targets 1 h / 6 h', ...(withMape ? ['MAPE 1 h %', 'MAPE 6 h %'] : []), 'capacity (1 h)', 'under-prov. %', 'over-prov. %'];
  const line = (r: GroupRow) =>
    `| ${r.method}${r.n[0]! < us.n[0]! ? ` (${r.n[0]} of ${us.n[0]} targets)` : ''} | ${fmt(r.mae[0], 3)} | ${fmt(r.mae[1], 3)} | ${r.method === OURS ? '' : `${fmt(r.oursMae[0], 3)} / ${fmt(r.oursMae[1], 3)}`} | ${withMape ? `${fmt(r.mape[0])} | ${fmt(r.mape[1])} | ` : ''}${r.under === undefined ? '' : 'point x conformal'} | ${fmt(r.under)} | ${fmt(r.over, 1)} |`;
  const blank = withMape ? '| | | | | |' : '| | | |';
  const extra = (
    [
      ['ours p99 (raw)', 'p99', 'raw'],
      ['ours p99 x conformal', `p99 x conformal(${CALIBRATION_TARGET})`, CALIBRATION_TARGET],
      ['ours p99 x conformal (strict)', `p99 x conformal(${STRICT_TARGET})`, STRICT_TARGET],
    ] as const
  ).map(([label, how, p]) => {
    const c = capacity(results, OURS, first, t0, t1, p)!;
    return `| ${label} ${blank} ${how} | ${fmt(c.under)} | ${fmt(c.over, 1)} |`;
  });
  return [
    `**${title}** (${results.length} series, ${us.n[0]} targets per horizon). Ours: ${vsBest.join('; ')}.`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map(line),
    ...extra,
  ].join('\n');
}

/** Ours with only the last `hours` of history (padded by the forecaster), vs the EWMA fallback. */
async function historyTable(f: Forecaster, groups: [string, EvalSeries[]][], first: number, t0: number, t1: number): Promise<string> {
  const lines = ['| history | ' + groups.map(([g]) => `${g} MAE 1 h / 6 h`).join(' | ') + ' |', `|---|${groups.map(() => '---').join('|')}|`];
  const full: number[][] = [];
  const day: number[][] = [];
  for (const hours of HISTORY_LENGTHS) {
    const cells: string[] = [];
    for (const [gi, [, series]] of groups.entries()) {
      const f1: number[] = [];
      const f6: number[] = [];
      const y1: number[] = [];
      for (const s of series) {
        const o = await ours(f, s, first, t1, hours);
        f1.push(...targetsOf(o.p50[1]!, first, t0, t1));
        f6.push(...targetsOf(o.p50[6]!, first, t0, t1));
        y1.push(...s.values.slice(t0, t1));
      }
      const m = [mae(f1, y1), mae(f6, y1)];
      if (hours === 168) full[gi] = m;
      if (hours === 24) day[gi] = m;
      cells.push(`${fmt(m[0], 3)} / ${fmt(m[1], 3)}`);
    }
    lines.push(`| ${hours} h | ${cells.join(' | ')} |`);
  }
  // What a young slice got before the model took short histories: the EWMA / seasonal fallback.
  const fb = groups.map(([, series]) =>
    HORIZONS.map((h) => {
      const f: number[] = [];
      const y: number[] = [];
      for (const s of series) {
        for (let t = t0; t < t1; t++) {
          const o = t - h + 1;
          f.push(fallbackForecast(s.values.slice(o - 24, o), h).p50[h - 1]!);
          y.push(s.values[t]!);
        }
      }
      return fmt(mae(f, y), 3);
    }).join(' / '),
  );
  lines.push(`| 24 h, fallback (what a young slice got before) | ${fb.join(' | ')} |`);
  const worse = (i: number) => HORIZONS.map((_, k) => `${fmt(100 * (day[i]![k]! / full[i]![k]! - 1), 1)} %`).join(' / ');
  lines.push('', `24 h of history against a full week (MAE, 1 h / 6 h): ${groups.map(([g], i) => `${g} ${worse(i)} worse`).join('; ')}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const window: EvalWindow = process.argv.includes('--sealed') ? 'sealed' : 'test';
  const cardFile = defaultCardPath();
  const card = await loadModelCard(cardFile);
  const [t0, t1] = windowHours(card, window);
  const first = t0 - WARMUP;
  const dataFile = milanCsvPath(packageRoot());
  const rows = loadHourlySquares(dataFile);
  const series = evaluationSeries(card, rows, t1);
  const peers = loadPeers(packageRoot(), card, cardFile, dataFile, window);

  const forecaster = await Forecaster.create({});
  if (!forecaster.modelStatus.loaded) throw new Error(`model not loaded: ${forecaster.modelStatus.error}`);
  const results: SeriesResult[] = [];
  const sources = new Set<string>();
  for (const s of series) {
    const o = await ours(forecaster, s, first, t1, HOURS_PER_WEEK);
    o.sources.forEach((x) => sources.add(x));
    const methods = new Map([...classical(s, first, t1), ...peerMethods(peers, s, first, t1), [OURS, o.p50]]);
    results.push({ s, y: s.values.slice(t0, t1), methods, p99: o.p99 });
  }
  const squares = results.filter((r) => r.s.members.length === 1);
  const bySize = (k: number) => results.filter((r) => r.s.members.length === k);
  const sizes = [...new Set(results.map((r) => r.s.members.length).filter((k) => k > 1))].sort((a, b) => a - b);
  const hist = window === 'test' ? await historyTable(forecaster, [['squares', squares.map((r) => r.s)], ...sizes.map((k) => [`${k}-square slices`, bySize(k).map((r) => r.s)] as [string, EvalSeries[]])], first, t0, t1) : '';
  await forecaster.close();

  // Printed in the data's own time zone (CET = UTC+1 throughout Nov-Dec 2013).
  const dateOf = (t: number) => new Date(hourToDate(t).getTime() + 3600_000).toISOString().slice(0, 16) + '+01:00';
  const out = [
    `Model \`${forecaster.modelStatus.name}\`; data \`${path.basename(dataFile)}\` (Telecom Italia, ODbL 1.0), deduplicated, split by distinct series.`,
    `Window: ${window}, targets hours ${t0}..${t1 - 1} = ${dateOf(t0)} .. ${dateOf(t1 - 1)}, horizons 1 h and 6 h (a target's forecast is made h hours before it).`,
    `Series: ${squares.length} held-out distinct squares (never seen in training) and ${results.length - squares.length} slices (sums of ${sizes.join(', ')} distinct held-out squares). Our forecast sources: ${[...sources].join(', ')}.`,
    `Capacity (1 h): the point forecast (or p99) times an online conformal multiplier (target ${CALIBRATION_TARGET * 100} %, window 336 h, warm-up on the ${WARMUP} h before the window). Python peers ran in ${peers.seconds.peers} s (statsforecast, LightGBM) and ${peers.seconds.neural} s (N-HiTS), cached by tools/eval/peers.ts.`,
    '',
    groupTable('Per square', squares, t0, t1, first, false),
    '',
    ...sizes.flatMap((k) => [groupTable(`${k}-square slices`, bySize(k), t0, t1, first, true), '']),
    ...(hist ? ['**Accuracy against the history a slice has** (ours with only the last N hours; MAE 1 h / 6 h):', '', hist, ''] : []),
    `(${((Date.now() - started) / 1000).toFixed(1)} s on ${process.platform}/${process.arch}, node ${process.version})`,
  ].join('\n');
  console.log(out);

  if (process.argv.includes('--write-docs')) {
    const doc = path.join(packageRoot(), 'docs', 'forecaster.md');
    replaceDocBlock(doc, window === 'test' ? 'eval' : 'sealed', out);
    console.log(`\nwrote results into ${doc}`);
  }
}

await main();
