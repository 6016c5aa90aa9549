/**
 * The explanation of a scaling decision, with its numbers: load now, the forecast at the horizon
 * used (and for a LeadTime slice the load forecast for when a new replica is Ready), calibration
 * and coverage, headroom, per-replica capacity, the raw replica number, the
 * bound that changed it, what a reactive HPA at the same SLA would choose, the UPF's chosen and
 * skipped sites, and the forecast's top drivers. Pure; status, SliceDecisions and Events carry it.
 */
import type { Explanation } from '../api/slicedecision.js';
import type { SliceLoad } from '../telemetry/slice-load.js';
import type { SkippedSite } from './placement-explain.js';
import type { DecisionReason, ScalingDecision } from './scaling.js';
import type { CnfView, SliceView } from './slice-view.js';

const BOUND: Partial<Record<DecisionReason, string>> = {
  BoundedByMax: 'MaxReplicas',
  BoundedByMin: 'MinReplicas',
  StepLimited: 'MaxStep',
  ScaleDownStabilized: 'Stabilization',
  HoldNoTelemetry: 'NoTelemetry',
  Paused: 'Pause',
  Recommended: 'RecommendOnly',
  AwaitingApproval: 'Approval',
  ApprovalDenied: 'Denied',
  Approved: 'Approval',
  Static: 'Static',
  OutsideBudget: 'Budget',
};

const r2 = (x: number): number => Math.round(x * 100) / 100;
const fin = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** What a reactive HPA at the same SLA would choose: observed load plus headroom, within min/max. */
export function reactiveReplicas(cnf: CnfView, headroomPercent: number, load: number | undefined): number | undefined {
  if (!fin(load) || cnf.sessionsPerReplica <= 0) return undefined;
  const raw = Math.ceil((load * (1 + headroomPercent / 100)) / cnf.sessionsPerReplica - 1e-9);
  return Math.min(cnf.maxReplicas, Math.max(cnf.minReplicas, raw));
}

/** Where the UPF runs and why not elsewhere, for an explanation. */
export interface PlacementFacts {
  chosen: string[];
  skipped?: SkippedSite[];
}

function forecastText(e: Explanation): string {
  const f = e.forecast;
  if (!f) return 'no forecast';
  return `forecast ${f.quantile} over ${f.horizonSteps} step(s): ${f.peak} (p50 ${f.p50}, p90 ${f.p90}, p99 ${f.p99}; ${f.source})`;
}

/** The explanation as one paragraph a person reads in a terminal. */
export function explanationText(e: Omit<Explanation, 'text'>, cnf: string, from: number): string {
  const parts = [`${cnf}: ${from} -> ${e.chosenReplicas} replicas`, `load now ${fin(e.loadNow) ? e.loadNow : 'unknown'}`, forecastText(e as Explanation)];
  if (e.leadTime) parts.push(`load in ${Math.round(e.leadTime.seconds)} s (when a replica started now is Ready) ${e.leadTime.load}`);
  if (fin(e.calibration)) parts.push(`calibration x${e.calibration}${fin(e.coverage) ? ` (coverage ${Math.round(e.coverage * 100)} %)` : ''}`);
  parts.push(`headroom ${e.headroomPercent} %`);
  if (fin(e.provisionedLoad) && fin(e.rawReplicas)) parts.push(`provisioned load ${e.provisionedLoad} / ${e.perReplicaCapacity} per replica = ${e.rawReplicas} raw`);
  parts.push(`bound: ${e.bound}`);
  if (fin(e.reactiveReplicas)) parts.push(`a reactive HPA at the same SLA would choose ${e.reactiveReplicas}`);
  if (e.placement) {
    const skipped = (e.placement.skipped ?? []).map((s) => `${s.site}: ${s.reason}`).join('; ');
    parts.push(`UPF on ${e.placement.chosen.join(', ') || 'no site'}${skipped ? ` (skipped ${skipped})` : ''}`);
  }
  if (e.attribution?.length) parts.push(`forecast drivers: ${e.attribution.map((a) => `${a.factor} ${a.percent >= 0 ? '+' : ''}${a.percent} %`).join(', ')}`);
  return parts.join('; ');
}

/** The explanation of `dec` for `cnf`, from the load it was made on. */
export function explainScaling(view: SliceView, cnf: CnfView, from: number, dec: ScalingDecision, load: SliceLoad | undefined, placement?: PlacementFacts): Explanation {
  const usable = load && !load.telemetryError ? load : undefined;
  const e: Omit<Explanation, 'text'> = {
    headroomPercent: view.scaling.headroomPercent,
    perReplicaCapacity: cnf.sessionsPerReplica,
    chosenReplicas: dec.replicas,
    bound: BOUND[dec.reason] ?? 'None',
  };
  if (fin(usable?.current)) e.loadNow = r2(usable.current);
  const f = usable?.forecast;
  if (f) {
    const q = view.scaling.quantile;
    const orZero = (x: number) => (fin(x) ? r2(x) : 0);
    e.forecast = { quantile: q, horizonSteps: view.scaling.horizonSteps, p50: orZero(f.p50), p90: orZero(f.p90), p99: orZero(f.p99), peak: orZero(usable?.forecastPeak ?? f[q]), source: f.source };
  }
  // A LeadTime decision provisions for the load at now + its lead, without the calibration.
  if (dec.leadTime) e.leadTime = { seconds: r2(dec.leadTime.seconds), load: r2(dec.leadTime.load) };
  if (usable) e.calibration = dec.leadTime ? 1 : r2(usable.calibration);
  if (fin(usable?.coverage)) e.coverage = r2(usable.coverage);
  if (dec.needed !== undefined) {
    e.rawReplicas = dec.needed;
    e.provisionedLoad = r2(dec.provisionedLoad);
  }
  const reactive = reactiveReplicas(cnf, view.scaling.headroomPercent, usable?.current);
  if (reactive !== undefined) e.reactiveReplicas = reactive;
  if (placement) e.placement = { chosen: placement.chosen, ...(placement.skipped?.length ? { skipped: placement.skipped } : {}) };
  if (usable?.attribution?.length) e.attribution = usable.attribution.slice(0, 3);
  return { text: explanationText(e, cnf.name, from), ...e };
}
