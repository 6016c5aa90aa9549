/**
 * Whether a slice's capacity is what its load and SLA need, and why not when it is not: the pure
 * checks behind the Degraded reasons CapacityShort and SLAExceedsCapacity and the ScalingLimited
 * condition.
 */
import type { ReasonMessage } from './conditions.js';
import { PAUSED_ANNOTATION } from './names.js';
import type { DecisionReason, ScalingDecision } from './scaling.js';
import type { CnfView, SliceView } from './slice-view.js';

/** Decisions whose replicas differ from what the policy recommends for the load. */
const LIMITING: ReadonlySet<DecisionReason> = new Set(['BoundedByMax', 'BoundedByMin', 'StepLimited', 'ScaleDownStabilized', 'Recommended', 'AwaitingApproval', 'ApprovalDenied', 'OutsideBudget']);

/**
 * What limits a CNF's replicas, in words that change only when the limit does (not with every
 * load figure), so a slice held at a limit does not rewrite its status every cycle.
 */
function limitOf(view: SliceView, c: CnfView, d: ScalingDecision): string {
  switch (d.reason) {
    case 'BoundedByMax':
      return `${c.name}: the load needs ${d.needed} replicas; maxReplicas is ${c.maxReplicas}`;
    case 'BoundedByMin':
      return `${c.name}: the load needs ${d.needed} replicas; minReplicas is ${c.minReplicas}`;
    case 'StepLimited':
      return `${c.name}: at most ${view.scaling.maxStep} replicas of change per ${view.scaling.stepPeriodMs / 1000} s; ${d.replicas} now, ${d.recommended} recommended`;
    case 'Recommended':
    case 'AwaitingApproval':
    case 'ApprovalDenied':
    case 'OutsideBudget':
      // approval.ts and budget.ts words these without load figures.
      return `${c.name}: ${d.message}`;
    default:
      return `${c.name}: scale-down to ${d.recommended} held at ${d.replicas}${d.heldUntil !== undefined ? ` until ${new Date(d.heldUntil).toISOString()}` : ''} (stabilisation window)`;
  }
}

/** Why the replicas are not what the load alone asks for: the first limited CNF's reason, every limited CNF's limit. */
export function scalingLimited(view: SliceView, decisions: Record<string, ScalingDecision>): ReasonMessage | undefined {
  if (view.paused) return { reason: 'Paused', message: `${PAUSED_ANNOTATION}=true: replicas and UPF sites are left as they are` };
  const limited = view.cnfs.filter((c) => LIMITING.has(decisions[c.name]!.reason));
  if (!limited.length) return undefined;
  return { reason: decisions[limited[0]!.name]!.reason, message: limited.map((c) => limitOf(view, c, decisions[c.name]!)).join('; ') };
}

/** CNFs whose replicas carry less than the observed load, with their numbers. */
export function capacityShort(view: SliceView, load: number | undefined, replicas: Record<string, number>, decisions: Record<string, ScalingDecision>): ReasonMessage | undefined {
  if (load === undefined || !Number.isFinite(load)) return undefined;
  const short = view.cnfs.flatMap((c) => {
    const n = replicas[c.name] ?? 0;
    if (n * c.sessionsPerReplica >= load) return [];
    const bound = decisions[c.name]?.reason === 'BoundedByMax' ? `; maxReplicas ${c.maxReplicas} carries at most ${c.maxReplicas * c.sessionsPerReplica}` : '';
    return [`${c.name}: load ${round(load)} exceeds the capacity of ${n} replicas (${n * c.sessionsPerReplica})${bound}`];
  });
  return short.length ? { reason: 'CapacityShort', message: short.join('; ') } : undefined;
}

/** The SLA's guaranteed throughput against what the UPF can forward at maxReplicas. */
export function slaExceedsCapacity(view: SliceView): ReasonMessage | undefined {
  const upf = view.cnfs.find((c) => c.type === 'upf');
  const guaranteed = Math.max(view.guaranteedMbps?.downlink ?? 0, view.guaranteedMbps?.uplink ?? 0);
  if (!upf?.throughputMbps || guaranteed <= 0) return undefined;
  const most = upf.maxReplicas * upf.throughputMbps;
  if (guaranteed <= most) return undefined;
  return { reason: 'SLAExceedsCapacity', message: `the SLA guarantees ${guaranteed} Mbps; ${upf.name} carries at most ${upf.maxReplicas} x ${upf.throughputMbps} = ${most} Mbps at maxReplicas` };
}

const round = (x: number): number => Math.round(x * 100) / 100;
