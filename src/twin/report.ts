/** Text and SVG output of a what-if: a table per slice, the violating intervals, the plots. */
import type { PolicyResult, SliceRun } from './simulate.js';
import { frontierChart, lineChart } from './svg.js';
import type { FrontierPoint, PreparedSlice } from './whatif.js';

const pct = (n: number, d: number): string => (d ? ((100 * n) / d).toFixed(2) : '0.00');

function row(policy: string, r: PolicyResult): string {
  return `| ${policy} | ${r.violatingIntervals} / ${r.intervals} (${pct(r.violatingIntervals, r.intervals)} %) | ${r.replicaHours.toFixed(1)} | ${r.scaleActions} | ${pct(r.underSamples, r.samples)} % |`;
}

/** Violating intervals merged into ranges, as ISO times. */
export function violatingRanges(r: PolicyResult, startMs: number, intervalSeconds: number, limit = 8): string {
  const ranges: [number, number][] = [];
  for (const s of r.violating) {
    const last = ranges.at(-1);
    if (last && last[1] === s) last[1] = s + intervalSeconds;
    else ranges.push([s, s + intervalSeconds]);
  }
  const iso = (t: number): string => new Date(startMs + t * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const shown = ranges.slice(0, limit).map(([a, b]) => `${iso(a)}-${iso(b).slice(11)}`);
  return ranges.length ? shown.join(', ') + (ranges.length > limit ? ` and ${ranges.length - limit} more` : '') : 'none';
}

export function sliceReport(s: PreparedSlice, run: SliceRun, hpaLabel: string, intervalSeconds: number): string {
  const start = s.series.startMs + s.forecasts.firstHour * 3_600_000;
  return [
    `### ${s.name}`,
    '',
    `${(run.seconds / 3600).toFixed(0)} h replayed from ${new Date(start).toISOString()}; forecasts: ${s.forecasts.source}`,
    '',
    '| policy | SLA-violating intervals | replica-hours | scale actions | time under capacity |',
    '|---|---|---|---|---|',
    row(`operator (${s.view.scaling.mode}, ${s.view.scaling.quantile} +${s.view.scaling.headroomPercent}%)`, run.operator),
    row(`KEDA/HPA (${hpaLabel})`, run.hpa),
    '',
    `Violating intervals, operator: ${violatingRanges(run.operator, start, intervalSeconds)}`,
    `Violating intervals, KEDA/HPA: ${violatingRanges(run.hpa, start, intervalSeconds)}`,
    '',
  ].join('\n');
}

/** Load, the operator's forecast band (p50 to its quantile, calibrated) and both capacities, per SLA interval. */
export function sliceSvg(s: PreparedSlice, run: SliceRun, intervalSeconds: number): string {
  const t = run.trace!;
  const per = 3600 / intervalSeconds;
  const q = s.forecasts.q[s.view.scaling.quantile];
  const band = (f: (k: number) => number): Float32Array => Float32Array.from({ length: t.load.length }, (_, i) => f(Math.floor(i / per)));
  return lineChart(
    `${s.name}: load and capacity (per ${intervalSeconds / 60}-minute interval)`,
    [
      { name: 'load (interval max)', color: '#222', values: t.load },
      { name: 'forecast p50', color: '#9ecae1', values: band((k) => s.forecasts.q.p50.next[k]!), step: true, dashed: true },
      { name: `forecast ${s.view.scaling.quantile} x calib`, color: '#3182bd', values: band((k) => q.next[k]! * q.calib[k]!), step: true, dashed: true },
      { name: 'operator capacity', color: '#2ca02c', values: t.operator, step: true },
      { name: 'KEDA/HPA capacity', color: '#d62728', values: t.hpa, step: true },
    ],
    intervalSeconds / 3600,
    'sessions',
  );
}

export function frontierTable(points: FrontierPoint[]): string {
  const lines = ['| policy | setting | replica-hours | SLA-violating intervals |', '|---|---|---|---|'];
  for (const p of points) lines.push(`| ${p.policy === 'hpa' ? 'KEDA/HPA' : 'operator'} | ${p.label} | ${p.replicaHours.toFixed(1)} | ${p.violatingIntervals} / ${p.intervals} (${p.violatingPercent.toFixed(2)} %) |`);
  return lines.join('\n');
}

export function frontierSvg(title: string, points: FrontierPoint[]): string {
  const set = (policy: FrontierPoint['policy'], name: string, color: string) => ({
    name,
    color,
    points: points.filter((p) => p.policy === policy).map((p) => ({ x: p.replicaHours, y: p.violatingPercent, label: p.label })),
  });
  const op = (decision: string, name: string, color: string) => ({
    name,
    color,
    points: points.filter((p) => p.policy === 'operator' && p.decision === decision).map((p) => ({ x: p.replicaHours, y: p.violatingPercent, label: p.label })),
  });
  return frontierChart(
    title,
    [op('hourly-peak', 'operator, hourly peak', '#2ca02c'), op('lead-time', 'operator, lead time', '#1f77b4'), set('hpa', 'KEDA/HPA', '#d62728')],
    'replica-hours',
    'SLA-violating intervals, %',
  );
}
