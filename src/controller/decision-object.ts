/**
 * The SliceDecision object for a proposal (approval.ts), owned by its slice so the garbage
 * collector deletes it with the slice, and the status the operator applies to record an outcome.
 * Pure.
 */
import { DECISION_API_VERSION, DECISION_KIND, type Explanation } from '../api/slicedecision.js';
import type { DecisionMark, Proposal } from './approval.js';
import { metaTime } from './meta-time.js';
import { LABEL_CNF, LABEL_MANAGED_BY, LABEL_SLICE, MANAGED_BY } from './names.js';
import type { SliceView } from './slice-view.js';

export function decisionObject(view: SliceView, p: Proposal, explanation: Explanation, now: number): Record<string, unknown> {
  return {
    apiVersion: DECISION_API_VERSION,
    kind: DECISION_KIND,
    metadata: {
      name: p.name,
      namespace: view.namespace,
      labels: { [LABEL_SLICE]: view.name, [LABEL_CNF]: p.cnf, [LABEL_MANAGED_BY]: MANAGED_BY },
      ownerReferences: [{ apiVersion: DECISION_API_VERSION, kind: 'NetworkSlice', name: view.name, uid: view.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      slice: view.name,
      cnf: p.cnf,
      action: p.action,
      fromReplicas: p.from,
      toReplicas: p.to,
      ...(p.fromSites ? { fromSites: p.fromSites } : {}),
      ...(p.toSites ? { toSites: p.toSites } : {}),
      ...(p.fromImage ? { fromImage: p.fromImage } : {}),
      ...(p.toImage ? { toImage: p.toImage } : {}),
      ...(p.anomaly ? { anomaly: p.anomaly } : {}),
      reason: p.reason,
      needsApproval: p.needsApproval,
      explanation,
      proposedAt: metaTime(now),
      expiresAt: metaTime(p.expiresAt),
    },
  };
}

/** The status the operator server-side applies for an outcome: only its own condition, so a person's answer stays. */
export function markPatch(name: string, m: DecisionMark, now: number): Record<string, unknown> {
  return {
    apiVersion: DECISION_API_VERSION,
    kind: DECISION_KIND,
    metadata: { name },
    status: { conditions: [{ type: m.type, status: 'True', reason: m.type, message: m.message, lastTransitionTime: metaTime(now) }] },
  };
}
