import { LIMIT } from '../api/limits.js';
import type { SliceLoad } from '../telemetry/slice-load.js';
import { findCondition, setCondition, type Condition } from './conditions.js';
import { metaTime } from './meta-time.js';
import { childName } from './names.js';
import { canonicalJson } from './subset.js';
import type { SliceView } from './slice-view.js';
import type { CnfHealthMemory, RollbackStatus } from './rollback.js';
import type { Explanation } from '../api/slicedecision.js';

export type Phase = 'Pending' | 'Provisioning' | 'Ready' | 'Degraded' | 'Deleting';

export interface SliceStatus {
  observedGeneration?: number;
  phase?: Phase;
  conditions?: Condition[];
  /** Printer-column friendly copies. */
  upfReplicas?: number;
  load?: number;
  forecastValue?: number;
  currentLoad?: { sessions: number; observedAt: string };
  forecast?: { value: number; p50: number; p90: number; p99: number; quantile: string; horizonSteps: number; model: string; source: string; fallbackReason?: string; calibration: number; coverage?: number };
  cnfs?: { name: string; type: string; desiredReplicas: number; readyReplicas: number; lastDecision?: DecisionStatus; recommendation?: RecommendationStatus; pendingDecision?: string; healthyImage?: string; rollback?: RollbackStatus }[];
  pendingDecisions?: number;
  placement?: { upfSites: string[]; runningSites?: { site: string; pods: number }[]; skipped?: { site: string; reason: string }[] };
  qosApplied?: { configMap: string; defaultFiveQI: number; flows: number; priorityClass: string };
  provisionedCapacity?: number;
  lastDecision?: DecisionStatus;
}

/** A scaling decision that changed replicas, as status shows it. */
export interface DecisionStatus {
  time: string;
  reason: string;
  message: string;
  fromReplicas: number;
  toReplicas: number;
  /** The SliceDecision a person approved for it. */
  decision?: string;
  explanation?: Explanation;
}

/** What the operator would do and does not (mode Recommend), or holds for approval (mode Approve). */
export interface RecommendationStatus {
  replicas: number;
  reason: string;
  message: string;
  explanation?: Explanation;
}


