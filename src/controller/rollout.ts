/**
 * Whether a CNF's Deployment has rolled out, judged as `kubectl rollout status` does: the
 * Deployment controller has seen the current spec, every desired replica runs the current
 * template and is available, and no replica of an older template is left. A Deployment whose
 * progress deadline passed is stuck, with the Deployment controller's reason.
 */
import type { ReasonMessage } from './conditions.js';

/** What the cache keeps of a Deployment's rollout (see cache-trim.ts). */
export interface RolloutStatus {
  metadata?: { generation?: number; resourceVersion?: string };
  /** makingRoom: the Deployment rolls with maxSurge 0 (desired.ts, MAKE_ROOM_STRATEGY). */
  spec?: { replicas?: number; makingRoom?: boolean };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    /** The Progressing condition when it is False (ProgressDeadlineExceeded), else absent. */
    stalled?: { reason: string; message: string };
  };
}

export type Rollout = { done: true } | { done: false; message: string; stuck?: ReasonMessage };

/** The rollout of `want` replicas of a CNF, from its cached Deployment. */
export function rolloutOf(cnf: string, live: RolloutStatus | undefined, want: number): Rollout {
  if (!live) return { done: false, message: `${cnf}: Deployment not created yet` };
  const st = live.status ?? {};
  const stuck = st.stalled ? { reason: 'RolloutStuck', message: `${cnf}: ${st.stalled.reason}: ${st.stalled.message}` } : undefined;
  const updated = st.updatedReplicas ?? 0;
  const available = Math.min(st.availableReplicas ?? st.readyReplicas ?? 0, st.readyReplicas ?? 0);
  const total = st.replicas ?? updated;
  let message: string | undefined;
  if ((st.observedGeneration ?? 0) < (live.metadata?.generation ?? 0)) message = `${cnf}: waiting for the Deployment controller to see the new spec`;
  else if (updated < want) message = `${cnf}: ${updated} of ${want} replicas updated`;
  else if (total > updated) message = `${cnf}: ${total - updated} old replicas pending termination`;
  else if (available < want) message = `${cnf}: ${available} of ${want} replicas available`;
  if (!message) return { done: true };
  return stuck ? { done: false, message, stuck } : { done: false, message };
}
