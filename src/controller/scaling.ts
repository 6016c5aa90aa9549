/**
 * The replica decision for one CNF, as a pure function of the policy, the observations and the
 * recent recommendations (for scale-down stabilisation). Never NaN, never outside [min, max],
 * never to zero for lack of data: the operator holds the last safe capacity instead.
 */
export type ScalingMode = 'predictive' | 'reactive' | 'static';

export interface ScalingPolicy {
  mode: ScalingMode;
  minReplicas: number;
  maxReplicas: number;
  /** Load one replica serves (same unit as the load: sessions, or Mbps). */
  perReplicaCapacity: number;
  /** Extra capacity on top of the need, percent. */
  headroomPercent: number;
  /** Largest change in replicas within any stepPeriodMs (a rate limit, as an HPA behavior policy). */
  maxStep: number;
  /** The period maxStep applies to; 0 limits each decision alone. */
  stepPeriodMs: number;
  /** A scale-down only happens to the highest recommendation of this window (HPA semantics). */
  scaleDownStabilizationMs: number;
}

export interface LoadObservation {
  /** Load now, if telemetry answered. */
  current?: number;
  /** Forecast of the load over the horizon at the chosen quantile (max over horizon steps). */
  forecastPeak?: number;
  /** Calibrated multiplicative headroom from online feedback (1 = none). */
  calibration?: number;
  /** Set when forecastPeak is the load this many seconds ahead (capacityBasis LeadTime), not a horizon peak. */
  leadSeconds?: number;
  /** Telemetry is missing or invalid: hold capacity. */
  telemetryDown?: boolean;
  /**
   * A load anomaly the telemetry loop detected (telemetry/load-anomaly.ts). An outage holds
   * capacity (traffic that vanishes suddenly looks like idle); a surge scales up to the observed
   * load past the step limit, within maxReplicas.
   */
  anomaly?: 'Surge' | 'Drop' | 'Outage' | 'LevelShift';
}

export interface Recommendation {
  at: number;
  replicas: number;
}

/** A change of replicas the operator made. */
export interface ScaleEvent {
  at: number;
  from: number;
  to: number;
}

export type DecisionReason =
  | 'Static'
  | 'ForecastScaleUp'
  | 'ForecastScaleDown'
  | 'ReactiveScaleUp'
  | 'ReactiveScaleDown'
  | 'Steady'
  | 'ScaleDownStabilized'
  | 'StepLimited'
  | 'HoldNoTelemetry'
  | 'HoldOutage'
  | 'SurgeScaleUp'
  | 'BoundedByMax'
  | 'BoundedByMin'
  | 'Paused'
  // Human in the loop (approval.ts): kept by mode Recommend, held for or applied by a SliceDecision.
  | 'Recommended'
  | 'AwaitingApproval'
  | 'ApprovalDenied'
  | 'Approved'
  // Disruption budgets (budget.ts): a scale-down outside every window waits.
  | 'OutsideBudget';

export interface ScalingDecision {
  replicas: number;
  /** What the policy wanted before stabilisation and step limits. */
  recommended: number;
  /** Load the decision provisions for (after headroom), in load units. */
  provisionedLoad: number;
  reason: DecisionReason;
  message: string;
  /** Replicas the load needs (after headroom), before min/max, step and stabilisation; undefined without load data. */
  needed?: number;
  /** Until when a stabilised scale-down holds the current replicas (ms). */
  heldUntil?: number;
  /** A LeadTime decision's lead (s) and the load forecast for now + lead that it provisions for. */
  leadTime?: { seconds: number; load: number };
}

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * The replicas a period's step limit allows: within [base - step, base + step], where base is the
 * replicas before the first change of the period (HPA behavior policies count the same way), so
 * decisions that follow each other quickly cannot chain steps.
 */
function stepBounds(policy: ScalingPolicy, cur: number, events: ScaleEvent[], now: number): [number, number] {
  const step = Math.max(1, Math.floor(policy.maxStep) || 1);
  // Loops, not filter/reduce: replays call this for every slice every cycle (src/twin).
  let first: ScaleEvent | undefined;
  if (policy.stepPeriodMs > 0) for (const e of events) if (e.at > now - policy.stepPeriodMs && (!first || e.at < first.at)) first = e;
  const base = first ? first.from : cur;
  return [Math.min(cur, base - step), Math.max(cur, base + step)];
}

/** Scale-down stabilisation: the highest recommendation in the window, and until when it holds. */
function stabilize(recommended: number, cur: number, history: Recommendation[], now: number, windowMs: number): { target: number; until?: number } {
  let highest = recommended;
  for (const h of history) if (h.at >= now - windowMs && h.replicas <= cur && h.replicas > highest) highest = h.replicas;
  const target = Math.min(cur, highest);
  if (target <= recommended) return { target };
  let lastAt = -Infinity;
  for (const h of history) if (h.at >= now - windowMs && h.replicas <= cur && h.replicas >= target && h.at > lastAt) lastAt = h.at;
  return { target, until: lastAt + windowMs };
}

/** The load a decision scales on: the forecast peak or the load now, whichever is higher, in predictive mode; else the load now. */
export function scalingLoad(policy: ScalingPolicy, obs: LoadObservation): number | undefined {
  return policy.mode === 'predictive' && finite(obs.forecastPeak) ? Math.max(obs.forecastPeak, obs.current ?? 0) : obs.current;
}

