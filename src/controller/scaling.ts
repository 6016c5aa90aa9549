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
  /** Largest change in replicas per decision. */
  maxStep: number;
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
}

export interface Recommendation {
  at: number;
  replicas: number;
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
  | 'BoundedByMax'
  | 'BoundedByMin';

export interface ScalingDecision {
  replicas: number;
  /** What the policy wanted before stabilisation and step limits. */
  recommended: number;
  /** Load the decision provisions for (after headroom), in load units. */
  provisionedLoad: number;
  reason: DecisionReason;
  message: string;
}

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export function decideReplicas(
  policy: ScalingPolicy,
  current: number,
  obs: LoadObservation,
  history: Recommendation[],
  now: number,
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
  const calib = finite(obs.calibration) && obs.calibration > 0 ? obs.calibration : 1;
  const provisioned = load * calib * (1 + Math.max(0, policy.headroomPercent) / 100);
  const raw = Math.ceil(provisioned / capacity - 1e-9);
  const recommended = clamp(raw, min, max);
  const predictive = policy.mode === 'predictive' && finite(obs.forecastPeak);

  // Scale-down stabilisation: never go below the highest recommendation in the window.
  const windowStart = now - policy.scaleDownStabilizationMs;
  const recent = history.filter((h) => h.at >= windowStart).map((h) => h.replicas);
  let target = recommended;
  let reason: DecisionReason;
  if (recommended < cur) {
    const stabilized = Math.max(recommended, ...recent.filter((r) => r <= cur));
    target = Math.min(cur, stabilized);
    reason = target > recommended ? 'ScaleDownStabilized' : predictive ? 'ForecastScaleDown' : 'ReactiveScaleDown';
  } else if (recommended > cur) {
    reason = predictive ? 'ForecastScaleUp' : 'ReactiveScaleUp';
  } else {
    reason = 'Steady';
  }
  const step = Math.max(1, Math.floor(policy.maxStep) || 1);
  if (Math.abs(target - cur) > step) {
    target = cur + Math.sign(target - cur) * step;
    if (reason !== 'ScaleDownStabilized') reason = 'StepLimited';
  }
  target = clamp(target, min, max);
  if (raw > max && target === max && reason !== 'StepLimited') reason = 'BoundedByMax';
  if (raw < min && target === min && cur === min) reason = 'BoundedByMin';
  const basis = predictive ? `forecast peak ${load.toFixed(1)}` : `observed load ${load.toFixed(1)}`;
  const message = `${basis} x${calib.toFixed(2)} +${policy.headroomPercent}% headroom needs ${raw} replicas of ${capacity}; ${cur} -> ${target} (${reason})`;
  return { replicas: target, recommended, provisionedLoad: provisioned, reason, message };
}
