/**
 * The I/O of human in the loop: creates the SliceDecisions a plan proposes and records the
 * operator's outcome (Applied, Expired) on them. A create that finds the name taken (409) is a
 * proposal made already, by this process before its cache caught up or by one before a restart:
 * nothing to do. The outcome is a server-side apply of the operator's own condition only, so an
 * approver's Approved or Denied condition is never overwritten.
 */
import { isConflict, isNotFound } from '../runtime/errors.js';
import type { KubeObject } from '../runtime/informer.js';
import type { KubeClient } from '../runtime/kube-client.js';
import type { ApprovalPlan, Proposal } from './approval.js';
import { decisionRecord, type DecisionRecord } from './decision-record.js';
import { decisionObject, markPatch } from './decision-object.js';
import type { Explanation } from '../api/slicedecision.js';
import { FIELD_MANAGER, LABEL_SLICE } from './names.js';
import { collectionPath, objectPath } from './resources.js';
import type { ObjectCache } from '../runtime/cache.js';
import type { SliceView } from './slice-view.js';

/** The slice's SliceDecisions in the cache, as records. */
export function decisionsOf(cache: ObjectCache | undefined, view: SliceView): DecisionRecord[] {
  if (!cache || view.automation.mode !== 'Approve') return [];
  const out: DecisionRecord[] = [];
  for (const o of cache.list()) {
    const md = o.metadata as { namespace?: string; labels?: Record<string, string> } | undefined;
    if (md?.namespace !== view.namespace || md.labels?.[LABEL_SLICE] !== view.name) continue;
    const r = decisionRecord(o);
    if (r) out.push(r);
  }
  return out;
}

/** Creates the proposals; returns those that are new (for their events). */
export async function createProposals(
  client: Pick<KubeClient, 'request'>,
  view: SliceView,
  proposals: Proposal[],
  explain: (p: Proposal) => Explanation,
  now: number,
): Promise<{ proposal: Proposal; explanation: Explanation }[]> {
  const created: { proposal: Proposal; explanation: Explanation }[] = [];
  for (const p of proposals) {
    const explanation = explain(p);
    try {
      await client.request<KubeObject>('POST', collectionPath('SliceDecision', view.namespace), { body: decisionObject(view, p, explanation, now) });
      created.push({ proposal: p, explanation });
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
  return created;
}

/** Records Applied and Expired on the SliceDecisions the plan acted on or let expire. */
export async function markDecisions(client: Pick<KubeClient, 'apply'>, view: SliceView, approval: ApprovalPlan, now: number): Promise<void> {
  for (const m of approval.marks) {
    const path = `${objectPath('SliceDecision', view.namespace, m.name)}/status`;
    await client.apply(path, markPatch(m.name, m, now), FIELD_MANAGER).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
  }
}
