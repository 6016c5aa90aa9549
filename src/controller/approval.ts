/**
 * Human in the loop for one CNF's scaling decision, as a pure function of the slice's automation
 * (spec.automation), the decision the load asks for, and the slice's SliceDecisions as the API
 * server has them. Auto passes the decision through. Recommend keeps the replicas and publishes
 * what it would do. Approve applies a change inside the policy at once; outside it, it holds the
 * replicas and proposes a SliceDecision (one pending per CNF, with a name derived from the API
 * state so a restart or a second worker never proposes the same change twice), applies it once
 * approved, and never applies one denied or expired. All state lives in the SliceDecisions.
 */
import { childName } from './names.js';
import { isApprovedLive, isNewlyExpired, isPending, type DecisionRecord } from './decision-record.js';
import type { ScalingDecision } from './scaling.js';
import type { AutomationView } from './slice-view.js';
import type { DecisionAction } from '../api/slicedecision.js';

/** A SliceDecision to create: the change, and why it needs a person. */
export interface Proposal {
  name: string;
  cnf: string;
  action: DecisionAction;
  from: number;
  to: number;
  fromSites?: string[];
  toSites?: string[];
  /** Rollback: the failing image and the last healthy one. */
  fromImage?: string;
  toImage?: string;
  /** The anomaly a repair answers, with its evidence (Anomalous condition's reason and message). */
  anomaly?: { kind: string; message: string };
  reason: string;
  needsApproval: string[];
  expiresAt: number;
}

/** An outcome the operator records on a SliceDecision's status. */
export interface DecisionMark {
  name: string;
  type: 'Applied' | 'Expired';
  message: string;
}

export interface Gated {
  /** The decision to act on: the load's, an approved one, or a hold. */
  decision: ScalingDecision;
  /** What the operator would do and does not (Recommend), or holds for approval (Approve). */
  recommendation?: ScalingDecision;
  /** The pending SliceDecision for this CNF. */
  pending?: string;
  /** The approved SliceDecision applied by this decision. */
  approved?: string;
  propose?: Proposal;
  marks: DecisionMark[];
}

/** Which rules of the policy a change from `from` to `to` replicas is outside of. */
export function outsidePolicy(policy: NonNullable<AutomationView['policy']>, from: number, to: number): string[] {
  const out: string[] = [];
  const step = Math.abs(to - from);
  if (policy.maxStepReplicas !== undefined && step > policy.maxStepReplicas) out.push(`step of ${step} replicas exceeds maxStepReplicas ${policy.maxStepReplicas}`);
  if (policy.maxStepPercent !== undefined && step * 100 > policy.maxStepPercent * Math.max(from, 1)) {
    out.push(`step of ${Math.round((step * 100) / Math.max(from, 1))} % exceeds maxStepPercent ${policy.maxStepPercent}`);
  }
  if (policy.scaleDownFloor !== undefined && to < from && to < policy.scaleDownFloor) out.push(`scale-down to ${to} is below scaleDownFloor ${policy.scaleDownFloor}`);
  return out;
}

/**
 * The name of the next proposal of a change: the slice, CNF and change, and how many decisions
 * of the same change the slice already has (all answered or expired, or there would be no new
 * proposal). The same API state gives the same name, so a duplicate create fails with 409.
 */
export function proposalName(slice: string, cnf: string, what: string, records: DecisionRecord[], same: (r: DecisionRecord) => boolean): string {
  return childName(slice, cnf, what, String(records.filter(same).length));
}

const hold = (dec: ScalingDecision, from: number, reason: ScalingDecision['reason'], message: string): ScalingDecision => ({
  ...dec,
  replicas: from,
  reason,
  message,
});

/** Expired decisions of this CNF and action that the operator has not marked yet. */
export function expiredMarks(records: DecisionRecord[], cnf: string, action: DecisionRecord['action'], now: number): DecisionMark[] {
  return records
    .filter((r) => r.cnf === cnf && r.action === action && isNewlyExpired(r, now))
    .map((r) => ({ name: r.name, type: 'Expired' as const, message: `not approved before ${new Date(r.expiresAt).toISOString()}; never applied` }));
}

export interface GateInput {
  automation: AutomationView;
  slice: string;
  cnf: string;
  minReplicas: number;
  maxReplicas: number;
  /** Replicas the CNF has now (the operator's last decision). */
  from: number;
  dec: ScalingDecision;
  records: DecisionRecord[];
  now: number;
}

