// Fault-injection evaluation of the load anomaly detector: `npm run eval:anomaly`
// (tsx tools/eval/anomaly.ts --write-docs).
//
// Held-out Milan traffic (one row per distinct series, none of whose copies the model trained or
// validated on, as the twin splits them: tools/twin/milan-slices.ts) summed into slices, at 10-minute telemetry cycles (hourly values
// interpolated), over the evaluation weeks 2013-11-25 .. 2013-12-15. Each cycle's band is what
// the operator would have: the embedded model's 1-step forecast made at the start of the hour from
// the hourly history (the last cycle of each hour, as the operator records it, anomalies
// included), its p99 times the online conformal factor. Clean runs count false alarms per
// slice-week; each injected run carries one labelled anomaly (surge x2-x5 for 30 min-3 h, outage
// for 30 min-3 h, level shift x0.5 or x1.7, slow drift to x1.8 over 12 h) and scores whether the
// detector raised it, how fast (cycles), and what it raised outside the anomaly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConformalCalibrator } from '../../src/forecast/calibration.js';
import { defaultCardPath, Forecaster, packageRoot } from '../../src/forecast/forecaster.js';
import { DEFAULT_DETECTOR, detectLoad, initialDetector, type DetectorParams, isTransient, TRANSIENT_STEPS, type LoadAnomalyKind } from '../../src/telemetry/load-anomaly.js';
import { prng } from '../../src/twin/pods.js';
import { replaceDocBlock } from '../docs/doc-block.js';
import { aggregate, hourToDate } from '../replayer/milan.js';
import { milanSplit } from '../twin/milan-slices.js';

const CYCLES_PER_HOUR = 6;
const CYCLE_MS = 600_000;
const HOUR_MS = 3_600_000;
/** Hours of calibration before the scored window (as the operator's warm-up), then scored weeks. */
const WARMUP_HOURS = 168;
const GRACE_CYCLES = 3;
/** One injected anomaly per segment of two days. */
const SEGMENT_CYCLES = 48 * CYCLES_PER_HOUR;
type Kind = 'surge' | 'outage' | 'level shift' | 'drift';
const KINDS: Kind[] = ['surge', 'outage', 'level shift', 'drift'];
/** What the detector may call each injected kind and still be right. */
const ACCEPT: Record<Kind, LoadAnomalyKind[]> = {
  surge: ['Surge', 'LevelShift'],
  outage: ['Outage'],
  'level shift': ['LevelShift', 'Surge', 'Drop'],
  drift: ['LevelShift', 'Surge'],
};

interface Injection {
  kind: Kind;
  onset: number;
  /** First cycle after the anomaly. */
  end: number;
  apply: (base: number, i: number) => number;
}

function inject(kind: Kind, onset: number, r: () => number): Injection {
  const cycles = (h: number) => Math.round(h * CYCLES_PER_HOUR);
  if (kind === 'surge') {
    const m = 2 + 3 * r();
    const end = onset + cycles(0.5 + 2.5 * r());
    return { kind, onset, end, apply: (b, i) => (i >= onset && i < end ? b * m : b) };
  }
  if (kind === 'outage') {
    const end = onset + cycles(0.5 + 2.5 * r());
    return { kind, onset, end, apply: (b, i) => (i >= onset && i < end ? 0 : b) };
  }
  if (kind === 'level shift') {
    const m = r() < 0.5 ? 0.5 : 1.7;
    const end = onset + cycles(24);
    return { kind, onset, end, apply: (b, i) => (i >= onset && i < end ? b * m : b) };
  }
  const ramp = cycles(12);
  const end = onset + cycles(24);
  return { kind, onset, end, apply: (b, i) => (i >= onset && i < end ? b * (1 + 0.8 * Math.min(1, (i - onset) / ramp)) : b) };
}

/** Hourly values at 10-minute cycles, linearly interpolated. */
function toCycles(hourly: number[]): number[] {
  const out: number[] = [];
  for (let h = 0; h < hourly.length; h++) {
    const a = hourly[h]!;
    const b = hourly[h + 1] ?? a;
    for (let c = 0; c < CYCLES_PER_HOUR; c++) out.push(a + ((b - a) * c) / CYCLES_PER_HOUR);
  }
  return out;
}

