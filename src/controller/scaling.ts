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
  const inPeriod = policy.stepPeriodMs > 0 ? events.filter((e) => e.at > now - policy.stepPeriodMs) : [];
  const base = inPeriod.length ? inPeriod.reduce((a, b) => (b.at < a.at ? b : a)).from : cur;
  return [Math.min(cur, base - step), Math.max(cur, base + step)];
}

/** Scale-down stabilisation: the highest recommendation in the window, and until when it holds. */
function stabilize(recommended: number, cur: number, history: Recommendation[], now: number, windowMs: number): { target: number; until?: number } {
  const recent = history.filter((h) => h.at >= now - windowMs && h.replicas <= cur);
  const highest = Math.max(recommended, ...recent.map((h) => h.replicas));
  const target = Math.min(cur, highest);
  if (target <= recommended) return { target };
  const lastAt = Math.max(...recent.filter((h) => h.replicas >= target).map((h) => h.at));
  return { target, until: lastAt + windowMs };
}

export function decideReplicas(
  policy: ScalingPolicy,
  current: number,
  obs: LoadObservation,
  history: Recommendation[],
  now: number,
  events: ScaleEvent[] = [],
): ScalingDecision {
  const min = Math.max(0, Math.floor(policy.minReplicas));
  const max = Math.max(min, Math.floor(policy.maxReplicas));
  const cur = finite(current) ? Math.round(current) : min;
  const hold = clamp(Math.max(cur, min), min, max);
  const capacity = finite(policy.perReplicaCapacity) && policy.perReplicaCapacity > 0 ? policy.perReplicaCapacity : NaN;

  if (policy.mode === 'static') {
    const r = clamp(cur || min, min, max);
    return { replicas: r, recommended: r, provisionedLoad: r * (capacity || 0), reason: 'Static', message: `static scaling: ${r} replicas` };
  }
  const load = policy.mode === 'predictive' && finite(obs.forecastPeak) ? Math.max(obs.forecastPeak, obs.current ?? 0) : obs.current;
  // A forecast without a current observation is stale by definition (it was made from telemetry
  // that has since gone missing): hold, as with no data at all.
  if (obs.telemetryDown || !finite(obs.current) || !finite(load) || !Number.isFinite(capacity)) {
    return {
      replicas: hold,
      recommended: hold,
      provisionedLoad: hold * (capacity || 0),
      reason: 'HoldNoTelemetry',
      message: `no valid load data: holding ${hold} replicas (never scaling down blind)`,
    };
  }
  if (obs.anomaly === 'Outage') {
    return {
      replicas: hold,
      recommended: hold,
      provisionedLoad: hold * capacity,
      reason: 'HoldOutage',
      message: `load ${obs.current.toFixed(1)} dropped to near zero against its forecast (suspected outage): holding ${hold} replicas`,
    };
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
  const basis = predictive ? `forecast peak ${load.toFixed(1)}` : `observed load ${load.toFixed(1)}`;
  const held = heldUntil !== undefined && target > recommended ? `, held until ${new Date(heldUntil).toISOString()}` : '';
  const message = `${basis} x${calib.toFixed(2)} +${policy.headroomPercent}% headroom needs ${raw} replicas of ${capacity}; ${cur} -> ${target} (${reason}${held})`;
  return { replicas: target, recommended, provisionedLoad: provisioned, reason, message, needed: raw, ...(held ? { heldUntil } : {}) };
}
