import { frontierChart } from '../../src/twin/svg.js';
import type { FrontierPoint } from '../../src/twin/whatif.js';
import { svgPlot } from './svg-plot.js';

/** One observation of one policy's UPF during the demo (taken every tick, a fraction of a replayed hour). */
export interface Tick {
  /** Replayed hour index (fractional). */
  step: number;
  /** True load at that moment (the replayed trace). */
  load: number;
  /** Replicas asked for (the Deployment's spec.replicas): what the policy pays for. */
  replicas: number;
  /** Replicas Ready (status.readyReplicas): what serves the load. */
  ready: number;
  /** Forecast the slice's status showed (its quantile over the horizon), if any. */
  forecast?: number;
}

export interface HourRow {
  hour: number;
  /** Peak true load within the hour. */
  peakLoad: number;
  /** Lowest Ready capacity during the hour. */
  minCapacity: number;
  meanReplicas: number;
  /** Forecast made for this hour (last one shown during the previous hour). */
  forecast?: number;
}

export interface PolicySummary {
  /** SLA intervals replayed, and those in which Ready capacity was below the load at some tick. */
  intervals: number;
  violatingIntervals: number;
  replicaHours: number;
  /** sum(max(Ready capacity - load, 0)) / sum(load), over ticks. */
  overProvisioningPercent: number;
  /** Share of ticks with Ready capacity below the load. */
  underProvisionedTicksPercent: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Ticks -> one row per replayed hour; replica-hours integrate spec.replicas over time. Pure. */
export function hourly(ticks: Tick[], perReplica: number, fromHour: number, toHour: number): HourRow[] {
  const rows: HourRow[] = [];
  for (let h = fromHour; h < toHour; h++) {
    const inHour = ticks.filter((t) => t.step >= h && t.step < h + 1);
    if (inHour.length === 0) continue;
    const before = ticks.filter((t) => t.step >= h - 1 && t.step < h && t.forecast !== undefined);
    rows.push({
      hour: h,
      peakLoad: Math.max(...inHour.map((t) => t.load)),
      minCapacity: Math.min(...inHour.map((t) => t.ready * perReplica)),
      meanReplicas: inHour.reduce((s, t) => s + t.replicas, 0) / inHour.length,
      ...(before.length ? { forecast: before.at(-1)!.forecast } : {}),
    });
  }
  return rows;
}

/** A policy's figures over [fromHour, toHour): SLA intervals of `intervalsPerHour` per hour (those with no tick are not counted). */
export function summarize(ticks: Tick[], perReplica: number, fromHour: number, toHour: number, intervalsPerHour: number): PolicySummary {
  const inWindow = ticks.filter((t) => t.step >= fromHour && t.step < toHour);
  const seen = new Set<number>();
  const violated = new Set<number>();
  for (const t of inWindow) {
    const k = Math.floor((t.step - fromHour) * intervalsPerHour);
    seen.add(k);
    if (t.ready * perReplica < t.load) violated.add(k);
  }
  const load = inWindow.reduce((s, t) => s + t.load, 0);
  const over = inWindow.reduce((s, t) => s + Math.max(0, t.ready * perReplica - t.load), 0);
  return {
    intervals: seen.size,
    violatingIntervals: violated.size,
    replicaHours: round1(hourly(inWindow, perReplica, fromHour, toHour).reduce((s, r) => s + r.meanReplicas, 0)),
    overProvisioningPercent: load > 0 ? round1((over / load) * 100) : 0,
    underProvisionedTicksPercent: inWindow.length ? round1((inWindow.filter((t) => t.ready * perReplica < t.load).length / inWindow.length) * 100) : 0,
  };
}

/** One policy of one slice: what ran, how it was tuned, and what the twin predicted for the day. */
export interface PolicyRun {
  label: string;
  ticks: Tick[];
  /** The setting's figures on the tuning week (twin), and whether it met the SLA there. */
  tuned: { point: FrontierPoint; meets: boolean };
  /** The twin's figures for the replayed day at the same setting. */
  predicted: FrontierPoint;
}

export interface SliceResult {
  name: string;
  serviceType: string;
  perReplica: number;
  squares: number[];
  operator: PolicyRun;
  hpa: PolicyRun;
  /** The twin's frontier over the replayed day: every setting of both policies. */
  frontier: FrontierPoint[];
}

export interface DemoMeta {
  startedAt: string;
  replayedFrom: string;
  hours: number;
  stepSeconds: number;
  serverVersion: string;
  attribution: string;
  hourLabel: (hour: number) => string;
  /** Wall seconds: CNF start-up delay and jitter, the shortest periods (sync, polling, cycle, scrape). */
  startup: { delaySeconds: number; jitterSeconds: number };
  periodSeconds: number;
  tuningFrom: string;
  slaPercent: number;
  intervalMinutes: number;
}

const pct = (x: number): string => `${x.toFixed(1)} %`;
const fig = (p: FrontierPoint): string => `${p.violatingIntervals} / ${p.intervals}, ${p.replicaHours.toFixed(1)} rh`;

/** The Markdown report, and per slice an SVG of load, forecast and both Ready capacities and an SVG of the frontier with this run's two points. */
export function renderReport(results: SliceResult[], meta: DemoMeta, fromHour: number, toHour: number): { markdown: string; svgs: Record<string, string> } {
  const svgs: Record<string, string> = {};
  const traceSeconds = (s: number): string => `${Math.round((s * 3600) / meta.stepSeconds / 60)} min`;
  const perHour = 60 / meta.intervalMinutes;
  const lines = [
    '# slice-operator demo report',
    '',
    `Run ${meta.startedAt} on a local control plane (kube-apiserver ${meta.serverVersion}, kwok nodes in three sites, KEDA v2.21.0), real Prometheus, and the operator process.`,
    `Replayed ${meta.hours} hours of real traffic from ${meta.replayedFrom}, one hour every ${meta.stepSeconds} s.`,
    `Traffic: ${meta.attribution}.`,
    '',
    'Each example slice ran against the alternative a platform team would run, on the same trace and the same Prometheus series:',
    '',
    `- **operator**: the example as written, with the lead-time capacity decision (\`capacityBasis: LeadTime\`) and its quantile and headroom tuned as below;`,
    `- **KEDA/HPA**: a Deployment of the same UPF image and bounds, scaled by a KEDA ScaledObject with a Prometheus trigger on the slice's own query, through kube-controller-manager's HPA controller; its threshold is the replica's capacity times the tuned target utilisation.`,
    '',
    `Every CNF pod of both becomes Ready ${meta.startup.delaySeconds}-${meta.startup.delaySeconds + meta.startup.jitterSeconds} s after it is created (kwok Stages): ${traceSeconds(meta.startup.delaySeconds)} to ${traceSeconds(meta.startup.delaySeconds + meta.startup.jitterSeconds)} of replayed time. The HPA syncs, KEDA polls, Prometheus scrapes and the operator decides every ${meta.periodSeconds} s (${traceSeconds(meta.periodSeconds)} of replayed time).`,
    `**Equal SLA**: before the run, the what-if twin (validated against the real KEDA/HPA and operator, docs/twin.md) tuned each policy on the week from ${meta.tuningFrom} at these time scales to just meet the SLA: at most ${meta.slaPercent} % of ${meta.intervalMinutes}-minute intervals with the load above Ready capacity (the HPA's highest target utilisation that meets it; the operator's cheapest quantile x headroom).`,
    'A replica-hour is one replica asked for during one replayed hour (Ready or starting); capacity is Ready replicas x sessions per replica.',
    '',
    `| slice | type | policy | setting (tuned) | SLA-violating ${meta.intervalMinutes}-min intervals | replica-hours | over-provisioning | under-provisioned samples | twin's prediction for the day | on the tuning week |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const summaries = new Map([r.operator, r.hpa].map((run) => [run, summarize(run.ticks, r.perReplica, fromHour, toHour, perHour)]));
    const rows = (run: PolicyRun, name: string, first: boolean): string => {
      const s = summaries.get(run)!;
      const lead = first ? `| ${r.name} | ${r.serviceType} ` : '| | ';
      return `${lead}| ${name} | ${run.label} | ${s.violatingIntervals} / ${s.intervals} | ${s.replicaHours.toFixed(1)} | ${pct(s.overProvisioningPercent)} | ${pct(s.underProvisionedTicksPercent)} | ${fig(run.predicted)} | ${fig(run.tuned.point)}${run.tuned.meets ? '' : ' (no setting met the SLA: fewest violations)'} |`;
    };
    lines.push(rows(r.operator, 'operator', true), rows(r.hpa, 'KEDA/HPA', false));
    const opRows = hourly(r.operator.ticks, r.perReplica, fromHour, toHour);
    const hpaBy = new Map(hourly(r.hpa.ticks, r.perReplica, fromHour, toHour).map((x) => [x.hour, x]));
    const hours = opRows.map((x) => x.hour);
    svgs[r.name] = svgPlot(
      `${r.name} (${r.serviceType}): sessions per replayed hour`,
      [
        { name: 'actual (peak in hour)', color: '#222222', values: opRows.map((x) => x.peakLoad) },
        { name: 'forecast (slice quantile)', color: '#1f77b4', values: opRows.map((x) => x.forecast ?? NaN), dashed: true },
        { name: 'operator Ready capacity', color: '#2ca02c', values: opRows.map((x) => x.minCapacity), step: true },
        { name: 'KEDA/HPA Ready capacity', color: '#d62728', values: hours.map((h) => hpaBy.get(h)?.minCapacity ?? NaN), step: true, dashed: true },
      ],
      { xTicks: hours.map(meta.hourLabel), xLabel: 'replayed time (CET)', yLabel: 'PDU sessions (lowest Ready capacity in the hour)' },
    );
    const run = (x: PolicyRun, name: string, color: string) => {
      const s = summaries.get(x)!;
      return { name, color, points: [{ x: s.replicaHours, y: s.intervals ? (100 * s.violatingIntervals) / s.intervals : 0, label: x.label }] };
    };
    const set = (policy: FrontierPoint['policy'], name: string, color: string) => ({ name, color, points: r.frontier.filter((p) => p.policy === policy).map((p) => ({ x: p.replicaHours, y: p.violatingPercent, label: p.label })) });
    svgs[`${r.name}-frontier`] = frontierChart(
      `${r.name}: cost vs SLA over the replayed day (twin; this run's two points)`,
      [set('operator', 'twin: operator', '#1f77b4'), set('hpa', 'twin: KEDA/HPA', '#d62728'), run(r.operator, 'this run: operator', '#2ca02c'), run(r.hpa, 'this run: KEDA/HPA', '#ff7f0e')],
      'replica-hours',
      `SLA-violating ${meta.intervalMinutes}-min intervals, %`,
    );
  }
  const out = [...lines, '', '## Plots', ''];
  for (const r of results) out.push(`![${r.name}](${r.name}.svg)`, '', `![${r.name} frontier](${r.name}-frontier.svg)`, '');
  out.push('## Squares replayed', '');
  for (const r of results) out.push(`- ${r.name}: sum of Milan grid squares (CSV rows) ${r.squares.join(', ')}`);
  out.push('');
  return { markdown: out.join('\n'), svgs };
}