interface RunResult {
  /** Cycles at which an anomaly was raised (a new one or a more severe kind), with its kind. */
  raised: { cycle: number; kind: LoadAnomalyKind }[];
}

/**
 * Runs the detector over the scored hours [from, to) of several slices in lockstep, one batched
 * forecast per hour, as the operator's telemetry cycle does: each hour's band is the model's
 * forecast from the hourly history (the last cycle of each hour), its p99 times the online
 * conformal factor. What the operator does with an active anomaly is done here too: its hours
 * are not calibration scores, and a transient one (surge, outage) enters the history as the
 * forecast's p50 for at most TRANSIENT_STEPS (see load-observer.ts).
 */
async function runAll(f: Forecaster, series: { key: string; load: number[] }[], fromHour: number, toHour: number, params: DetectorParams): Promise<RunResult[]> {
  const calib = new ConformalCalibrator({ target: 0.98 });
  const states = series.map(() => initialDetector());
  const hist = series.map((s) => Array.from({ length: fromHour - WARMUP_HOURS }, (_, h) => s.load[h * CYCLES_PER_HOUR + CYCLES_PER_HOUR - 1]!));
  const results: RunResult[] = series.map(() => ({ raised: [] }));
  for (let t = fromHour - WARMUP_HOURS; t < toHour; t++) {
    const fcs = await f.forecast(series.map((s, i) => ({ key: `${s.key}@${t}`, history: hist[i]!.slice(Math.max(0, t - 336), t), endTime: hourToDate(t - 1) })));
    for (const [i, s] of series.entries()) {
      const fc = fcs[i]!;
      const p50 = fc.p50[0]!;
      const upper = fc.p99[0]! * calib.factor(s.key);
      const state = states[i]!;
      let anomalous = false;
      if (t >= fromHour) {
        for (let c = 0; c < CYCLES_PER_HOUR; c++) {
          const cycle = t * CYCLES_PER_HOUR + c;
          const before = state.active?.kind;
          detectLoad(state, { p50, upper }, s.load[cycle]!, cycle * CYCLE_MS, params);
          const now = state.active?.kind;
          if (now && now !== before) results[i]!.raised.push({ cycle, kind: now });
          anomalous ||= now !== undefined;
        }
      }
      const actual = s.load[t * CYCLES_PER_HOUR + CYCLES_PER_HOUR - 1]!;
      if (!anomalous) calib.observe(s.key, fc.p99[0]!, actual);
      const transient = state.active && isTransient(state.active.kind) && t * HOUR_MS - state.active.sinceMs < TRANSIENT_STEPS * HOUR_MS;
      hist[i]!.push(transient ? p50 : actual);
    }
  }
  return results;
}

