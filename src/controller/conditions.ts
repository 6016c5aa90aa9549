import { metaTime } from './meta-time.js';

/** metav1.Condition handling with controller-runtime's rules. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** A condition's reason and message, as a decision states them. */
export interface ReasonMessage {
  reason: string;
  message: string;
}

const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/**
 * Sets a condition in a new list: lastTransitionTime changes only when the status changes, so an
 * unchanged reconcile produces an identical status (and no write).
 */
export function setCondition(list: Condition[] | undefined, c: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  if (!REASON.test(c.reason)) throw new Error(`invalid condition reason ${JSON.stringify(c.reason)}`);
  const out = [...(list ?? [])];
  const i = out.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? out[i] : undefined;
  const next: Condition = {
    type: c.type,
    status: c.status,
    observedGeneration: c.observedGeneration,
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : metaTime(now),
    reason: c.reason,
    message: c.message.slice(0, 32768),
  };
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}

export const findCondition = (list: Condition[] | undefined, type: string): Condition | undefined => list?.find((c) => c.type === type);
