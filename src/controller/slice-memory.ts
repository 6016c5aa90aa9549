/**
 * What the reconciler remembers of a slice between reconciles: recent recommendations (scale-down
 * stabilisation), per CNF the replicas it decided, its recent changes (the step rate) and last
 * decision, and the UPF's last sites. Kept in memory, seeded from the slice's status after a
 * restart (seedMemory). Pure.
 */
import type { Recommendation, ScaleEvent } from './scaling.js';
import type { DecisionStatus, RecommendationStatus, SliceStatus } from './status.js';
import type { CnfHealthMemory } from './rollback.js';

/** What the reconciler keeps of one CNF's scaling. */
export interface CnfMemory {
  /** Replicas the operator decided last: what it applies, whatever the live count is. */
  replicas?: number;
  /** Changes the operator made within the step period (for the step rate limit). */
  events: ScaleEvent[];
  lastDecision?: DecisionStatus;
  /** The recommendation status shows (modes Recommend and Approve). */
  recommendation?: RecommendationStatus;
  /** resourceVersion of the Deployment as the operator's last apply left it. */
  appliedVersion?: string;
  /** Its last healthy image and a rollback in force (rollback.ts). */
  health?: CnfHealthMemory;
}

/**
 * What the reconciler keeps of a slice between reconciles. After a restart it is seeded from the
 * slice's status (replicas decided, last decision per CNF, UPF sites): see seedMemory.
 */
export interface SliceMemory {
  /** Recent recommendations per CNF, for scale-down stabilisation. */
  recommendations: Record<string, Recommendation[]>;
  cnfs?: Record<string, CnfMemory>;
  lastSites?: string[];
  lastDecision?: DecisionStatus;
  /** Sites the UPF keeps away from until a time (ms), because its pods there were unhealthy (memory only). */
  avoidSites?: Record<string, number>;
}

/**
 * The recommendation history with `replicas` recommended at `now`, without entries older than
 * `cutoff`. Stabilisation asks whether a value was recommended within the window, so a run of
 * equal recommendations needs only its latest time: one entry per CNF in steady state. New arrays
 * come from concat and slice, which size them exactly (push grows an array to 17 slots or more).
 * The latest entry's time is updated in place when the recommendation repeats.
 */
export function remember(history: Recommendation[], replicas: number, now: number, cutoff: number): Recommendation[] {
  const last = history.at(-1);
  if (last?.replicas === replicas) last.at = now;
  const next = last?.replicas === replicas ? history : history.concat([{ at: now, replicas }]);
  let expired = 0;
  while (expired < next.length && next[expired]!.at < cutoff) expired++;
  return expired ? next.slice(expired) : next;
}

/**
 * A slice's memory when this process first reconciles it (a new slice, or any slice after a
 * restart or fail-over), from its status: the replicas the operator decided and its last
 * decision per CNF, its last healthy image and a rollback in force, and the UPF's sites. The decided replicas count as recommended now, so no
 * scale-down happens within one stabilisation window of a restart; the last decision counts
 * against the step limit of its period.
 */
export function seedMemory(status: SliceStatus | undefined, now: number): SliceMemory {
  const mem: SliceMemory = { recommendations: {}, cnfs: {} };
  if (status?.placement?.upfSites?.length) mem.lastSites = status.placement.upfSites;
  for (const c of status?.cnfs ?? []) {
    mem.recommendations[c.name] = [{ at: now, replicas: c.desiredReplicas }];
    const d = c.lastDecision;
    const health: CnfHealthMemory = { ...(c.healthyImage ? { healthyImage: c.healthyImage } : {}), ...(c.rollback ? { rollback: c.rollback } : {}) };
    mem.cnfs![c.name] = {
      replicas: c.desiredReplicas,
      events: d ? [{ at: Date.parse(d.time), from: d.fromReplicas, to: d.toReplicas }] : [],
      ...(d ? { lastDecision: d } : {}),
      ...(Object.keys(health).length ? { health } : {}),
      ...(c.recommendation ? { recommendation: c.recommendation } : {}),
    };
  }
  return mem;
}
