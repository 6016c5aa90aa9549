/**
 * The two policies a what-if compares for one NetworkSlice: the operator's own scaling (the
 * UPF's bounds and capacity, the slice's scaling spec, as the reconciler passes them to the
 * decision), and the KEDA ScaledObject a platform team would write instead: the same UPF
 * Deployment and bounds, a Prometheus trigger on the slice's load query whose threshold is the
 * load one replica serves times a target utilisation, and the HPA defaults.
 */
import type { ScalingPolicy } from '../controller/scaling.js';
import { scalingPolicyOf } from '../controller/scaling-policy.js';
import type { CnfView, SliceView } from '../controller/slice-view.js';
import { HPA_DEFAULTS, type HpaBehavior, type HpaConfig } from './hpa-model.js';

export interface HpaChoice {
  /** Share of a replica's capacity the HPA aims at (threshold = utilisation x capacity). */
  targetUtilization: number;
  syncPeriodSeconds?: number;
  tolerance?: number;
  downscaleStabilizationSeconds?: number;
  pollingIntervalSeconds?: number;
  useCachedMetrics?: boolean;
  behavior?: HpaBehavior;
}

/** The CNF whose capacity carries the slice's load: the UPF, else the first. */
export function scaledCnf(view: SliceView): CnfView {
  return view.cnfs.find((c) => c.type === 'upf') ?? view.cnfs[0]!;
}

export function operatorPolicy(view: SliceView): ScalingPolicy {
  return scalingPolicyOf(view, scaledCnf(view));
}

export function hpaConfig(view: SliceView, c: HpaChoice): HpaConfig {
  const cnf = scaledCnf(view);
  if (!(c.targetUtilization > 0 && c.targetUtilization <= 1)) throw new RangeError(`HPA target utilisation must be in (0, 1], got ${c.targetUtilization}`);
  return {
    minReplicas: Math.max(1, cnf.minReplicas),
    maxReplicas: cnf.maxReplicas,
    targetAverageValue: cnf.sessionsPerReplica * c.targetUtilization,
    tolerance: c.tolerance ?? HPA_DEFAULTS.tolerance,
    syncPeriodSeconds: c.syncPeriodSeconds ?? HPA_DEFAULTS.syncPeriodSeconds,
    downscaleStabilizationSeconds: c.downscaleStabilizationSeconds ?? HPA_DEFAULTS.downscaleStabilizationSeconds,
    pollingIntervalSeconds: c.pollingIntervalSeconds ?? HPA_DEFAULTS.pollingIntervalSeconds,
    useCachedMetrics: c.useCachedMetrics ?? HPA_DEFAULTS.useCachedMetrics,
    ...(c.behavior ? { behavior: c.behavior } : {}),
  };
}
