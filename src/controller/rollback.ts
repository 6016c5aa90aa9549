/**
 * Rolling a CNF back to its last healthy image: a CNF whose pods cannot start (crash loop, image
 * pull) right after its image changed runs the image it last ran healthy on, until the slice's
 * spec changes again (a new generation is tried as written). The last healthy image is the one
 * the CNF's Deployment had rolled out with every pod ready; it and an active rollback are kept in
 * status, so a restart neither loses nor repeats them. In automation modes Recommend and Approve
 * the rollback waits for a person (rollback-approval.ts). Pure.
 */
import type { ApprovalPlan } from './approval.js';
import type { ReasonMessage } from './conditions.js';
import type { DecisionRecord } from './decision-record.js';
import type { CnfPods } from './pod-health.js';
import { expiredRollbacks, gateRollback, type GatedRollback } from './rollback-approval.js';
import type { Rollout } from './rollout.js';
import type { CnfView, SliceView } from './slice-view.js';

/** A rollback in force: for which generation of the slice, to which image, from which. */
export interface RollbackStatus {
  generation: number;
  image: string;
  failedImage: string;
  reason: string;
}

/** How long an image must run with every pod ready before it counts as healthy. */
export const HEALTHY_AFTER_MS = 60_000;

export interface CnfHealthMemory {
  /** The image the CNF last ran with every pod ready for HEALTHY_AFTER_MS. */
  healthyImage?: string;
  /** An image running with every pod ready since `sinceMs`, not yet long enough (memory only). */
  candidate?: { image: string; sinceMs: number };
  rollback?: RollbackStatus;
}

export interface RollbackPlan {
  /** The image each CNF's Deployment gets (its spec's, or the healthy one while rolled back). */
  images: Record<string, string>;
  /** What to remember per CNF. */
  health: Record<string, CnfHealthMemory>;
  /** Rollbacks started by this reconcile (for the event). */
  started: { cnf: string; rollback: RollbackStatus; message: string }[];
  /** The Degraded reason while any CNF is rolled back. */
  degraded?: ReasonMessage;
  /** Per CNF: the rollback its pods ask for and the automation mode holds back (Recommend, Approve). */
  held: Record<string, ReasonMessage>;
  /** Per CNF: what the automation gate decided (proposal, pending and approved decisions, marks). */
  gates: Record<string, Pick<GatedRollback, 'propose' | 'pending' | 'approved' | 'marks'>>;
}

/** What the rollback gate needs besides the pods: the slice's SliceDecisions and each CNF's replicas. */
export interface RollbackContext {
  records: DecisionRecord[];
  replicas: Record<string, number>;
}

/** The healthy image after this reconcile, and a candidate still proving itself. */
function healthAfter(cnf: CnfView, healthy: string | undefined, candidate: CnfHealthMemory['candidate'], allReady: boolean, now: number): CnfHealthMemory {
  if (!allReady || cnf.image === healthy) return { healthyImage: healthy };
  const since = candidate?.image === cnf.image ? candidate.sinceMs : now;
  return now - since >= HEALTHY_AFTER_MS ? { healthyImage: cnf.image } : { healthyImage: healthy, candidate: { image: cnf.image, sinceMs: since } };
}

interface Decided {
  image: string;
  health: CnfHealthMemory;
  started?: RollbackStatus;
  gate?: GatedRollback;
}

function decide(view: SliceView, cnf: CnfView, mem: CnfHealthMemory | undefined, pods: CnfPods | undefined, rollout: Rollout, ctx: RollbackContext, now: number): Decided {
  const healthy = mem?.healthyImage;
  // A rollback holds for the generation it was made for; an edited spec is tried as written.
  if (mem?.rollback && mem.rollback.generation === view.generation) return { image: mem.rollback.image, health: { healthyImage: healthy, rollback: mem.rollback } };
  if (pods?.failing && healthy !== undefined && healthy !== cnf.image) {
    const evidence = `${pods.failing.reason}${pods.failing.message ? `: ${pods.failing.message}` : ''}`;
    const gate = gateRollback({ automation: view.automation, slice: view.name, cnf: cnf.name, failedImage: cnf.image, healthyImage: healthy, evidence, replicas: ctx.replicas[cnf.name] ?? cnf.minReplicas, records: ctx.records, now });
    if (!gate.act) return { image: cnf.image, health: { healthyImage: healthy }, gate };
    const reason = gate.approved ? `${evidence}; approved in SliceDecision ${gate.approved}` : evidence;
    const rollback = { generation: view.generation, image: healthy, failedImage: cnf.image, reason };
    return { image: healthy, health: { healthyImage: healthy, rollback }, started: rollback, gate };
  }
  const allReady = rollout.done && pods !== undefined && pods.total > 0 && pods.ready === pods.total && !pods.failing;
  return { image: cnf.image, health: healthAfter(cnf, healthy, mem?.candidate, allReady, now) };
}

/** Images and rollbacks of every CNF, from its pods, its rollout and what was remembered. */
export function planRollbacks(
  view: SliceView,
  mem: Record<string, CnfHealthMemory | undefined>,
  pods: Record<string, CnfPods>,
  rollouts: Record<string, Rollout>,
  now: number,
  ctx: RollbackContext = { records: [], replicas: {} },
): RollbackPlan {
  const out: RollbackPlan = { images: {}, health: {}, started: [], held: {}, gates: {} };
  const active: string[] = [];
  for (const c of view.cnfs) {
    const d = decide(view, c, mem[c.name], pods[c.name], rollouts[c.name] ?? { done: false, message: '' }, ctx, now);
    out.images[c.name] = d.image;
    out.health[c.name] = d.health;
    const marks = [...expiredRollbacks(view.automation, ctx.records, c.name, now), ...(d.gate?.marks ?? [])];
    if (d.gate?.held) out.held[c.name] = d.gate.held;
    if (d.gate?.propose || d.gate?.pending || d.gate?.approved || marks.length) out.gates[c.name] = { ...d.gate, marks };
    const rb = d.health.rollback;
    if (!rb) continue;
    const message = `${c.name}: image ${rb.failedImage} failed (${rb.reason}); rolled back to ${rb.image}, the last image all its pods ran ready on, until spec.cnfs changes`;
    active.push(message);
    if (d.started) out.started.push({ cnf: c.name, rollback: d.started, message });
  }
  if (active.length) out.degraded = { reason: 'RolledBack', message: active.join('; ') };
  return out;
}

/** Adds the rollback gates to the plan's approvals (a CNF shows one pending decision: the first). */
export function addRollbackGates(a: ApprovalPlan, plan: RollbackPlan): void {
  for (const [cnf, g] of Object.entries(plan.gates)) {
    if (g.propose) a.proposals.push(g.propose);
    a.marks.push(...g.marks);
    if (g.pending && !a.pending[cnf]) a.pending[cnf] = g.pending;
  }
}