interface Score {
  runs: number;
  detected: number;
  trueAlarms: number;
  falseAlarms: number;
  delays: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

async function main(): Promise<void> {
  const root = packageRoot();
  // The split as training wrote it (trainSquares, validationSquares), as the twin's frontier reads it.
  const card = JSON.parse(readFileSync(defaultCardPath(), 'utf8'));
  const [t0, t1] = card.training.split.testTargetHours as [number, number];
  const { rows, distinct } = milanSplit(root, card, t1);
  const slices: { name: string; members: number[] }[] = [];
  for (let k = 0; k + 5 <= distinct.length; k += 5) slices.push({ name: `slice-${k / 5}`, members: distinct.slice(k, k + 5) });
  for (let k = 0; k + 2 <= distinct.length; k += 2) slices.push({ name: `pair-${k / 2}`, members: distinct.slice(k, k + 2) });
  const f = await Forecaster.create();
  const r = prng(20131125);
  const weeks = (t1 - t0) / 168;
  let cleanFalse = 0;
  const perKind = Object.fromEntries(KINDS.map((k) => [k, { runs: 0, detected: 0, trueAlarms: 0, falseAlarms: 0, delays: [] } as Score])) as Record<Kind, Score>;
  const runs: { key: string; load: number[]; kind?: Kind; injections: Injection[] }[] = [];
  for (const s of slices) {
    const hourly = aggregate(rows, s.members).slice(0, t1);
    const base = toCycles(hourly);
    runs.push({ key: s.name, load: base, injections: [] });
    for (const kind of KINDS) {
      // One anomaly per two days, each starting in the first 12 h of its segment, so every
      // anomaly (at most 24 h) ends a day before the next.
      const injections: Injection[] = [];
      for (let seg = t0 * CYCLES_PER_HOUR; seg + SEGMENT_CYCLES <= t1 * CYCLES_PER_HOUR; seg += SEGMENT_CYCLES) {
        injections.push(inject(kind, seg + Math.floor(r() * 12 * CYCLES_PER_HOUR), r));
      }
      runs.push({ key: `${s.name}-${kind}`, kind, injections, load: base.map((b, i) => injections.reduce((v, inj) => inj.apply(v, i), b)) });
    }
  }
  // --param k=0.8 (repeatable) overrides a detector parameter, for tuning.
  const params: DetectorParams = { ...DEFAULT_DETECTOR };
  process.argv.forEach((a, i) => {
    if (a !== '--param') return;
    const [k, v] = (process.argv[i + 1] ?? '').split('=');
    if (!k || !(k in params) || !Number.isFinite(Number(v))) throw new Error(`--param ${process.argv[i + 1]}: expected one of ${Object.keys(params).join(', ')} = a number`);
    params[k as keyof DetectorParams] = Number(v);
  });
  const results = await runAll(f, runs, t0, t1, params);
  for (const [i, run] of runs.entries()) {
    const res = results[i]!;
    if (!run.kind) {
      cleanFalse += res.raised.length;
      continue;
    }
    const kind = run.kind;
    const sc = perKind[kind];
    const matched = new Set<(typeof res.raised)[number]>();
    for (const inj of run.injections) {
      sc.runs += 1;
      const inWindow = res.raised.filter((a) => a.cycle >= inj.onset && a.cycle < inj.end + GRACE_CYCLES);
      for (const a of inWindow) matched.add(a);
      const hit = inWindow.find((a) => ACCEPT[kind].includes(a.kind));
      if (!hit) continue;
      sc.detected += 1;
      sc.trueAlarms += 1;
      sc.delays.push(hit.cycle - inj.onset + 1);
    }
    sc.falseAlarms += res.raised.filter((a) => !matched.has(a)).length;
  }
  const lines = [
    `Slices: ${slices.length} (${slices.filter((s) => s.name.startsWith('slice')).length} of 5 and ${slices.filter((s) => s.name.startsWith('pair')).length} of 2 distinct held-out squares, ${distinct.length} squares), ${weeks} weeks each, 10-minute cycles; one injected anomaly per two days and kind.`,
    '',
    '| kind | anomalies | recall | precision | F1 | median delay (cycles) | max delay (cycles) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const k of KINDS) {
    const sc = perKind[k];
    const recall = sc.detected / sc.runs;
    const precision = sc.trueAlarms / Math.max(1, sc.trueAlarms + sc.falseAlarms);
    const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
    lines.push(`| ${k} | ${sc.runs} | ${recall.toFixed(3)} | ${precision.toFixed(3)} | ${f1.toFixed(3)} | ${median(sc.delays)} | ${sc.delays.length ? Math.max(...sc.delays) : '-'} |`);
  }
  lines.push('', `False alarms on clean traffic: ${cleanFalse} over ${(slices.length * weeks).toFixed(0)} slice-weeks = ${(cleanFalse / (slices.length * weeks)).toFixed(2)} per slice-week.`);
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--write-docs')) replaceDocBlock(path.join(root, 'docs', 'anomalies.md'), 'anomaly-eval', `Measured by \`npm run eval:anomaly\`.\n\n${table}`);
}

await main();
