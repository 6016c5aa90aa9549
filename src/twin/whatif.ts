/**
 * The what-if twin: NetworkSlice variants replayed over a load history through the operator's
 * decision (with its forecaster and calibration) and through the KEDA/HPA model, and the
 * figures a platform team compares them by. `sweep` varies each policy's one knob of cost
 * against SLA (operator: quantile x headroom; HPA: target utilisation) to draw the frontier.
 */
import type { BatchForecaster } from '../forecast/contract.js';
import { leadSecondsOf } from '../controller/capacity-basis.js';
import type { SliceView } from '../controller/slice-view.js';
import type { Quantile } from '../telemetry/slice-load.js';
import { hourly, type LoadSeries } from './history.js';
import { replayForecasts, type HourlyForecasts } from './operator-forecasts.js';
import { simulateSlice, type PolicyResult, type SliceRun, type TwinTiming } from './simulate.js';
import { hpaConfig, operatorPolicy, scaledCnf, type HpaChoice } from './slice-policies.js';

export interface WhatIfSlice {
  name: string;
  view: SliceView;
  series: LoadSeries;
}

export interface WhatIfOptions {
  timing: TwinTiming;
  hpa: HpaChoice;
  /** Hours of calibration warm-up before the replay (the operator's default: 48). */
  warmupHours: number;
}

export interface PreparedSlice extends WhatIfSlice {
  forecasts: HourlyForecasts;
}

export class WhatIfInputError extends Error {
  override readonly name = 'WhatIfInputError';
}

/**
 * Runs the operator's forecasts for every slice (one batched inference per hour), calibrated at
 * every quantile (a sweep compares them) or, with `onlyOwn`, at each slice's own quantile and
 * the median (what a replay of the manifests as written needs).
 */
export async function prepare(forecaster: BatchForecaster, slices: WhatIfSlice[], warmupHours: number, onlyOwn = false): Promise<PreparedSlice[]> {
  const L = forecaster.historyLength ?? 168;
  const byLength = new Map<number, WhatIfSlice[]>();
  for (const s of slices) {
    if (3600 % s.series.stepSeconds !== 0) throw new WhatIfInputError(`${s.name}: the history's step must divide an hour`);
    const hours = hourly(s.series).length;
    if (hours < L + warmupHours + 1) {
      throw new WhatIfInputError(`${s.name}: the history holds ${hours} whole hours; the replay needs ${L} for the model's window, ${warmupHours} of calibration warm-up and at least 1 to replay (${L + warmupHours + 1})`);
    }
    byLength.set(hours, [...(byLength.get(hours) ?? []), s]);
  }
  const out = new Map<WhatIfSlice, HourlyForecasts>();
  for (const group of byLength.values()) {
    const fs = await replayForecasts(
      forecaster,
      group.map((s, i) => ({ key: `${i}/${s.name}`, hourly: hourly(s.series), startMs: s.series.startMs, horizonSteps: s.view.scaling.horizonSteps })),
      warmupHours,
      {},
      onlyOwn ? [...new Set<Quantile>(['p50', ...group.map((s) => s.view.scaling.quantile)])] : undefined,
    );
    group.forEach((s, i) => out.set(s, fs[i]!));
  }
  return slices.map((s) => ({ ...s, forecasts: out.get(s)! }));
}

/** One slice through both policies as its manifest says (the HPA as `opts.hpa` says). */
export function replay(s: PreparedSlice, opts: WhatIfOptions, withTrace = false): SliceRun {
  const lead = leadOf(s.view, opts.timing);
  const input = { series: s.series, forecasts: s.forecasts, quantile: s.view.scaling.quantile, operator: operatorPolicy(s.view), hpa: hpaConfig(s.view, opts.hpa), ...lead };
  return simulateSlice(input, opts.timing, withTrace);
}

/** The capacity decision a manifest asks for; a LeadTime slice's lead as the operator takes it (its scaled CNF's start-up plus one cycle). */
function leadOf(view: SliceView, timing: TwinTiming): { decision: Decision; leadSeconds?: number } {
  if (view.scaling.capacityBasis !== 'LeadTime') return { decision: 'hourly-peak' };
  return { decision: 'lead-time', leadSeconds: leadSecondsOf(scaledCnf(view), timing.operatorCycleSeconds * 1000) };
}

export type Decision = 'hourly-peak' | 'lead-time';