/** Gates one CNF's scaling decision by the slice's automation mode and policy. */
export function gateScaling(i: GateInput): Gated {
  const { automation, dec, from, now } = i;
  if (automation.mode === 'Auto') return { decision: dec, marks: [] };
  if (automation.mode === 'Recommend') {
    if (dec.replicas === from) return { decision: dec, recommendation: dec, marks: [] };
    const kept = hold(dec, from, 'Recommended', `recommends ${dec.replicas} replicas, keeps ${from} (automation mode Recommend)`);
    return { decision: kept, recommendation: dec, marks: [] };
  }
  const policy = automation.policy ?? { approveReplacement: true, expiryMs: 3_600_000 };
  const mine = i.records.filter((r) => r.cnf === i.cnf && r.action === 'Scale');
  const marks = expiredMarks(i.records, i.cnf, 'Scale', now);
  const approved = mine.find((r) => isApprovedLive(r, now));
  if (approved) {
    const to = Math.min(i.maxReplicas, Math.max(i.minReplicas, approved.to));
    const message = `approved in SliceDecision ${approved.name}${approved.answer ? ` (${approved.answer})` : ''}: ${from} -> ${to}`;
    marks.push({ name: approved.name, type: 'Applied', message: `applied: ${i.cnf} ${from} -> ${to}` });
    return { decision: { ...dec, replicas: to, reason: 'Approved', message }, approved: approved.name, marks };
  }
  const needs = dec.replicas === from ? [] : outsidePolicy(policy, from, dec.replicas);
  if (!needs.length) return { decision: dec, marks };
  const pending = mine.find((r) => isPending(r, now));
  if (pending) {
    const msg = `${from} -> ${pending.to} waits for approval of SliceDecision ${pending.name} (expires ${new Date(pending.expiresAt).toISOString()})`;
    return { decision: hold(dec, from, 'AwaitingApproval', msg), recommendation: dec, pending: pending.name, marks };
  }
  const denied = mine.find((r) => r.deniedAt !== undefined && r.from === from && r.to === dec.replicas && now <= r.expiresAt);
  if (denied) {
    const msg = `${from} -> ${dec.replicas} was denied in SliceDecision ${denied.name}${denied.answer ? ` (${denied.answer})` : ''}; holding ${from} until ${new Date(denied.expiresAt).toISOString()}`;
    return { decision: hold(dec, from, 'ApprovalDenied', msg), recommendation: dec, marks };
  }
  const same = (r: DecisionRecord) => r.from === from && r.to === dec.replicas;
  const name = proposalName(i.slice, i.cnf, `${from}to${dec.replicas}`, mine, same);
  const propose: Proposal = { name, cnf: i.cnf, action: 'Scale', from, to: dec.replicas, reason: dec.reason, needsApproval: needs, expiresAt: now + policy.expiryMs };
  const msg = `${from} -> ${dec.replicas} waits for approval of SliceDecision ${name} (expires ${new Date(propose.expiresAt).toISOString()})`;
  return { decision: hold(dec, from, 'AwaitingApproval', msg), recommendation: dec, pending: name, propose, marks };
}

/** Everything the gates of one reconcile decided, for the reconciler to write and status to show. */
export interface ApprovalPlan {
  proposals: Proposal[];
  marks: DecisionMark[];
  /** Per CNF: what the operator would do and does not. */
  recommendations: Record<string, ScalingDecision>;
  /** Per CNF: the SliceDecision waiting for a person. */
  pending: Record<string, string>;
  /** Per CNF: the approved SliceDecision applied now. */
  approved: Record<string, string>;
  /** Why the UPF is kept where it runs, when a move waits for a person. */
  placementHeld?: { reason: string; message: string };
}

export const emptyApproval = (): ApprovalPlan => ({ proposals: [], marks: [], recommendations: {}, pending: {}, approved: {} });

/** Adds one CNF's gate to the plan's approvals. */
export function collectGate(a: ApprovalPlan, cnf: string, g: Gated): void {
  if (g.propose) a.proposals.push(g.propose);
  a.marks.push(...g.marks);
  if (g.recommendation) a.recommendations[cnf] = g.recommendation;
  if (g.pending) a.pending[cnf] = g.pending;
  if (g.approved) a.approved[cnf] = g.approved;
}
