/**
 * When a slice's plan changes by the passage of time alone, with nothing watched changing: a pod
 * unready past its grace (a failing site), a Pending pod past the times that make room or degrade
 * the slice, an image ready long enough to count as healthy, a site's avoidance ending. The
 * reconciler asks to be called again then (controller-runtime's RequeueAfter) instead of waiting
 * for the next periodic visit of every slice (up to a minute later). Pure.
 */
import type { PodFacts } from './pod-facts.js';
import { UNREADY_GRACE_MS, UNSCHEDULABLE_STUCK_MS } from './pod-health.js';
import { HEALTHY_AFTER_MS, type CnfHealthMemory } from './rollback.js';
import { MAKE_ROOM_AFTER_MS } from './slice-plan.js';

export interface RecheckInput {
  now: number;
  pods?: Record<string, PodFacts[]>;
  health: Record<string, CnfHealthMemory | undefined>;
  /** Sites the UPF avoids, until when (ms). */
  avoidUntil: Record<string, number>;
}

/** The earliest time after `now` at which the plan may change with nothing else changing, if any. */
export function recheckAt(i: RecheckInput): number | undefined {
  const times: number[] = [...Object.values(i.avoidUntil)];
  for (const p of Object.values(i.pods ?? {}).flat()) {
    if (p.terminating) continue;
    if (p.node && !p.ready && !p.waiting) times.push((p.readyChangedMs ?? p.createdMs) + UNREADY_GRACE_MS);
    if (p.unschedulable !== undefined) times.push(p.createdMs + MAKE_ROOM_AFTER_MS, p.createdMs + UNSCHEDULABLE_STUCK_MS);
  }
  for (const h of Object.values(i.health)) if (h?.candidate) times.push(h.candidate.sinceMs + HEALTHY_AFTER_MS);
  const future = times.filter((t) => t > i.now);
  return future.length ? Math.min(...future) : undefined;
}