export interface FrontierPoint {
  policy: 'operator' | 'hpa';
  decision?: Decision;
  label: string;
  quantile?: Quantile;
  headroomPercent?: number;
  targetUtilization?: number;
  replicaHours: number;
  violatingIntervals: number;
  intervals: number;
  /** Violating intervals, percent of intervals. */
  violatingPercent: number;
}

export const SWEEP_QUANTILES: Quantile[] = ['p50', 'p90', 'p99'];
export const SWEEP_HEADROOMS = [0, 2, 5, 10, 15, 20, 30, 40, 60];
export const SWEEP_TARGETS = [0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1];

function point(policy: FrontierPoint['policy'], label: string, rs: PolicyResult[], extra: Partial<FrontierPoint>): FrontierPoint {
  const replicaHours = rs.reduce((a, r) => a + r.replicaHours, 0);
  const violatingIntervals = rs.reduce((a, r) => a + r.violatingIntervals, 0);
  const intervals = rs.reduce((a, r) => a + r.intervals, 0);
  return { policy, label, replicaHours, violatingIntervals, intervals, violatingPercent: intervals ? (100 * violatingIntervals) / intervals : 0, ...extra };
}

/** The operator at one quantile and headroom over every slice (the slices' other settings kept). */
export function operatorPoint(slices: PreparedSlice[], opts: WhatIfOptions, quantile: Quantile, headroomPercent: number, decision: Decision = 'hourly-peak'): FrontierPoint {
  const rs = slices.map(
    (s) =>
      simulateSlice({ series: s.series, forecasts: s.forecasts, quantile, decision, only: 'operator', operator: { ...operatorPolicy(s.view), headroomPercent }, hpa: hpaConfig(s.view, opts.hpa) }, opts.timing)
        .operator,
  );
  return point('operator', `${decision === 'lead-time' ? 'lead-time ' : ''}${quantile} +${headroomPercent}%`, rs, { quantile, headroomPercent, decision });
}

/** The KEDA/HPA at one target utilisation over every slice. */
export function hpaPoint(slices: PreparedSlice[], opts: WhatIfOptions, targetUtilization: number): FrontierPoint {
  const rs = slices.map(
    (s) => simulateSlice({ series: s.series, forecasts: s.forecasts, quantile: s.view.scaling.quantile, only: 'hpa', operator: operatorPolicy(s.view), hpa: hpaConfig(s.view, { ...opts.hpa, targetUtilization }) }, opts.timing).hpa,
  );
  return point('hpa', `target ${Math.round(targetUtilization * 100)}%`, rs, { targetUtilization });
}

export interface SweepGrid {
  quantiles: Quantile[];
  headrooms: number[];
  targets: number[];
  decisions: Decision[];
}

export const SWEEP_GRID: SweepGrid = { quantiles: SWEEP_QUANTILES, headrooms: SWEEP_HEADROOMS, targets: SWEEP_TARGETS, decisions: ['hourly-peak', 'lead-time'] };

/** Both policies' frontiers over every slice (the operator with each capacity decision). */
export function sweep(slices: PreparedSlice[], opts: WhatIfOptions, grid: SweepGrid = SWEEP_GRID): FrontierPoint[] {
  const ops = grid.decisions.flatMap((d) => grid.quantiles.flatMap((q) => grid.headrooms.map((h) => operatorPoint(slices, opts, q, h, d))));
  return ops.concat(grid.targets.map((u) => hpaPoint(slices, opts, u)));
}

/** The cheapest point of a policy (and operator decision) that meets the SLA (violating share <= slaPercent), if any. */
export function cheapestMeeting(points: FrontierPoint[], policy: FrontierPoint['policy'], slaPercent: number, decision?: Decision): FrontierPoint | undefined {
  return points
    .filter((p) => p.policy === policy && (decision === undefined || p.decision === decision) && p.violatingPercent <= slaPercent)
    .sort((a, b) => a.replicaHours - b.replicaHours)[0];
}

/** The fewest violations a policy (and decision) reaches within a budget of replica-hours, if any. */
export function fewestWithin(points: FrontierPoint[], policy: FrontierPoint['policy'], replicaHours: number, decision?: Decision): FrontierPoint | undefined {
  return points
    .filter((p) => p.policy === policy && (decision === undefined || p.decision === decision) && p.replicaHours <= replicaHours)
    .sort((a, b) => a.violatingIntervals - b.violatingIntervals || a.replicaHours - b.replicaHours)[0];
}
