/**
 * The demo's equal-SLA set-up and its frontier, from the what-if twin at the demo's own time
 * scale (the rig's parameters, tools/twin/validation.ts): on the week before the replayed day,
 * each policy is tuned to just meet the SLA (the KEDA/HPA's highest target utilisation that
 * meets it; the operator's cheapest lead-time quantile x headroom that meets it), and over the
 * replayed day the twin draws each policy's cost/SLA frontier and predicts the two runs.
 */
import { leadSecondsOf } from '../../src/controller/capacity-basis.js';
import type { SliceView } from '../../src/controller/slice-view.js';
import type { Quantile } from '../../src/telemetry/slice-load.js';
import { simulateSlice, type PolicyResult, type TwinTiming } from '../../src/twin/simulate.js';
import { operatorPolicy, scaledCnf } from '../../src/twin/slice-policies.js';
import type { FrontierPoint, PreparedSlice } from '../../src/twin/whatif.js';
import { factorOf, twinHpa, twinOperator, twinTiming, type RigParams } from '../twin/validation.js';

/** The SLA: at most this share of 10-minute intervals (trace time) with the load above Ready capacity. */
export const SLA_PERCENT = 1;
export const SLA_INTERVAL_SECONDS = 600;

export const HPA_TARGETS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1];
export const OPERATOR_QUANTILES: Quantile[] = ['p50', 'p90', 'p99'];
export const OPERATOR_HEADROOMS = [0, 5, 10, 20, 30];

export type Setting = { policy: 'operator'; quantile: Quantile; headroomPercent: number } | { policy: 'hpa'; targetUtilization: number };

export const settingLabel = (s: Setting): string => (s.policy === 'hpa' ? `target ${Math.round(s.targetUtilization * 100)} %` : `lead time, ${s.quantile} +${s.headroomPercent} %`);

/** The twin's timing for the demo: the rig's, with 10-minute SLA intervals. */
export function demoTiming(p: RigParams): TwinTiming {
  return { ...twinTiming(p), slaIntervalSeconds: SLA_INTERVAL_SECONDS };
}

/** One policy at one setting over a prepared window, in the demo's time scale (the view's windows are wall seconds, as the demo writes them). */
export function simulateSetting(s: PreparedSlice, view: SliceView, p: RigParams, setting: Setting): PolicyResult {
  const f = factorOf(p);
  const cnf = scaledCnf(view);
  const policy = operatorPolicy(view);
  const run = simulateSlice(
    {
      series: s.series,
      forecasts: s.forecasts,
      quantile: setting.policy === 'operator' ? setting.quantile : view.scaling.quantile,
      operator: twinOperator(p, setting.policy === 'operator' ? { ...policy, headroomPercent: setting.headroomPercent } : policy),
      hpa: twinHpa({ ...p, targetUtilization: setting.policy === 'hpa' ? setting.targetUtilization : p.targetUtilization }, cnf.sessionsPerReplica, cnf.minReplicas, cnf.maxReplicas),
      decision: 'lead-time',
      leadSeconds: leadSecondsOf(cnf, p.cycleSeconds * 1000) * f,
      only: setting.policy,
    },
    demoTiming(p),
  );
  return setting.policy === 'operator' ? run.operator : run.hpa;
}

function point(setting: Setting, r: PolicyResult): FrontierPoint {
  return {
    policy: setting.policy,
    ...(setting.policy === 'operator' ? { decision: 'lead-time' as const, quantile: setting.quantile, headroomPercent: setting.headroomPercent } : { targetUtilization: setting.targetUtilization }),
    label: settingLabel(setting),
    replicaHours: r.replicaHours,
    violatingIntervals: r.violatingIntervals,
    intervals: r.intervals,
    violatingPercent: r.intervals ? (100 * r.violatingIntervals) / r.intervals : 0,
  };
}

/** Every setting of both grids over the window. */
export function frontier(s: PreparedSlice, view: SliceView, p: RigParams): { setting: Setting; point: FrontierPoint }[] {
  const settings: Setting[] = [
    ...OPERATOR_QUANTILES.flatMap((quantile) => OPERATOR_HEADROOMS.map((headroomPercent) => ({ policy: 'operator' as const, quantile, headroomPercent }))),
    ...HPA_TARGETS.map((targetUtilization) => ({ policy: 'hpa' as const, targetUtilization })),
  ];
  return settings.map((setting) => ({ setting, point: point(setting, simulateSetting(s, view, p, setting)) }));
}

/**
 * Each policy's cheapest setting that meets the SLA over the window; when none does, the one
 * with the fewest violating intervals (then the cheapest of those).
 */
export function tune(points: { setting: Setting; point: FrontierPoint }[], policy: Setting['policy'], slaPercent = SLA_PERCENT): { setting: Setting; point: FrontierPoint; meets: boolean } {
  const mine = points.filter((x) => x.setting.policy === policy);
  if (mine.length === 0) throw new RangeError(`no ${policy} settings to tune`);
  const meeting = mine.filter((x) => x.point.violatingPercent <= slaPercent).sort((a, b) => a.point.replicaHours - b.point.replicaHours);
  if (meeting.length) return { ...meeting[0]!, meets: true };
  const best = [...mine].sort((a, b) => a.point.violatingIntervals - b.point.violatingIntervals || a.point.replicaHours - b.point.replicaHours)[0]!;
  return { ...best, meets: false };
}
