/**
 * What the controller reads of a SliceDecision (src/api/slicedecision.ts): the proposed change,
 * its expiry, and the answer and outcome from its conditions. Pure.
 */
import { parseSliceDecision, type DecisionAction } from '../api/slicedecision.js';
import type { KubeObject } from '../runtime/informer.js';

export interface DecisionRecord {
  name: string;
  cnf: string;
  action: DecisionAction;
  from: number;
  to: number;
  toSites?: string[];
  fromImage?: string;
  toImage?: string;
  reason: string;
  expiresAt: number;
  /** When a person approved it (the Approved condition's transition time). */
  approvedAt?: number;
  deniedAt?: number;
  /** Who answered, from the condition's message, for explanations. */
  answer?: string;
  applied: boolean;
  expired: boolean;
}

type Cond = { type: string; status: string; message?: string; lastTransitionTime?: string };
const isTrue = (cs: Cond[], t: string): Cond | undefined => cs.find((c) => c.type === t && c.status === 'True');
const timeOf = (c: Cond | undefined): number | undefined => (c ? (c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0) : undefined);

/** The record of a SliceDecision object, or undefined when it is not one the operator can read. */
export function decisionRecord(obj: KubeObject): DecisionRecord | undefined {
  const p = parseSliceDecision(obj);
  if (!p.ok) return undefined;
  const { spec, metadata, status } = p.decision;
  const cs = (status?.conditions ?? []) as Cond[];
  const approved = isTrue(cs, 'Approved');
  const denied = isTrue(cs, 'Denied');
  const rec: DecisionRecord = {
    name: metadata.name,
    cnf: spec.cnf,
    action: spec.action,
    from: spec.fromReplicas,
    to: spec.toReplicas,
    reason: spec.reason,
    expiresAt: Date.parse(spec.expiresAt),
    applied: isTrue(cs, 'Applied') !== undefined,
    expired: isTrue(cs, 'Expired') !== undefined,
  };
  if (spec.toSites) rec.toSites = spec.toSites;
  if (spec.fromImage) rec.fromImage = spec.fromImage;
  if (spec.toImage) rec.toImage = spec.toImage;
  if (approved) rec.approvedAt = timeOf(approved);
  if (denied) rec.deniedAt = timeOf(denied);
  const answer = (approved ?? denied)?.message;
  if (answer) rec.answer = answer;
  return rec;
}

/** Not answered, not acted on, not past its expiry. */
export const isPending = (r: DecisionRecord, now: number): boolean => r.approvedAt === undefined && r.deniedAt === undefined && !r.applied && !r.expired && now <= r.expiresAt;

/** Approved, not applied yet, not past its expiry: to be applied now. */
export const isApprovedLive = (r: DecisionRecord, now: number): boolean => r.approvedAt !== undefined && r.deniedAt === undefined && !r.applied && !r.expired && now <= r.expiresAt;

/** Past its expiry without having been applied or denied, and not marked yet: the operator marks it Expired. */
export const isNewlyExpired = (r: DecisionRecord, now: number): boolean => !r.applied && !r.expired && r.deniedAt === undefined && now > r.expiresAt;
