/**
 * What a slice's status and events say of each CNF's decision: the explanation of a change, and
 * the recommendation the operator publishes without acting on it (mode Recommend) or holds for a
 * person (mode Approve). A recommendation is rewritten when its replicas or reason change, not
 * with every load figure, so a steady recommendation does not rewrite the status every cycle. Pure.
 */
import type { SliceLoad } from '../telemetry/slice-load.js';
import type { ApprovalPlan, Proposal } from './approval.js';
import type { Explanation } from '../api/slicedecision.js';
import { explainScaling, type PlacementFacts } from './explain.js';
import type { ScalingDecision } from './scaling.js';
import type { CnfView, SliceView } from './slice-view.js';
import type { RecommendationStatus } from './status.js';

export interface CnfReport {
  /** The recommendation to show in status, if the CNF has one. */
  recommendation?: RecommendationStatus;
  /** An event for a new recommendation in mode Recommend. */
  event?: { reason: string; message: string };
}

/** The recommendation of a CNF after this reconcile, and whether it is new. */
export function reportRecommendation(
  view: SliceView,
  cnf: CnfView,
  from: number,
  approval: ApprovalPlan,
  prev: RecommendationStatus | undefined,
  load: SliceLoad | undefined,
  placement: PlacementFacts | undefined,
): CnfReport {
  const rec: ScalingDecision | undefined = approval.recommendations[cnf.name];
  if (!rec) return {};
  if (prev && prev.replicas === rec.replicas && prev.reason === rec.reason) return { recommendation: prev };
  const explanation = explainScaling(view, cnf, from, rec, load, placement);
  const recommendation: RecommendationStatus = { replicas: rec.replicas, reason: rec.reason, message: rec.message, explanation };
  if (view.automation.mode !== 'Recommend' || rec.replicas === from) return { recommendation };
  return { recommendation, event: { reason: 'Recommended', message: `${cnf.name}: would scale ${from} -> ${rec.replicas} (automation mode Recommend, nothing changed): ${explanation.text}` } };
}

/** The explanation a proposal carries: of the held scaling decision, the UPF's move, or the rollback, with the anomaly a repair answers. */
export function explainProposal(
  view: SliceView,
  p: Proposal,
  approval: ApprovalPlan,
  decisions: Record<string, ScalingDecision>,
  load: SliceLoad | undefined,
  skipped: PlacementFacts['skipped'],
): Explanation {
  const cnf = view.cnfs.find((c) => c.name === p.cnf)!;
  const why = `needs approval: ${p.needsApproval.join('; ')}`;
  const anomaly = p.anomaly ? `anomaly ${p.anomaly.kind}: ${p.anomaly.message}; ` : '';
  if (p.action === 'Rollback') return { text: `roll ${p.cnf} back from image ${p.fromImage} to ${p.toImage}, the last image all its pods ran ready on; ${anomaly}${why}` };
  const dec = approval.recommendations[p.cnf] ?? decisions[p.cnf]!;
  const facts = cnf.type === 'upf' ? { chosen: p.toSites ?? [], skipped } : undefined;
  const e = explainScaling(view, cnf, p.from, dec, load, facts);
  const move = p.action === 'Replace' ? `move the UPF from ${(p.fromSites ?? []).join(', ')} to ${(p.toSites ?? []).join(', ')}; ` : '';
  return { ...e, text: `${move}${anomaly}${e.text}; ${why}` };
}
