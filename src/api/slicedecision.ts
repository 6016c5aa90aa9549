import { z } from 'zod';
import { GROUP, VERSION } from './limits.js';

/**
 * A SliceDecision: a change the operator proposes for a slice in automation mode Approve, and
 * the answer a person gives to it. Modelled on cert-manager's CertificateRequest approval: the
 * operator creates it (owned by the slice) with an immutable spec; an approver sets the
 * `Approved` or `Denied` condition through the status subresource, which slice editors cannot
 * write (charts/slice-operator/templates/rbac-slice-roles.yaml); the operator adds `Applied` or
 * `Expired` when it acts on the answer, so what happened survives restarts in the API object.
 */
export const DECISION_KIND = 'SliceDecision';
export const DECISION_PLURAL = 'slicedecisions';
export const DECISION_API_VERSION = `${GROUP}/${VERSION}`;
export const DECISION_ACTIONS = ['Scale', 'Replace', 'Rollback'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];
/** Condition types: the first two are a person's answer, the last two the operator's outcome. */
export const DECISION_CONDITIONS = ['Approved', 'Denied', 'Applied', 'Expired'] as const;
export type DecisionConditionType = (typeof DECISION_CONDITIONS)[number];

const Condition = z.looseObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});

export const Explanation = z.object({
  text: z.string(),
  loadNow: z.number().optional(),
  forecast: z
    .looseObject({ quantile: z.string(), horizonSteps: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), peak: z.number(), source: z.string() })
    .optional(),
  leadTime: z.object({ seconds: z.number(), load: z.number() }).optional(),
  calibration: z.number().optional(),
  coverage: z.number().optional(),
  headroomPercent: z.number().optional(),
  perReplicaCapacity: z.number().optional(),
  provisionedLoad: z.number().optional(),
  rawReplicas: z.number().optional(),
  chosenReplicas: z.number().optional(),
  bound: z.string().optional(),
  reactiveReplicas: z.number().optional(),
  placement: z.object({ chosen: z.array(z.string()), skipped: z.array(z.object({ site: z.string(), reason: z.string() })).optional() }).optional(),
  attribution: z.array(z.object({ factor: z.string(), percent: z.number() })).optional(),
});
export type Explanation = z.infer<typeof Explanation>;

export const SliceDecisionSpec = z.looseObject({
  slice: z.string().min(1),
  cnf: z.string().min(1),
  action: z.enum(DECISION_ACTIONS),
  fromReplicas: z.number().int().min(0),
  toReplicas: z.number().int().min(0),
  fromSites: z.array(z.string()).optional(),
  toSites: z.array(z.string()).optional(),
  fromImage: z.string().optional(),
  toImage: z.string().optional(),
  anomaly: z.object({ kind: z.string(), message: z.string() }).optional(),
  reason: z.string(),
  needsApproval: z.array(z.string()),
  explanation: Explanation,
  proposedAt: z.string(),
  expiresAt: z.string(),
});

export const SliceDecision = z.looseObject({
  apiVersion: z.literal(DECISION_API_VERSION),
  kind: z.literal(DECISION_KIND),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional(), uid: z.string().optional(), creationTimestamp: z.string().optional() }),
  spec: SliceDecisionSpec,
  status: z.looseObject({ conditions: z.array(Condition).optional() }).optional(),
});
export type SliceDecision = z.infer<typeof SliceDecision>;
export type SliceDecisionSpec = z.infer<typeof SliceDecisionSpec>;

/** Validates a SliceDecision read from the API server; the first issue names its field. */
export function parseSliceDecision(obj: unknown): { ok: true; decision: SliceDecision } | { ok: false; error: string } {
  const r = SliceDecision.safeParse(obj);
  if (r.success) return { ok: true, decision: r.data };
  const i = r.error.issues[0]!;
  return { ok: false, error: `${i.path.join('.')}: ${i.message}` };
}
