/**
 * The equal-SLA comparison of the operator and a tuned KEDA/HPA on real Milan traffic
 * (docs/twin.md): each policy is tuned on a tuning week and tuning squares to just meet the SLA
 * (at most --sla-percent of 10-minute intervals under capacity: the HPA's highest target
 * utilisation that meets it, the operator's cheapest quantile x headroom that meets it), then
 * both are replayed on other weeks and on held-out squares (distinct series, see
 * milan-slices.ts), for each readiness delay of the sweep, at real-world parameters (HPA sync
 * 15 s, default behaviour, Prometheus scrape 15 s, the operator's 60 s cycle). Reported:
 * replica-hours at equal SLA and violating intervals at equal replica-hours, plus the frontier
 * of each policy on the held-out data (SVG) and the floor (Ready capacity that exactly follows
 * the load, rounded up to whole replicas).
 *
 *   npx tsx tools/twin/frontier.ts [--write-docs] [--delays 30,60,120] [--sla-percent 1]
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Forecaster, packageRoot } from '../../src/forecast/forecaster.js';
import { loadAt } from '../../src/twin/history.js';
import { sliceViewsFromFile } from '../../src/twin/manifests.js';
import { frontierSvg } from '../../src/twin/report.js';
import { DEFAULT_TIMING } from '../../src/twin/simulate.js';
import { cheapestMeeting, fewestWithin, prepare, sweep, type FrontierPoint, type PreparedSlice, type SweepGrid, type WhatIfOptions } from '../../src/twin/whatif.js';
import { replaceDocBlock } from '../docs/doc-block.js';
import { MILAN_ATTRIBUTION, MILAN_START_MS } from '../replayer/milan.js';
import { milanSplit } from './milan-slices.js';

const WEEK = 168;
const WEEKS = { tuning: 576, test: [744, 912] }; // 2013-11-25, 12-02, 12-09 (after the model's training targets; before the holidays)
/** The CET date a week starts on (hour 0 of the data is 2013-11-01 00:00 CET). */
const weekOf = (h: number): string => new Date(MILAN_START_MS + (h + 1) * 3_600_000).toISOString().slice(0, 10);
const WARMUP = 48;
/**
 * The sweep: the HPA's target utilisation; the operator's headroom for its hourly-peak decision
 * at p99 (its calibration brings every quantile to the same coverage) and for the lead-time
 * decision at each quantile.
 */
const HPA_GRID: SweepGrid = { decisions: [], quantiles: [], headrooms: [], targets: [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1] };
const PEAK_GRID: SweepGrid = { decisions: ['hourly-peak'], quantiles: ['p99'], headrooms: [0, 5, 10, 20], targets: [] };
const LEAD_GRID: SweepGrid = { decisions: ['lead-time'], quantiles: ['p50', 'p90', 'p99'], headrooms: [0, 2, 5, 10], targets: [] };
const grid = (ps: PreparedSlice[], opts: WhatIfOptions): FrontierPoint[] => [HPA_GRID, PEAK_GRID, LEAD_GRID].flatMap((g) => sweep(ps, opts, g));

const { values: args } = parseArgs({ options: { 'write-docs': { type: 'boolean' }, delays: { type: 'string' }, 'sla-percent': { type: 'string' } } });
const delays = (args.delays ?? '30,60,120').split(',').map(Number);
const sla = Number(args['sla-percent'] ?? 1);
const root = packageRoot();
const card = JSON.parse(readFileSync(path.join(root, 'models', 'forecaster.card.json'), 'utf8'));
const split = milanSplit(root, card, 1080);
const view = sliceViewsFromFile(path.join(root, 'examples', 'embb.yaml'))[0]!;
const upf = view.cnfs.find((c) => c.type === 'upf')!;
const PEAK = 0.75 * upf.sessionsPerReplica * upf.maxReplicas;

/** One slice per series: scaled so its peak over the two months is 75 % of the UPF's maximum capacity. */
function slices(rows: number[], weekStart: number): { name: string; view: typeof view; series: { startMs: number; stepSeconds: number; values: Float64Array } }[] {
  const from = weekStart - 168 - WARMUP;
  return rows.map((r) => {
    const v = split.rows[r]!.slice(0, 1080);
    const scale = PEAK / Math.max(...v);
    return { name: `square-row-${r}`, view, series: { startMs: MILAN_START_MS + from * 3_600_000, stepSeconds: 3600, values: Float64Array.from(v.slice(from, weekStart + WEEK), (x) => x * scale) } };
  });
}

/** Replica-hours of Ready capacity that follows the load exactly, in whole replicas (no policy does better without violating). */
function floorHours(ps: PreparedSlice[]): number {
  let sum = 0;
  for (const s of ps) {
    const t0 = s.forecasts.firstHour * 3600;
    for (let t = 0; t < s.forecasts.hours * 3600; t += 15) sum += (Math.max(upf.minReplicas, Math.ceil(loadAt(s.series, t0 + t) / upf.sessionsPerReplica - 1e-9)) * 15) / 3600;
  }
  return sum;
}

