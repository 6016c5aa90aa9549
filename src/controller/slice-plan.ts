/**
 * The pure half of reconciling one NetworkSlice: from the slice's view, what was observed (its
 * Deployments as cached, its load, the sites) and what the reconciler remembers of it, to the
 * decisions (replicas per CNF, UPF sites), the objects to apply, and, once the apply's outcome is
 * known, the events, the status and what to remember. No I/O and no clock: the same inputs give
 * the same plan. The reconciler (reconciler.ts) reads the caches, calls these, and writes.
 */
import { cpuMillis, parseQuantity } from '../api/quantity.js';
import type { SliceLoad } from '../telemetry/slice-load.js';
import { desired, type KubeObj } from './desired.js';
import { metaTime } from './meta-time.js';
import { choosePlacement, type PlacementDecision } from './placement.js';
import { decideReplicas, type Recommendation, type ScalingDecision } from './scaling.js';
import type { Site } from './sites.js';
import type { CnfView, SliceView } from './slice-view.js';
import type { StatusInput } from './status.js';

export interface LastDecision {
  reason: string;
  message: string;
  at: string;
  from: number;
  to: number;
}

/** What the reconciler keeps of a slice between reconciles (in memory; placement also in status). */
export interface SliceMemory {
  /** Recent recommendations per CNF, for scale-down stabilisation. */
  recommendations: Record<string, Recommendation[]>;
  lastSites?: string[];
  lastDecision?: LastDecision;
}

/** A CNF's Deployment as the cache has it. */
export interface LiveDeployment {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; updatedReplicas?: number; replicas?: number };
}

export interface SliceObservations {
  now: number;
  /** Each CNF's Deployment by CNF name; absent when it does not exist (yet). */
  deployments: Record<string, LiveDeployment | undefined>;
  /** The slice's load and forecast; undefined until telemetry has answered for it. */
  load?: SliceLoad;
  /** Why telemetry as a whole fails, when it does (no answer for any slice). */
  telemetryError?: string;
  /** Sites with what other slices' UPFs take subtracted from their capacity. */
  sites: Site[];
  /** Where the UPF's Deployment runs now (live or just applied), if known. */
  upfSites?: string[];
  /** The forecast step of a wall time, to tell whether status figures are of the same step. */
  stepOf: (wallMs: number) => number;
  /** The reason of the Degraded condition the slice's status has now, if it is Degraded. */
  degradedBefore?: string;
}

export interface ReasonMessage {
  reason: string;
  message: string;
}

export interface SlicePlan {
  decisions: Record<string, ScalingDecision>;
  replicas: Record<string, number>;
  /** The recommendation history after this reconcile's recommendations, trimmed to the window. */
  recommendations: Record<string, Recommendation[]>;
  placement?: PlacementDecision;
  /** The sites the UPF is to run on: the placement's, else where it was placed last. */
  upfSites?: string[];
  /** Every object the slice should have; the reconciler applies those the cache differs from. */
  objects: KubeObj[];
  degraded?: ReasonMessage;
  /** Every CNF has its desired replicas ready and updated (as cached before the apply). */
  allReady: boolean;
}

/** What the apply did, as the reconciler saw it. */
export interface ApplyOutcome {
  /** Objects that differed from the cache and were applied. */
  applied: number;
  /** All applied objects were new: each will come back as an 'add' watch event. */
  allNew: boolean;
  /** The slice has a status already. */
  hasStatus: boolean;
}

export interface SliceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface PlanResult {
  events: SliceEvent[];
  /** Reasons of the scaling decisions that changed replicas (for the decisions metric). */
  scaled: string[];
  /** What to remember after a successful apply. */
  memory: Pick<SliceMemory, 'lastSites' | 'lastDecision'>;
  /** The status to write; undefined to leave the first status to the reconcile that follows. */
  status?: Omit<StatusInput, 'generation'>;
  /** Ready replicas per CNF (for metrics). */
  readiness: { cnf: string; ready: number }[];
}