export interface StatusInput {
  generation: number;
  now: Date;
  ready: boolean;
  degraded?: { reason: string; message: string };
  progressing?: { reason: string; message: string };
  /** Why replicas differ from what the load asks for (limits, stabilisation, pause). */
  scalingLimited?: { reason: string; message: string };
  /** What is wrong with the slice's health (anomalies.ts), if anything. */
  anomalous?: { reason: string; message: string };
  view?: SliceView;
  replicas?: Record<string, { desired: number; ready: number; lastDecision?: DecisionStatus; recommendation?: RecommendationStatus; pendingDecision?: string; health?: CnfHealthMemory }>;
  /** SliceDecisions of the slice waiting for approval. */
  pendingDecisions?: number;
  upfSites?: string[];
  /** Where the UPF's pods run, by site (from the pods; absent when pods are not watched). */
  runningSites?: { site: string; pods: number }[];
  /** Sites not chosen for the UPF, and why (from this reconcile's placement). */
  skippedSites?: { site: string; reason: string }[];
  load?: SliceLoad;
  /**
   * Whether an observation time in the previous status lies in the same forecast step as the
   * load's. Then load and forecast figures that alone changed are not written (see buildStatus).
   */
  sameStep?: (observedAt: string) => boolean;
  forecastNote?: string;
  lastDecision?: DecisionStatus;
  provisionedCapacity?: number;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/**
 * The whole status as a pure function of the previous status and what this reconcile saw.
 * Conditions keep their lastTransitionTime while their status holds, and observedLoad times only
 * move when the observer recorded a new sample, so an unchanged world yields an identical status.
 *
 * Load and forecast figures are refreshed once per forecast step (hourly in production), or with
 * any other change of the status. A live SMF's session count moves every cycle, and so does the
 * forecast that ends with it: writing each change would rewrite every slice's status every 60 s
 * cycle, 167 writes a second at 10,000 slices, more than the API server of a 2-core control plane
 * takes with anything else going on. Once a step it is 2.8 a second. The live figures are in the
 * operator's metrics (slice_operator_observed_load, slice_operator_forecast); scaling decisions
 * use them as they come, and a decision changes the status, which then carries fresh figures.
 */
export function buildStatus(prev: SliceStatus | undefined, i: StatusInput): SliceStatus {
  const fresh = statusOf(prev, i);
  const held = prev?.currentLoad && i.sameStep?.(prev.currentLoad.observedAt);
  if (!held) return fresh;
  const kept: SliceStatus = { ...fresh, load: prev.load, currentLoad: prev.currentLoad };
  if (prev.forecast) kept.forecast = prev.forecast;
  else delete kept.forecast;
  if (prev.forecastValue !== undefined) kept.forecastValue = prev.forecastValue;
  else delete kept.forecastValue;
  return canonicalJson(kept) === canonicalJson(prev) ? kept : fresh;
}

/** One CNF's entry of status.cnfs. */
function cnfStatus(c: SliceView['cnfs'][number], r: NonNullable<StatusInput['replicas']>[string] | undefined): NonNullable<SliceStatus['cnfs']>[number] {
  return {
    name: c.name,
    type: c.type,
    desiredReplicas: r?.desired ?? 0,
    readyReplicas: r?.ready ?? 0,
    ...(r?.lastDecision ? { lastDecision: r.lastDecision } : {}),
    ...(r?.health?.healthyImage ? { healthyImage: r.health.healthyImage } : {}),
    ...(r?.health?.rollback ? { rollback: r.health.rollback } : {}),
    ...(r?.recommendation ? { recommendation: r.recommendation } : {}),
    ...(r?.pendingDecision ? { pendingDecision: r.pendingDecision } : {}),
  };
}

function statusOf(prev: SliceStatus | undefined, i: StatusInput): SliceStatus {
  let conditions = prev?.conditions;
  const g = i.generation;
  conditions = setCondition(conditions, i.degraded
    ? { type: 'Degraded', status: 'True', reason: i.degraded.reason, message: i.degraded.message, observedGeneration: g }
    : { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'no degradation', observedGeneration: g }, i.now);
  conditions = setCondition(conditions, i.progressing
    ? { type: 'Progressing', status: 'True', reason: i.progressing.reason, message: i.progressing.message, observedGeneration: g }
    : { type: 'Progressing', status: 'False', reason: 'Reconciled', message: 'all CNF replicas are ready', observedGeneration: g }, i.now);
  if (i.view) {
    conditions = setCondition(conditions, i.scalingLimited
      ? { type: 'ScalingLimited', status: 'True', reason: i.scalingLimited.reason, message: i.scalingLimited.message, observedGeneration: g }
      : { type: 'ScalingLimited', status: 'False', reason: 'WithinLimits', message: 'replicas follow the load', observedGeneration: g }, i.now);
    conditions = setCondition(conditions, i.anomalous
      ? { type: 'Anomalous', status: 'True', reason: i.anomalous.reason, message: i.anomalous.message, observedGeneration: g }
      : { type: 'Anomalous', status: 'False', reason: 'AsExpected', message: 'load within its forecast band, CNF pods healthy', observedGeneration: g }, i.now);
  }
  conditions = setCondition(conditions, i.ready
    ? { type: 'Ready', status: 'True', reason: 'Provisioned', message: 'slice provisioned: CNFs ready, QoS applied, UPF placed', observedGeneration: g }
    : { type: 'Ready', status: 'False', reason: i.degraded?.reason ?? 'Provisioning', message: i.degraded?.message ?? 'waiting for CNF replicas', observedGeneration: g }, i.now);
  const phase: Phase = i.ready ? 'Ready' : i.degraded ? 'Degraded' : findCondition(conditions, 'Progressing')?.status === 'True' ? 'Provisioning' : 'Pending';

  const s: SliceStatus = { observedGeneration: g, phase, conditions };
  const v = i.view;
  if (!v) return { ...prev, ...s };
  const upf = v.cnfs.find((c) => c.type === 'upf');
  s.cnfs = v.cnfs.map((c) => cnfStatus(c, i.replicas?.[c.name]));
  if (v.automation.mode === 'Approve') s.pendingDecisions = i.pendingDecisions ?? 0;
  if (upf) s.upfReplicas = i.replicas?.[upf.name]?.desired ?? 0;
  s.placement = { upfSites: i.upfSites ?? [] };
  if (i.runningSites) s.placement.runningSites = i.runningSites.slice(0, LIMIT.sitesMax);
  const skipped = i.skippedSites ?? prev?.placement?.skipped;
  if (skipped?.length) s.placement.skipped = skipped.slice(0, LIMIT.sitesMax);
  s.qosApplied = { configMap: childName(v.name, 'qos'), defaultFiveQI: v.qos.defaultFiveQI, flows: v.qos.flows.length, priorityClass: `slice-${v.serviceType.toLowerCase()}` };
  const l = i.load;
  if (l?.current !== undefined && l.observedAt !== undefined) {
    s.load = round(l.current);
    s.currentLoad = { sessions: round(l.current), observedAt: metaTime(l.observedAt) };
  } else if (prev?.currentLoad) {
    s.load = prev.load;
    s.currentLoad = prev.currentLoad;
  }
  if (l?.forecast) {
    const f = l.forecast;
    // A quantile the model gave no finite value for is NaN in the summary; status shows 0.
    const orZero = (x: number) => (Number.isFinite(x) ? x : 0);
    const value = round(l.forecastPeak ?? orZero(f[v.scaling.quantile]));
    s.forecastValue = value;
    s.forecast = {
      value,
      p50: round(orZero(f.p50)),
      p90: round(orZero(f.p90)),
      p99: round(orZero(f.p99)),
      quantile: v.scaling.quantile,
      horizonSteps: v.scaling.horizonSteps,
      model: f.model,
      source: f.source,
      ...(i.forecastNote ? { fallbackReason: i.forecastNote } : {}),
      calibration: round(l.calibration),
      ...(l.coverage !== undefined ? { coverage: round(l.coverage) } : {}),
    };
  } else if (prev?.forecast) {
    s.forecast = prev.forecast;
    s.forecastValue = prev.forecastValue;
  }
  if (i.provisionedCapacity !== undefined) s.provisionedCapacity = i.provisionedCapacity;
  const last = i.lastDecision ?? prev?.lastDecision;
  if (last) s.lastDecision = last;
  return s;
}