const forecaster = await Forecaster.create();
const sets: { name: string; ps: PreparedSlice[] }[] = [];
sets.push({ name: 'tuning', ps: await prepare(forecaster, slices(split.tuning, WEEKS.tuning), WARMUP) });
for (const w of WEEKS.test) sets.push({ name: `tuning squares, week of ${weekOf(w)}`, ps: await prepare(forecaster, slices(split.tuning, w), WARMUP) });
for (const w of [WEEKS.tuning, ...WEEKS.test]) sets.push({ name: `held-out squares, week of ${weekOf(w)}`, ps: await prepare(forecaster, slices(split.heldOut, w), WARMUP) });
await forecaster.close();

const fmt = (p: FrontierPoint | undefined): string => (p ? `${p.replicaHours.toFixed(0)} rh, ${p.violatingIntervals}/${p.intervals} (${p.violatingPercent.toFixed(2)} %)` : 'n/a');
const saving = (op: number, hpa: number): string => `${(100 * (1 - op / hpa)).toFixed(1)} %`;
const lines: string[] = [];
const svgs: string[] = [];
const t0 = Date.now();
for (const delay of delays) {
  const opts: WhatIfOptions = { timing: { ...DEFAULT_TIMING, readiness: { delaySeconds: delay, jitterSeconds: delay / 2 } }, hpa: { targetUtilization: 0.8 }, warmupHours: WARMUP };
  const tuned = grid(sets[0]!.ps, opts);
  const hpa = cheapestMeeting(tuned, 'hpa', sla);
  const peak = cheapestMeeting(tuned, 'operator', sla, 'hourly-peak');
  const lead = cheapestMeeting(tuned, 'operator', sla, 'lead-time');
  lines.push(
    `| ${delay}-${delay * 1.5} s | tuning (${sets[0]!.ps.length} squares, week of ${weekOf(WEEKS.tuning)}) | HPA ${hpa?.label ?? 'none'}: ${fmt(hpa)} | ${peak?.label ?? 'none'}: ${fmt(peak)} | ${lead?.label ?? 'none'}: ${fmt(lead)} | ${floorHours(sets[0]!.ps).toFixed(0)} | | |`,
  );
  const held: FrontierPoint[][] = [];
  for (const set of sets.slice(1)) {
    const pts = grid(set.ps, opts);
    if (set.name.startsWith('held-out')) held.push(pts);
    const at = (p: FrontierPoint | undefined): FrontierPoint | undefined => p && pts.find((x) => x.label === p.label && x.policy === p.policy);
    const [h, pk, ld] = [at(hpa), at(peak), at(lead)];
    const eq = h && ld ? fewestWithin(pts, 'operator', h.replicaHours, 'lead-time') : undefined;
    lines.push(
      `| | ${set.name} (${set.ps.length}) | ${fmt(h)} | ${fmt(pk)} | ${fmt(ld)} | ${floorHours(set.ps).toFixed(0)} | ${h && ld ? saving(ld.replicaHours, h.replicaHours) : 'n/a'} | ${eq ? `${eq.label}: ${eq.violatingIntervals} vs ${h!.violatingIntervals}` : 'n/a'} |`,
    );
  }
  // The held-out frontier: the three weeks of held-out squares pooled.
  const pooled = held[0]!.map((p, i) => {
    const all = held.map((h) => h[i]!);
    const v = all.reduce((a, x) => a + x.violatingIntervals, 0);
    const n = all.reduce((a, x) => a + x.intervals, 0);
    return { ...p, replicaHours: all.reduce((a, x) => a + x.replicaHours, 0), violatingIntervals: v, intervals: n, violatingPercent: (100 * v) / n };
  });
  svgs.push(`twin/frontier-${delay}s.svg`);
  mkdirSync(path.join(root, 'docs', 'twin'), { recursive: true });
  writeFileSync(path.join(root, 'docs', svgs.at(-1)!), frontierSvg(`Held-out squares, 3 weeks: cost vs SLA, readiness ${delay}-${delay * 1.5} s`, pooled.filter((p) => p.violatingPercent <= 10)));
}
const block = [
  `SLA: at most ${sla} % of 10-minute intervals with the load above Ready capacity. Slices: examples/embb.yaml (UPF of 20 sessions, 1-12 replicas), one per distinct Milan series (${split.tuning.length} tuning, ${split.heldOut.length} held-out squares; ${split.copiesOfTraining.length} listed held-out rows dropped as copies of training rows), each scaled to peak at 75 % of the maximum capacity. HPA sync 15 s, tolerance 0.1, no behaviour (KEDA's default: 5-minute scale-down window), Prometheus scrape 15 s; operator cycle 60 s. Readiness delay uniform in [d, 1.5 d].`,
  '',
  '| readiness | data | KEDA/HPA (tuned) | operator, hourly peak (tuned) | operator, lead time (tuned) | floor rh | lead time saves at equal SLA | violating intervals within the HPA\'s replica-hours (lead time vs HPA) |',
  '|---|---|---|---|---|---|---|---|',
  ...lines,
  '',
  svgs.map((s) => `![frontier](${s})`).join('\n'),
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx tools/twin/frontier.ts --write-docs\` (${((Date.now() - t0) / 1000).toFixed(0)} s of replays). Data: ${MILAN_ATTRIBUTION}.`,
].join('\n');
console.log(block);
process.stderr.write(`replays took ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
if (args['write-docs']) replaceDocBlock(path.join(root, 'docs', 'twin.md'), 'frontier', block);