/** Replicas per CNF, with the recommendation history each decision leaves. */
function decideAll(view: SliceView, obs: SliceObservations, mem: SliceMemory): Pick<SlicePlan, 'decisions' | 'replicas' | 'recommendations'> {
  const { load, now } = obs;
  const decisions: Record<string, ScalingDecision> = {};
  const replicas: Record<string, number> = {};
  const recommendations: Record<string, Recommendation[]> = {};
  for (const cnf of view.cnfs) {
    const live = obs.deployments[cnf.name];
    const history = mem.recommendations[cnf.name] ?? [];
    const dec = decideReplicas(
      {
        mode: view.scaling.mode,
        minReplicas: cnf.minReplicas,
        maxReplicas: cnf.maxReplicas,
        perReplicaCapacity: cnf.sessionsPerReplica,
        headroomPercent: view.scaling.headroomPercent,
        maxStep: view.scaling.maxStep,
        scaleDownStabilizationMs: view.scaling.scaleDownStabilizationMs,
      },
      live ? (live.spec?.replicas ?? cnf.minReplicas) : cnf.minReplicas,
      {
        current: load?.current,
        forecastPeak: load?.forecast ? load.forecastPeak : undefined,
        calibration: load?.calibration,
        telemetryDown: !load || load.telemetryError !== undefined || load.current === undefined,
      },
      history,
      now,
    );
    recommendations[cnf.name] = remember(history, dec.recommended, now, now - view.scaling.scaleDownStabilizationMs);
    decisions[cnf.name] = dec;
    replicas[cnf.name] = dec.replicas;
  }
  return { decisions, replicas, recommendations };
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

/** The UPF's sites for `replicas` replicas, from the sites' free capacity. */
function placeUpf(view: SliceView, upf: CnfView, replicas: number, obs: SliceObservations, mem: SliceMemory): PlacementDecision {
  const perReplica = { cpu: cpuMillis(upf.resources?.requests?.cpu ?? '0') || 0, mem: parseQuantity(upf.resources?.requests?.memory ?? '0') || 0 };
  return choosePlacement(obs.sites, {
    allowedSites: view.placement.allowedSites,
    trackingAreas: view.trackingAreas,
    latencyBudgetMs: view.latencyBudgetMs,
    preferEdge: view.serviceType === 'URLLC',
    maxSites: view.placement.maxSites,
    demand: { replicas, cpuMillis: perReplica.cpu * replicas, memoryBytes: perReplica.mem * replicas },
    onePodPerNode: view.placement.antiAffinity === 'required',
    // Where the UPF runs now: its live (or just applied) Deployment, else the last placement.
    current: obs.upfSites ?? mem.lastSites,
  });
}

/** Why the slice is Degraded, if it is; the first that applies wins, in this order. */
export function degradedReason(view: SliceView, obs: SliceObservations, placement: PlacementDecision | undefined, lastSites: string[] | undefined): ReasonMessage | undefined {
  const load = obs.load;
  const automatic = view.scaling.mode !== 'static';
  if (placement && !placement.ok) return { reason: placement.reason, message: placement.message + (lastSites ? `; UPF kept on ${lastSites.join(', ')}` : '') };
  if (automatic && load?.telemetryError) return { reason: load.telemetryReason ?? 'TelemetryUnavailable', message: `${load.telemetryError}; holding current capacity` };
  if (automatic && !load && obs.telemetryError) return { reason: 'TelemetryUnavailable', message: `${obs.telemetryError}; holding current capacity` };
  if (view.scaling.mode === 'predictive' && load?.forecast?.modelFault) {
    return { reason: 'ForecastModelUnavailable', message: `${load.forecast.modelFault}; scaling on ${load.forecast.source} forecasts (${load.forecast.model})` };
  }
  return undefined;
}

/** Decisions and desired objects of a slice. */
export function planSlice(view: SliceView, obs: SliceObservations, mem: SliceMemory): SlicePlan {
  const decided = decideAll(view, obs, mem);
  const upf = view.cnfs.find((c) => c.type === 'upf');
  const placement = upf ? placeUpf(view, upf, decided.replicas[upf.name] ?? upf.minReplicas, obs, mem) : undefined;
  const upfSites = placement?.ok ? placement.sites : mem.lastSites;
  const allReady = view.cnfs.every((c) => {
    const live = obs.deployments[c.name];
    const want = decided.replicas[c.name] ?? 0;
    return (live?.status?.readyReplicas ?? 0) >= want && (live?.status?.updatedReplicas ?? 0) >= want;
  });
  return {
    ...decided,
    placement,
    upfSites,
    objects: desired(view, { replicas: decided.replicas, upfSites }),
    degraded: degradedReason(view, obs, placement, mem.lastSites),
    allReady,
  };
}

/** Events for a new or changed UPF placement and for each CNF whose replicas change, and what to remember of them. */
function planEvents(view: SliceView, obs: SliceObservations, mem: SliceMemory, plan: SlicePlan): Pick<PlanResult, 'events' | 'scaled' | 'memory'> {
  const events: SliceEvent[] = [];
  const scaled: string[] = [];
  const memory: PlanResult['memory'] = { lastSites: mem.lastSites, lastDecision: mem.lastDecision };
  const { placement } = plan;
  if (view.cnfs.some((c) => c.type === 'upf') && placement?.ok && JSON.stringify(mem.lastSites) !== JSON.stringify(placement.sites)) {
    const was = mem.lastSites;
    memory.lastSites = placement.sites;
    events.push({ type: 'Normal', reason: was ? 'UPFReplaced' : 'UPFPlaced', message: placement.message + (was ? ` (was ${was.join(', ')})` : '') });
  }
  // A slice that turns Degraded, or Degraded for another reason, says so once as a Warning.
  if (plan.degraded && plan.degraded.reason !== obs.degradedBefore) events.push({ type: 'Warning', ...plan.degraded });
  for (const cnf of view.cnfs) {
    const dec = plan.decisions[cnf.name]!;
    // Replicas in force before this reconcile: after the apply the cache may or may not have
    // caught up, and the event must not depend on that race.
    const from = obs.deployments[cnf.name]?.spec?.replicas;
    if (from === undefined || from === dec.replicas) continue;
    const message = `${cnf.name}: ${dec.message}`;
    events.push({ type: 'Normal', reason: dec.reason, message });
    memory.lastDecision = { reason: dec.reason, message, at: metaTime(obs.now), from, to: dec.replicas };
    scaled.push(dec.reason);
  }
  return { events, scaled, memory };
}

/**
 * Events, status and memory once the plan's objects were applied. A new slice's first status
 * waits for the reconcile that its children's creation brings (their 'add' events are certain):
 * that one reports what this one would, with the children as the API server has them, so a new
 * slice gets one status write instead of two. A problem is reported at once.
 */
export function planOutcome(view: SliceView, obs: SliceObservations, mem: SliceMemory, plan: SlicePlan, outcome: ApplyOutcome): PlanResult {
  const { events, scaled, memory } = planEvents(view, obs, mem, plan);
  const readiness = view.cnfs.map((c) => ({ cnf: c.name, ready: obs.deployments[c.name]?.status?.readyReplicas ?? 0 }));
  const result: PlanResult = { events, scaled, memory, readiness };
  if (!outcome.hasStatus && outcome.allNew && !plan.allReady && !plan.degraded) return result;
  const { load } = obs;
  const upf = view.cnfs.find((c) => c.type === 'upf');
  result.status = {
    now: new Date(obs.now),
    ready: plan.allReady && !plan.degraded,
    degraded: plan.degraded,
    progressing: plan.allReady ? undefined : { reason: outcome.applied > 0 ? 'Applied' : 'RollingOut', message: 'waiting for CNF replicas to become ready' },
    view,
    replicas: Object.fromEntries(readiness.map(({ cnf, ready }) => [cnf, { desired: plan.replicas[cnf] ?? 0, ready }])),
    upfSites: plan.upfSites ?? [],
    load,
    sameStep: (observedAt) => load?.observedAt !== undefined && obs.stepOf(Date.parse(observedAt)) === obs.stepOf(load.observedAt),
    forecastNote: load?.forecast?.fallbackReason,
    lastDecision: memory.lastDecision,
    provisionedCapacity: upf && plan.decisions[upf.name] ? plan.replicas[upf.name]! * upf.sessionsPerReplica : undefined,
  };
  return result;
}
