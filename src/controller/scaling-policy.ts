/** A CNF's scaling policy as the slice's spec sets it: what decideReplicas is given for it. */
import type { ScalingPolicy } from './scaling.js';
import type { CnfView, SliceView } from './slice-view.js';

export function scalingPolicyOf(view: SliceView, cnf: CnfView): ScalingPolicy {
  return {
    mode: view.scaling.mode,
    minReplicas: cnf.minReplicas,
    maxReplicas: cnf.maxReplicas,
    perReplicaCapacity: cnf.sessionsPerReplica,
    headroomPercent: view.scaling.headroomPercent,
    maxStep: view.scaling.maxStep,
    stepPeriodMs: view.scaling.stepPeriodMs,
    scaleDownStabilizationMs: view.scaling.scaleDownStabilizationMs,
  };
}
