/**
 * An exact model of what kube-controller-manager's HorizontalPodAutoscaler controller does with
 * one HPA that KEDA made for a ScaledObject with one Prometheus trigger (an External metric with
 * an AverageValue target), one sync at a time. It follows Kubernetes v1.34.4
 * (k8s.io/kubernetes pkg/controller/podautoscaler, read from the module the rig builds):
 * - horizontal.go reconcileAutoscaler: currentReplicas is the scale's spec.replicas; below min or
 *   above max it is set to the bound without looking at metrics; otherwise the metric proposal is
 *   normalised by normalizeDesiredReplicas (HPA without `behavior`, KEDA's default) or
 *   normalizeDesiredReplicasWithBehaviors; a changed count is written and, with behaviour, stored
 *   as a scale event (storeScaleEvent).
 * - replica_calculator.go GetExternalPerPodMetricReplicas: usageRatio = usage / (target *
 *   status.replicas); inside the tolerance (default 0.1, `--horizontal-pod-autoscaler-tolerance`)
 *   the count stays, else ceil(usage / target), all in milli-units (Quantity.MilliValue rounds up).
 * - stabilizeRecommendation (no behaviour): the highest recommendation not older than
 *   `--horizontal-pod-autoscaler-downscale-stabilization` (5 min), this one included; then
 *   convertDesiredReplicasWithRules: at most max(2 x current, 4), within [min, max].
 * - stabilizeRecommendationWithBehaviors / convertDesiredReplicasWithBehaviorRate /
 *   calculateScale{Up,Down}Limit*: stabilisation windows (strictly newer than the cutoff) and
 *   policies counted from the replicas at the start of each policy's period.
 * - pkg/apis/autoscaling/v2/defaults.go: a `behavior` given in part is completed with scaleUp
 *   {window 0, Max of Pods 4 / 15 s and Percent 100 / 15 s} and scaleDown {window = the
 *   controller's 5 min flag, Max of Percent 100 / 15 s}.
 * KEDA v2.21.0 (pkg/scalers/prometheus_scaler.go, scaler.go): the trigger's threshold is the
 * AverageValue target; the metric is the query's value. pkg/scaling/scale_handler.go: the HPA's
 * request queries Prometheus afresh unless the trigger sets useCachedMetrics, in which case it
 * gets the value of KEDA's last poll (every pollingInterval, default 30 s).
 * Pure: time is an argument (seconds); the state is the controller's in-memory maps of one HPA.
 */

export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

export interface ScalingPolicyRule {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: SelectPolicy;
  policies?: ScalingPolicyRule[];
}

export interface HpaBehavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

export interface HpaConfig {
  minReplicas: number;
  maxReplicas: number;
  /** The trigger's threshold: load one replica should carry (the AverageValue target). */
  targetAverageValue: number;
  /** `--horizontal-pod-autoscaler-tolerance`, default 0.1. */
  tolerance: number;
  /** `--horizontal-pod-autoscaler-sync-period`, default 15 s. */
  syncPeriodSeconds: number;
  /** `--horizontal-pod-autoscaler-downscale-stabilization`, default 300 s. */
  downscaleStabilizationSeconds: number;
  /** The ScaledObject's advanced.horizontalPodAutoscalerConfig.behavior; undefined: none (KEDA's default). */
  behavior?: HpaBehavior;
  /** KEDA's pollingInterval, default 30 s; it matters to the HPA only with useCachedMetrics. */
  pollingIntervalSeconds: number;
  useCachedMetrics: boolean;
}

export const HPA_DEFAULTS = {
  tolerance: 0.1,
  syncPeriodSeconds: 15,
  downscaleStabilizationSeconds: 300,
  pollingIntervalSeconds: 30,
  useCachedMetrics: false,
} as const;

/** Rules with every field set, as the API server's defaulting leaves a given behaviour. */
export interface FullRules {
  stabilizationWindowSeconds: number;
  selectPolicy: SelectPolicy;
  policies: ScalingPolicyRule[];
}

export const DEFAULT_SCALE_UP: FullRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

/** The scale-down window defaults to the controller's flag (maybeInitScaleDownStabilizationWindow). */
export const defaultScaleDown = (windowSeconds: number): FullRules => ({
  stabilizationWindowSeconds: windowSeconds,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
});

/** copyHPAScalingRules: each field given wins over the default. */
function complete(given: ScalingRules | undefined, def: FullRules): FullRules {
  return {
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? def.stabilizationWindowSeconds,
    selectPolicy: given?.selectPolicy ?? def.selectPolicy,
    policies: given?.policies ?? def.policies,
  };
}

