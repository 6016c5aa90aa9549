import { svgPlot } from './svg-plot.js';

/** One observation of one slice during the demo (taken every tick, a fraction of a replayed hour). */
export interface Tick {
  /** Replayed hour index (fractional). */
  step: number;
  /** True load at that moment (the replayed trace). */
  load: number;
  /** UPF replicas the operator set (Deployment spec.replicas). */
  replicas: number;
  /** Forecast the slice's status showed (its quantile over the horizon), if any. */
  forecast?: number;
}

export interface HourRow {
  hour: number;
  /** Peak true load within the hour. */
  peakLoad: number;
  /** Lowest capacity in force during the hour. */
  minCapacity: number;
  meanReplicas: number;
  violated: boolean;
  /** Forecast made for this hour (last one shown during the previous hour). */
  forecast?: number;
}

export interface PolicySummary {
  hours: number;
  violatingHours: number;
  replicaHours: number;
  /** sum(max(capacity - load, 0)) / sum(load), over ticks. */
  overProvisioningPercent: number;
  /** Share of ticks with capacity below load. */
  underProvisionedTicksPercent: number;
}

/**
 * Ticks -> one row per replayed hour. An hour violates the SLA when at any tick in it the UPF
 * capacity in force was below the load; replica-hours integrate replicas over time. Pure.
 */
export function hourly(ticks: Tick[], perReplica: number, fromHour: number, toHour: number): HourRow[] {
  const rows: HourRow[] = [];
  for (let h = fromHour; h < toHour; h++) {
    const inHour = ticks.filter((t) => t.step >= h && t.step < h + 1);
    if (inHour.length === 0) continue;
    const before = ticks.filter((t) => t.step >= h - 1 && t.step < h && t.forecast !== undefined);
    rows.push({
      hour: h,
      peakLoad: Math.max(...inHour.map((t) => t.load)),
      minCapacity: Math.min(...inHour.map((t) => t.replicas * perReplica)),
      meanReplicas: inHour.reduce((s, t) => s + t.replicas, 0) / inHour.length,
      violated: inHour.some((t) => t.replicas * perReplica < t.load),
      ...(before.length ? { forecast: before.at(-1)!.forecast } : {}),
    });
  }
  return rows;
}

export function summarize(ticks: Tick[], rows: HourRow[], perReplica: number): PolicySummary {
  const load = ticks.reduce((s, t) => s + t.load, 0);
  const over = ticks.reduce((s, t) => s + Math.max(0, t.replicas * perReplica - t.load), 0);
  return {
    hours: rows.length,
    violatingHours: rows.filter((r) => r.violated).length,
    replicaHours: Math.round(rows.reduce((s, r) => s + r.meanReplicas, 0) * 10) / 10,
    overProvisioningPercent: load > 0 ? Math.round((over / load) * 1000) / 10 : 0,
    underProvisionedTicksPercent: ticks.length ? Math.round((ticks.filter((t) => t.replicas * perReplica < t.load).length / ticks.length) * 1000) / 10 : 0,
  };
}

export interface SliceResult {
  name: string;
  serviceType: string;
  perReplica: number;
  squares: number[];
  operator: { mode: string; ticks: Tick[] };
  reactive: { ticks: Tick[] };
}

export interface DemoMeta {
  startedAt: string;
  replayedFrom: string;
  hours: number;
  stepSeconds: number;
  serverVersion: string;
  attribution: string;
  hourLabel: (hour: number) => string;
}

/** The Markdown report and one SVG per slice (actual vs forecast vs provisioned capacity). */
export function renderReport(results: SliceResult[], meta: DemoMeta, fromHour: number, toHour: number): { markdown: string; svgs: Record<string, string> } {
  const svgs: Record<string, string> = {};
  const lines = [
    '# slice-operator demo report',
    '',
    `Run ${meta.startedAt} on a local control plane (kube-apiserver ${meta.serverVersion}, kwok nodes in three sites), real Prometheus, and the operator process.`,
    `Replayed ${meta.hours} hours of real traffic from ${meta.replayedFrom}, one hour every ${meta.stepSeconds} s.`,
    `Traffic: ${meta.attribution}.`,
    '',
    'Each example slice ran twice in the same run, on the same trace: as written (the operator, predictive where the example says so)',
    'and as a twin in `reactive` mode (an HPA-like policy: capacity follows the load observed through Prometheus, same headroom, bounds',
    'and step limits). An hour is SLA-violating when, at any sampled moment in it, UPF capacity (replicas x sessions per replica) was',
    'below the load. All numbers below come from this run.',
    '',
    '| slice | type | policy | SLA-violating hours | replica-hours | over-provisioning | under-provisioned samples |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const opRows = hourly(r.operator.ticks, r.perReplica, fromHour, toHour);
    const reRows = hourly(r.reactive.ticks, r.perReplica, fromHour, toHour);
    const op = summarize(r.operator.ticks, opRows, r.perReplica);
    const re = summarize(r.reactive.ticks, reRows, r.perReplica);
    lines.push(`| ${r.name} | ${r.serviceType} | operator (${r.operator.mode}) | ${op.violatingHours} / ${op.hours} | ${op.replicaHours} | ${op.overProvisioningPercent} % | ${op.underProvisionedTicksPercent} % |`);
    lines.push(`| | | reactive | ${re.violatingHours} / ${re.hours} | ${re.replicaHours} | ${re.overProvisioningPercent} % | ${re.underProvisionedTicksPercent} % |`);
    const hours = opRows.map((x) => x.hour);
    const reByHour = new Map(reRows.map((x) => [x.hour, x]));
    svgs[r.name] = svgPlot(
      `${r.name} (${r.serviceType}): sessions per replayed hour`,
      [
        { name: 'actual (peak in hour)', color: '#222222', values: opRows.map((x) => x.peakLoad) },
        { name: 'forecast (slice quantile)', color: '#1f77b4', values: opRows.map((x) => x.forecast ?? NaN), dashed: true },
        { name: 'operator capacity', color: '#2ca02c', values: opRows.map((x) => x.minCapacity), step: true },
        { name: 'reactive capacity', color: '#d62728', values: hours.map((h) => reByHour.get(h)?.minCapacity ?? NaN), step: true, dashed: true },
      ],
      { xTicks: hours.map(meta.hourLabel), xLabel: 'replayed time (CET)', yLabel: 'PDU sessions' },
    );
  }
  const out = [...lines, '', '## Plots', ''];
  for (const r of results) out.push(`![${r.name}](${r.name}.svg)`, '');
  out.push('## Squares replayed', '');
  for (const r of results) out.push(`- ${r.name}: sum of Milan grid squares (CSV rows) ${r.squares.join(', ')}`);
  out.push('');
  return { markdown: out.join('\n'), svgs };
}
