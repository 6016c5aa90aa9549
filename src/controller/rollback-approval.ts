/**
 * Human in the loop for rolling a CNF back to its last healthy image (rollback.ts), as
 * approval.ts does for replicas and placement-approval.ts for moves. Auto rolls back at once.
 * Recommend keeps the failing image and says what it would do. Approve keeps the failing image and
 * proposes a Rollback SliceDecision carrying the pods' evidence, rolls back once a person approved
 * that very rollback (same failing and healthy images), and never for one denied or expired. Pure.
 */
import { expiredMarks, proposalName, type DecisionMark, type Proposal } from './approval.js';
import type { ReasonMessage } from './conditions.js';
import { isApprovedLive, isPending, type DecisionRecord } from './decision-record.js';
import type { AutomationView } from './slice-view.js';

export interface RollbackGateInput {
  automation: AutomationView;
  slice: string;
  cnf: string;
  /** The image whose pods cannot start, and the one to go back to. */
  failedImage: string;
  healthyImage: string;
  /** What the pods say (the kubelet's reason and message), for the decision's evidence. */
  evidence: string;
  /** The CNF's replicas (a rollback does not change them; the decision shows them). */
  replicas: number;
  records: DecisionRecord[];
  now: number;
}

export interface GatedRollback {
  /** Roll back now: Auto, or approved. */
  act: boolean;
  /** The approved SliceDecision this rollback applies. */
  approved?: string;
  /** Why the failing image is kept, when it is. */
  held?: ReasonMessage;
  propose?: Proposal;
  pending?: string;
  marks: DecisionMark[];
}

/** Expired Rollback decisions of the CNF not marked yet (Approve mode, whatever its pods do now). */
export const expiredRollbacks = (automation: AutomationView, records: DecisionRecord[], cnf: string, now: number): DecisionMark[] =>
  automation.mode === 'Approve' ? expiredMarks(records, cnf, 'Rollback', now) : [];

/** Gates a rollback the CNF's pods ask for by the slice's automation mode. */
export function gateRollback(i: RollbackGateInput): GatedRollback {
  const { automation, now, failedImage, healthyImage } = i;
  if (automation.mode === 'Auto') return { act: true, marks: [] };
  const what = `rolling ${i.cnf} back from ${failedImage} to ${healthyImage}`;
  if (automation.mode === 'Recommend') return { act: false, held: { reason: 'Recommended', message: `recommends ${what} (automation mode Recommend)` }, marks: [] };
  const same = (r: DecisionRecord) => r.fromImage === failedImage && r.toImage === healthyImage;
  const mine = i.records.filter((r) => r.cnf === i.cnf && r.action === 'Rollback');
  const approved = mine.find((r) => same(r) && isApprovedLive(r, now));
  if (approved) return { act: true, approved: approved.name, marks: [{ name: approved.name, type: 'Applied', message: `applied: ${i.cnf} rolled back from ${failedImage} to ${healthyImage}` }] };
  const pending = mine.find((r) => same(r) && isPending(r, now));
  if (pending) return { act: false, held: { reason: 'AwaitingApproval', message: `${what} waits for approval of SliceDecision ${pending.name}` }, pending: pending.name, marks: [] };
  const denied = mine.find((r) => same(r) && r.deniedAt !== undefined && now <= r.expiresAt);
  if (denied) return { act: false, held: { reason: 'ApprovalDenied', message: `${what} was denied in SliceDecision ${denied.name}${denied.answer ? ` (${denied.answer})` : ''}` }, marks: [] };
  // Numbered by all the CNF's rollback decisions: a later failing image never reuses a name.
  const name = proposalName(i.slice, i.cnf, 'rollback', mine, () => true);
  const propose: Proposal = {
    name,
    cnf: i.cnf,
    action: 'Rollback',
    from: i.replicas,
    to: i.replicas,
    fromImage: failedImage,
    toImage: healthyImage,
    anomaly: { kind: 'CNFFailing', message: `${i.cnf}: pods of ${failedImage} cannot start (${i.evidence})` },
    reason: 'RolledBack',
    needsApproval: ['automation mode Approve: a rollback changes the CNF\'s image'],
    expiresAt: now + (automation.policy?.expiryMs ?? 3_600_000),
  };
  return { act: false, held: { reason: 'AwaitingApproval', message: `${what} waits for approval of SliceDecision ${name}` }, propose, pending: name, marks: [] };
}