/** A decision's figures, without its message (what decideReplicas explains). */
export interface ScalingTarget extends Omit<ScalingDecision, 'message'> {
  /** The load the decision scaled on, the calibration factor, and whether it was the forecast. */
  load?: number;
  calib?: number;
  predictive?: boolean;
}

/**
 * The decision's figures alone: what decideReplicas decides, with no message built. Replays of
 * many slices over weeks of history (src/twin) call this once per cycle and slice.
 */
export function decideTarget(policy: ScalingPolicy, current: number, obs: LoadObservation, history: Recommendation[], now: number, events: ScaleEvent[] = []): ScalingTarget {
  const min = Math.max(0, Math.floor(policy.minReplicas));
  const max = Math.max(min, Math.floor(policy.maxReplicas));
  const cur = finite(current) ? Math.round(current) : min;
  const hold = clamp(Math.max(cur, min), min, max);
  const capacity = finite(policy.perReplicaCapacity) && policy.perReplicaCapacity > 0 ? policy.perReplicaCapacity : NaN;

  if (policy.mode === 'static') {
    const r = clamp(cur || min, min, max);
    return { replicas: r, recommended: r, provisionedLoad: r * (capacity || 0), reason: 'Static' };
  }
  const load = scalingLoad(policy, obs);
  // A forecast without a current observation is stale by definition (it was made from telemetry
  // that has since gone missing): hold, as with no data at all.
  if (obs.telemetryDown || !finite(obs.current) || !finite(load) || !Number.isFinite(capacity)) {
    return { replicas: hold, recommended: hold, provisionedLoad: hold * (capacity || 0), reason: 'HoldNoTelemetry' };
  }
  if (obs.anomaly === 'Outage') {
    return { replicas: hold, recommended: hold, provisionedLoad: hold * capacity, reason: 'HoldOutage', load: obs.current };
  }
  const calib = finite(obs.calibration) && obs.calibration > 0 ? obs.calibration : 1;
  const provisioned = load * calib * (1 + Math.max(0, policy.headroomPercent) / 100);
  const raw = Math.ceil(provisioned / capacity - 1e-9);
  const recommended = clamp(raw, min, max);
  const predictive = policy.mode === 'predictive' && finite(obs.forecastPeak);

  let target = recommended;
  let heldUntil: number | undefined;
  let reason: DecisionReason;
  if (recommended < cur) {
    ({ target, until: heldUntil } = stabilize(recommended, cur, history, now, policy.scaleDownStabilizationMs));
    reason = heldUntil !== undefined ? 'ScaleDownStabilized' : predictive ? 'ForecastScaleDown' : 'ReactiveScaleDown';
  } else {
    reason = recommended > cur ? (predictive ? 'ForecastScaleUp' : 'ReactiveScaleUp') : 'Steady';
  }
  const [lo, stepHi] = stepBounds(policy, cur, events, now);
  // A surge is repaired at once: the step limit does not hold a scale-up back.
  const surge = obs.anomaly === 'Surge' && recommended > cur;
  const hi = surge ? max : stepHi;
  if (surge) reason = 'SurgeScaleUp';
  if (target < lo || target > hi) {
    target = clamp(target, lo, hi);
    if (reason !== 'ScaleDownStabilized') reason = 'StepLimited';
  }
  target = clamp(target, min, max);
  if (raw > max && target === max && reason !== 'StepLimited') reason = 'BoundedByMax';
  if (raw < min && target === min && cur === min) reason = 'BoundedByMin';
  const held = heldUntil !== undefined && target > recommended;
  return { replicas: target, recommended, provisionedLoad: provisioned, reason, needed: raw, ...(held ? { heldUntil } : {}), load, calib, predictive };
}

export function decideReplicas(
  policy: ScalingPolicy,
  current: number,
  obs: LoadObservation,
  history: Recommendation[],
  now: number,
  events: ScaleEvent[] = [],
): ScalingDecision {
  const { load, calib, predictive, ...t } = decideTarget(policy, current, obs, history, now, events);
  const cur = finite(current) ? Math.round(current) : t.replicas;
  if (t.reason === 'Static') return { ...t, message: `static scaling: ${t.replicas} replicas` };
  if (t.reason === 'HoldNoTelemetry') return { ...t, message: `no valid load data: holding ${t.replicas} replicas (never scaling down blind)` };
  if (t.reason === 'HoldOutage') return { ...t, message: `load ${load!.toFixed(1)} dropped to near zero against its forecast (suspected outage): holding ${t.replicas} replicas` };
  const basis = !predictive ? `observed load ${load!.toFixed(1)}` : obs.leadSeconds !== undefined ? `load in ${Math.round(obs.leadSeconds)} s ${load!.toFixed(1)}` : `forecast peak ${load!.toFixed(1)}`;
  const held = t.heldUntil !== undefined ? `, held until ${new Date(t.heldUntil).toISOString()}` : '';
  const message = `${basis} x${calib!.toFixed(2)} +${policy.headroomPercent}% headroom needs ${t.needed} replicas of ${policy.perReplicaCapacity}; ${cur} -> ${t.replicas} (${t.reason}${held})`;
  return { ...t, message, ...(predictive && obs.leadSeconds !== undefined ? { leadTime: { seconds: obs.leadSeconds, load: load! } } : {}) };
}