/**
 * Timestamped recommendations, as two parallel arrays (a replay syncs every HPA every period).
 * Without behaviour they are kept as a monotonic deque from `head` (times ascending,
 * recommendations descending), see stabilizeLegacy; with behaviour as the controller's list.
 */
interface Recs {
  rec: number[];
  t: number[];
  head: number;
}
interface ScaleEvent {
  change: number;
  t: number;
  outdated: boolean;
}

/** The controller's memory of one HPA, and the target's replicas. */
export interface HpaState {
  /** The target's spec.replicas (what the HPA reads and writes). */
  replicas: number;
  recommendations: Recs | undefined;
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export function newHpaState(replicas: number): HpaState {
  return { replicas, recommendations: undefined, scaleUpEvents: [], scaleDownEvents: [] };
}

/** Quantity.MilliValue(): milli-units rounded up; the value is first cut to 6 decimals as KEDA formats it. */
export const milli = (x: number): number => (Number.isFinite(x) && x > 0 ? Math.ceil(Math.round(x * 1e6) / 1e3) : 0);

/** GetExternalPerPodMetricReplicas. */
export function metricProposal(cfg: HpaConfig, statusReplicas: number, usage: number): number {
  const u = milli(usage);
  const target = milli(cfg.targetAverageValue);
  const ratio = u / (target * statusReplicas);
  if (1 - cfg.tolerance <= ratio && ratio <= 1 + cfg.tolerance) return statusReplicas;
  return Math.ceil(u / target);
}

/**
 * Legacy stabilizeRecommendation: the highest of this recommendation and those not older than
 * the window. The controller keeps a list whose stale slots it reuses; stale entries never
 * count, so the same maximum comes from a monotonic deque: expired entries leave the front, and
 * a new recommendation drops the older ones it is at least as high as (they expire first).
 */
function stabilizeLegacy(s: HpaState, windowS: number, desired: number, now: number): number {
  const d = (s.recommendations ??= { rec: [], t: [], head: 0 });
  const cutoff = now - windowS;
  while (d.head < d.t.length && d.t[d.head]! < cutoff) d.head++;
  const max = d.head < d.rec.length ? Math.max(desired, d.rec[d.head]!) : desired;
  while (d.rec.length > d.head && d.rec[d.rec.length - 1]! <= desired) {
    d.rec.pop();
    d.t.pop();
  }
  d.rec.push(desired);
  d.t.push(now);
  if (d.head > 64) {
    d.rec.splice(0, d.head);
    d.t.splice(0, d.head);
    d.head = 0;
  }
  return max;
}

/** Stores a recommendation in the slot of an old one, else appends it. */
function record(r: Recs, old: number, desired: number, now: number): void {
  if (old >= 0) {
    r.rec[old] = desired;
    r.t[old] = now;
  } else {
    r.rec.push(desired);
    r.t.push(now);
  }
}

/** convertDesiredReplicasWithRules. */
function convertLegacy(current: number, desired: number, min: number, max: number): number {
  const upLimit = Math.trunc(Math.max(2 * current, 4));
  const maxAllowed = max > upLimit ? upLimit : max;
  if (desired < min) return min;
  return desired > maxAllowed ? maxAllowed : desired;
}

/** stabilizeRecommendationWithBehaviors. */
function stabilizeWithBehaviors(s: HpaState, up: FullRules, down: FullRules, current: number, desired: number, now: number): number {
  const recs = (s.recommendations ??= { rec: [], t: [], head: 0 });
  const upCutoff = now - up.stabilizationWindowSeconds;
  const downCutoff = now - down.stabilizationWindowSeconds;
  let upRec = desired;
  let downRec = desired;
  let old = -1;
  for (let i = 0; i < recs.rec.length; i++) {
    const r = recs.rec[i]!;
    const t = recs.t[i]!;
    if (t > upCutoff) upRec = Math.min(r, upRec);
    if (t > downCutoff) downRec = Math.max(r, downRec);
    if (t < upCutoff && t < downCutoff) old = i;
  }
  let rec = current;
  if (rec < upRec) rec = upRec;
  if (rec > downRec) rec = downRec;
  record(recs, old, desired, now);
  return rec;
}

/** getReplicasChangePerPeriod: changes strictly newer than now - period. */
function changeInPeriod(periodS: number, events: ScaleEvent[], now: number): number {
  let n = 0;
  for (const e of events) if (e.t > now - periodS) n += e.change;
  return n;
}

/** calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors. */
function rateLimit(dir: 'up' | 'down', current: number, s: HpaState, rules: FullRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = (dir === 'up') === (rules.selectPolicy === 'Min');
  let result = pickMin ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(p.periodSeconds, s.scaleUpEvents, now) + changeInPeriod(p.periodSeconds, s.scaleDownEvents, now);
    let proposed: number;
    if (dir === 'up') proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    else proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** convertDesiredReplicasWithBehaviorRate. */
function convertWithBehaviors(s: HpaState, up: FullRules, down: FullRules, cfg: HpaConfig, current: number, desired: number, now: number): number {
  if (desired > current) {
    const limit = Math.max(rateLimit('up', current, s, up, now), current);
    const maxAllowed = Math.min(cfg.maxReplicas, limit);
    return desired > maxAllowed ? maxAllowed : desired;
  }
  if (desired < current) {
    const limit = Math.min(rateLimit('down', current, s, down, now), current);
    const minAllowed = Math.max(cfg.minReplicas, limit);
    return desired < minAllowed ? minAllowed : desired;
  }
  return desired;
}

/** storeScaleEvent: reuses the last event older than the longest policy period of its direction. */
function storeScaleEvent(s: HpaState, rules: FullRules, events: ScaleEvent[], change: number, now: number): void {
  const longest = rules.policies.reduce((m, p) => Math.max(m, p.periodSeconds), 0);
  let old = -1;
  for (let i = 0; i < events.length; i++) {
    if (events[i]!.t < now - longest) events[i]!.outdated = true;
    if (events[i]!.outdated) old = i;
  }
  const e = { change, t: now, outdated: false };
  if (old >= 0) events[old] = e;
  else events.push(e);
}

/**
 * One sync of the HPA at `now` (seconds): `usage` is the metric value it gets (see metricAt),
 * `statusReplicas` the target's status.replicas (pods that exist, Ready or not). Returns the
 * new spec.replicas and updates the state.
 */
export function hpaSync(cfg: HpaConfig, s: HpaState, now: number, usage: number, statusReplicas = s.replicas): number {
  const current = s.replicas;
  // recordInitialRecommendation: the first sync remembers the current count.
  if (!s.recommendations) s.recommendations = { rec: [current], t: [now], head: 0 };
  let desired: number;
  if (current === 0 && cfg.minReplicas !== 0) return current; // scaling disabled at zero
  if (current > cfg.maxReplicas) desired = cfg.maxReplicas;
  else if (current < cfg.minReplicas) desired = cfg.minReplicas;
  else {
    const proposal = metricProposal(cfg, statusReplicas, usage);
    if (!cfg.behavior) {
      desired = convertLegacy(current, stabilizeLegacy(s, cfg.downscaleStabilizationSeconds, proposal, now), cfg.minReplicas, cfg.maxReplicas);
    } else {
      const up = complete(cfg.behavior.scaleUp, DEFAULT_SCALE_UP);
      const down = complete(cfg.behavior.scaleDown, defaultScaleDown(cfg.downscaleStabilizationSeconds));
      const stabilized = stabilizeWithBehaviors(s, up, down, current, proposal, now);
      desired = convertWithBehaviors(s, up, down, cfg, current, stabilized, now);
    }
  }
  if (desired !== current) {
    if (cfg.behavior) {
      const up = desired > current;
      const rules = up ? complete(cfg.behavior.scaleUp, DEFAULT_SCALE_UP) : complete(cfg.behavior.scaleDown, defaultScaleDown(cfg.downscaleStabilizationSeconds));
      storeScaleEvent(s, rules, up ? s.scaleUpEvents : s.scaleDownEvents, Math.abs(desired - current), now);
    }
    s.replicas = desired;
  }
  return s.replicas;
}

/**
 * The metric value the HPA gets at a sync at `now`: Prometheus answers with the last scrape
 * (every scrapeIntervalSeconds, the series' value at that instant); with useCachedMetrics, KEDA
 * answers with what its last poll (every pollingIntervalSeconds) read that way.
 */
export function metricAt(cfg: HpaConfig, scrapeIntervalSeconds: number, now: number, load: (t: number) => number): number {
  const asOf = cfg.useCachedMetrics ? Math.floor(now / cfg.pollingIntervalSeconds) * cfg.pollingIntervalSeconds : now;
  const scraped = scrapeIntervalSeconds > 0 ? Math.floor(asOf / scrapeIntervalSeconds) * scrapeIntervalSeconds : asOf;
  return load(scraped);
}
