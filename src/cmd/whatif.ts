/**
 * `slice-operator whatif`: replays a load history through the operator's scaling and through
 * the KEDA/HPA a platform team would run instead (src/twin), at real-world time scales.
 *
 *   npm run whatif -- --slice examples/embb.yaml --csv load.csv [--out DIR] [--sweep]
 *   npm run whatif -- --slice a.yaml --slice b.yaml --prometheus http://prom:9090 --from 2026-11-01T00:00:00Z
 *
 * (run with tsx; the operator's image holds src/cmd/operator.ts and what it imports only)
 *
 * Exit status: 0 done, 2 bad input (named), 1 anything else.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Forecaster } from '../forecast/forecaster.js';
import { fromPrometheus, HistoryError, parseCsv, type LoadSeries } from '../twin/history.js';
import { sliceViewsFromFile } from '../twin/manifests.js';
import { frontierSvg, frontierTable, sliceReport, sliceSvg } from '../twin/report.js';
import { DEFAULT_TIMING } from '../twin/simulate.js';
import { cheapestMeeting, sweep, WhatIfInputError, type WhatIfOptions, type WhatIfSlice } from '../twin/whatif.js';
import { prepareAll, replayAll } from '../twin/replay-pool.js';

export const WHATIF_HELP = `Usage: slice-operator whatif --slice FILE [--slice FILE ...] (--csv FILE | --prometheus URL) [options]

Replays a slice's load history through the operator's scaling (forecaster, calibration, the
slice's limits) and through KEDA's Prometheus scaler driving a HorizontalPodAutoscaler, with
pods that take a start-up delay to become Ready, and reports SLA-violating intervals,
replica-hours, scale actions and time under capacity, with an SVG per slice.

  --slice FILE            NetworkSlice manifest (YAML, several documents allowed); repeatable
  --csv FILE              load history: "timestamp,value" rows at a fixed step dividing an hour
  --prometheus URL        read the slice's load query from Prometheus (query_range) instead
  --from ISO, --to ISO    range for --prometheus (default: the 16 days before the last whole hour)
  --step SECONDS          step for --prometheus (default 300)
  --hpa-target FRACTION   KEDA threshold as a share of a replica's capacity (default 0.8)
  --readiness-delay S     a new pod's start-up time before Ready (default 60)
  --readiness-jitter S    plus up to this much more, uniformly (default 30)
  --sync-period S         HPA sync period (default 15)
  --polling-interval S    KEDA pollingInterval (default 30; used with --use-cached-metrics)
  --use-cached-metrics    KEDA answers the HPA from its last poll instead of querying afresh
  --scrape-interval S     Prometheus scrape interval (default 15)
  --sla-interval S        length of an SLA interval (default 600)
  --sla-percent P         SLA target for --sweep: at most P % of intervals under capacity (default 1)
  --warmup-hours N        calibration warm-up before the replay (default 48)
  --sweep                 draw the cost/SLA frontier of both policies (frontier.svg)
  --out DIR               where SVGs and report.md go (default whatif-output)
`;

const OPTIONS = {
  slice: { type: 'string', multiple: true },
  csv: { type: 'string' },
  prometheus: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  step: { type: 'string' },
  'hpa-target': { type: 'string' },
  'readiness-delay': { type: 'string' },
  'readiness-jitter': { type: 'string' },
  'sync-period': { type: 'string' },
  'polling-interval': { type: 'string' },
  'use-cached-metrics': { type: 'boolean' },
  'scrape-interval': { type: 'string' },
  'sla-interval': { type: 'string' },
  'sla-percent': { type: 'string' },
  'warmup-hours': { type: 'string' },
  sweep: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

function num(v: Values, name: keyof Values, def: number, ok: (n: number) => boolean, what: string): number {
  const raw = v[name];
  if (raw === undefined) return def;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new WhatIfInputError(`--${name}: expected ${what}, got ${JSON.stringify(raw)}`);
  return n;
}

function date(v: string | undefined, name: string, def: Date): Date {
  if (v === undefined) return def;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new WhatIfInputError(`--${name}: expected an ISO 8601 time, got ${JSON.stringify(v)}`);
  return d;
}

function options(v: Values): WhatIfOptions & { slaPercent: number; out: string } {
  const pos = (n: number): boolean => n > 0;
  const nonNeg = (n: number): boolean => n >= 0;
  const sync = num(v, 'sync-period', 15, pos, 'seconds > 0');
  return {
    timing: {
      ...DEFAULT_TIMING,
      readiness: { delaySeconds: num(v, 'readiness-delay', 60, nonNeg, 'seconds >= 0'), jitterSeconds: num(v, 'readiness-jitter', 30, nonNeg, 'seconds >= 0') },
      scrapeIntervalSeconds: num(v, 'scrape-interval', 15, pos, 'seconds > 0'),
      slaIntervalSeconds: num(v, 'sla-interval', 600, (n) => n >= 60 && 3600 % n === 0, 'seconds >= 60 dividing an hour'),
      sampleSeconds: Math.min(15, sync),
    },
    hpa: {
      targetUtilization: num(v, 'hpa-target', 0.8, (n) => n > 0 && n <= 1, 'a fraction in (0, 1]'),
      syncPeriodSeconds: sync,
      pollingIntervalSeconds: num(v, 'polling-interval', 30, pos, 'seconds > 0'),
      useCachedMetrics: v['use-cached-metrics'] ?? false,
    },
    warmupHours: num(v, 'warmup-hours', 48, (n) => Number.isInteger(n) && n >= 0, 'a whole number of hours >= 0'),
    slaPercent: num(v, 'sla-percent', 1, (n) => n >= 0 && n <= 100, 'a percentage'),
    out: v.out ?? 'whatif-output',
  };
}

/** The history of each slice: the CSV's, or its own query's from Prometheus. */
async function histories(v: Values, views: WhatIfSlice['view'][]): Promise<LoadSeries[]> {
  if ((v.csv === undefined) === (v.prometheus === undefined)) throw new WhatIfInputError('give exactly one of --csv FILE or --prometheus URL');
  if (v.csv !== undefined) {
    let text: string;
    try {
      text = readFileSync(v.csv, 'utf8');
    } catch (e) {
      throw new WhatIfInputError(`cannot read --csv ${v.csv}: ${(e as Error).message}`);
    }
    const s = parseCsv(text, v.csv);
    return views.map(() => s);
  }
  const url = v.prometheus!;
  if (!/^https?:\/\//.test(url)) throw new WhatIfInputError(`--prometheus: expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
  const lastHour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const to = date(v.to, 'to', lastHour);
  const from = date(v.from, 'from', new Date(to.getTime() - 16 * 24 * 3_600_000));
  const step = num(v, 'step', 300, (n) => n > 0 && 3600 % n === 0, 'seconds dividing an hour');
  return Promise.all(views.map((view) => fromPrometheus(url, view.loadQuery, from, to, step)));
}

export interface CommandIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function whatifCommand(argv: string[], io: CommandIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  let v: Values;
  try {
    v = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    io.err(`error: ${(e as Error).message}\n\n${WHATIF_HELP}`);
    return 2;
  }
  if (v.help) {
    io.out(WHATIF_HELP);
    return 0;
  }
  try {
    if (!v.slice?.length) throw new WhatIfInputError('give at least one --slice FILE (a NetworkSlice manifest)');
    const opts = options(v);
    const views = v.slice.flatMap((f) => sliceViewsFromFile(f));
    const series = await histories(v, views);
    const slices = views.map((view, i) => ({ name: view.name, view, series: series[i]! }));
    const forecaster = await Forecaster.create();
    let prepared;
    try {
      prepared = await prepareAll(forecaster, slices, opts.warmupHours, !v.sweep);
    } finally {
      await forecaster.close();
    }
    mkdirSync(opts.out, { recursive: true });
    const hpaLabel = `target ${Math.round(opts.hpa.targetUtilization * 100)}%, sync ${opts.hpa.syncPeriodSeconds}s${opts.hpa.useCachedMetrics ? `, cached metrics every ${opts.hpa.pollingIntervalSeconds}s` : ''}`;
    const parts = [`# What-if: operator vs KEDA/HPA\n\nReadiness delay ${opts.timing.readiness.delaySeconds}-${opts.timing.readiness.delaySeconds + opts.timing.readiness.jitterSeconds} s, SLA interval ${opts.timing.slaIntervalSeconds / 60} min.\n`];
    const runs = await replayAll(prepared, opts, { withTrace: true });
    prepared.forEach((s, i) => {
      const run = runs[i]!;
      const file = `${i + 1}-${s.name}.svg`;
      writeFileSync(path.join(opts.out, file), sliceSvg(s, run, opts.timing.slaIntervalSeconds));
      parts.push(sliceReport(s, run, hpaLabel, opts.timing.slaIntervalSeconds) + `\n![${s.name}](${file})\n`);
    });
    if (v.sweep) {
      const points = sweep(prepared, opts);
      writeFileSync(path.join(opts.out, 'frontier.svg'), frontierSvg(`Cost vs SLA over ${prepared.length} slice(s)`, points));
      const best = (p: ReturnType<typeof cheapestMeeting>): string => (p ? `${p.label}: ${p.replicaHours.toFixed(1)} replica-hours, ${p.violatingPercent.toFixed(2)} % violating` : 'no setting meets it');
      const op = best(cheapestMeeting(points, 'operator', opts.slaPercent, 'hourly-peak'));
      const lead = best(cheapestMeeting(points, 'operator', opts.slaPercent, 'lead-time'));
      const hpa = best(cheapestMeeting(points, 'hpa', opts.slaPercent));
      parts.push(`## Frontier\n\nCheapest setting with at most ${opts.slaPercent} % of intervals violating: operator (hourly peak) ${op}; operator (lead time) ${lead}; KEDA/HPA ${hpa}.\n\n${frontierTable(points)}\n\n![frontier](frontier.svg)\n`);
    }
    const report = parts.join('\n');
    writeFileSync(path.join(opts.out, 'report.md'), report);
    io.out(report + `\nWritten to ${opts.out}/\n`);
    return 0;
  } catch (e) {
    if (e instanceof WhatIfInputError || e instanceof HistoryError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    io.err(`error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await whatifCommand(process.argv.slice(2));
}
