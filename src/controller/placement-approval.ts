/**
 * Human in the loop for moving a running UPF to other sites (approval.ts does the same for
 * replicas). Auto moves it. Recommend keeps it where it runs. Approve with
 * policy.approveReplacement keeps it where it runs and proposes a Replace SliceDecision, then
 * moves it once a person approved that very move (same target sites); a denied or expired move
 * is never made. Pure.
 */
import { expiredMarks, proposalName, type ApprovalPlan, type DecisionMark, type Proposal } from './approval.js';
import { isApprovedLive, isPending, type DecisionRecord } from './decision-record.js';
import type { PlacementDecision } from './placement.js';
import type { ReasonMessage } from './conditions.js';
import type { AutomationView } from './slice-view.js';

export interface GatedPlacement {
  placement?: PlacementDecision;
  /** Why the UPF is not moved, when it is held. */
  held?: ReasonMessage;
  propose?: Proposal;
  marks: DecisionMark[];
  pending?: string;
}

const sameSites = (a: string[] | undefined, b: string[] | undefined): boolean => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());

export interface PlacementGateInput {
  automation: AutomationView;
  slice: string;
  cnf: string;
  replicas: number;
  placement: PlacementDecision | undefined;
  /** Where the UPF runs now, if it runs. */
  running: string[] | undefined;
  records: DecisionRecord[];
  now: number;
  /** Why a voluntary move must wait whatever the mode: outside a disruption window, or the cap of moves at once reached. */
  disruption?: ReasonMessage;
  /** The anomaly the move repairs (the UPF leaves a site whose pods are unhealthy), for the decision. */
  repair?: { kind: string; message: string };
}

/** Gates a re-placement of the UPF by the slice's automation mode and policy. */
export function gatePlacement(i: PlacementGateInput): GatedPlacement {
  const { placement, running, automation, now } = i;
  const marks = automation.mode === 'Approve' ? expiredMarks(i.records, i.cnf, 'Replace', now) : [];
  const move = placement?.ok && running?.length && !sameSites(placement.sites, running) ? placement : undefined;
  const needsPerson = automation.mode === 'Recommend' || (automation.mode === 'Approve' && (automation.policy?.approveReplacement ?? true));
  if (!move || (!needsPerson && !i.disruption)) return { placement, marks };
  const keep = (message: string, reason: string): GatedPlacement => ({
    placement: { ok: true, sites: running!, skipped: move.skipped, message: `UPF kept on ${running!.join(', ')}` },
    held: { reason, message },
    marks,
  });
  if (i.disruption) return keep(i.disruption.message, i.disruption.reason);
  const to = move.sites.join(', ');
  if (automation.mode === 'Recommend') return keep(`recommends moving the UPF from ${running!.join(', ')} to ${to} (automation mode Recommend)`, 'Recommended');
  const mine = i.records.filter((r) => r.cnf === i.cnf && r.action === 'Replace');
  const approved = mine.find((r) => isApprovedLive(r, now) && sameSites(r.toSites, move.sites));
  if (approved) return { placement: move, marks: [...marks, { name: approved.name, type: 'Applied', message: `applied: UPF moved to ${to}` }] };
  const pending = mine.find((r) => isPending(r, now));
  if (pending) return { ...keep(`moving the UPF to ${(pending.toSites ?? []).join(', ')} waits for approval of SliceDecision ${pending.name}`, 'AwaitingApproval'), pending: pending.name };
  const denied = mine.find((r) => r.deniedAt !== undefined && sameSites(r.toSites, move.sites) && now <= r.expiresAt);
  if (denied) return keep(`moving the UPF to ${to} was denied in SliceDecision ${denied.name}`, 'ApprovalDenied');
  const name = proposalName(i.slice, i.cnf, `to-${move.sites.join('-')}`, mine, (r) => sameSites(r.toSites, move.sites));
  const expiresAt = now + (automation.policy?.expiryMs ?? 3_600_000);
  const propose: Proposal = {
    name,
    cnf: i.cnf,
    action: 'Replace',
    from: i.replicas,
    to: i.replicas,
    fromSites: running,
    toSites: move.sites,
    reason: i.repair ? i.repair.kind : 'UPFReplaced',
    ...(i.repair ? { anomaly: i.repair } : {}),
    needsApproval: ['approveReplacement: the UPF moves to other sites'],
    expiresAt,
  };
  return { ...keep(`moving the UPF to ${to} waits for approval of SliceDecision ${name}`, 'AwaitingApproval'), propose, pending: name };
}

/** Adds the placement gate to the plan's approvals. */
export function addPlacementGate(a: ApprovalPlan, cnf: string, g: GatedPlacement): void {
  if (g.propose) a.proposals.push(g.propose);
  a.marks.push(...g.marks);
  if (g.held) a.placementHeld = g.held;
  if (g.pending && !a.pending[cnf]) a.pending[cnf] = g.pending;
}
