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
import { capacityShort, scalingLimited, slaExceedsCapacity } from './capacity-check.js';
import type { ReasonMessage } from './conditions.js';
import { metaTime } from './meta-time.js';
import { rolloutOf, type Rollout, type RolloutStatus } from './rollout.js';
import { choosePlacement, type PlacementDecision } from './placement.js';
import { olderVersion } from '../runtime/resource-version.js';
import { PAUSED_ANNOTATION } from './names.js';
import { decideReplicas, type Recommendation, type ScalingDecision } from './scaling.js';
import { scalingPolicyOf } from './scaling-policy.js';
import type { Site } from './sites.js';
import type { CnfView, SliceView } from './slice-view.js';
import type { DecisionStatus, RecommendationStatus, StatusInput } from './status.js';
import { explainScaling } from './explain.js';
import { reportRecommendation } from './decision-report.js';
import { remember, type CnfMemory, type SliceMemory } from './slice-memory.js';
import type { PodFacts } from './pod-facts.js';
import { anomalyOf, siteAnomaly, type Anomaly } from './anomalies.js';
import { forecastBasis } from './capacity-basis.js';
import { addRollbackGates, planRollbacks, type RollbackPlan } from './rollback.js';
import { avoidedReason, siteAvoidance, type SiteAvoidance } from './site-health.js';
import { cnfPods, podTrouble, sitesOutside, unschedulableStuck, type CnfPods } from './pod-health.js';
import { collectGate, emptyApproval, gateScaling, type ApprovalPlan } from './approval.js';
import type { DecisionRecord } from './decision-record.js';
import { addPlacementGate, gatePlacement } from './placement-approval.js';
import { budgetHold, gateBudget } from './budget.js';

/** A CNF's Deployment as the cache has it. */
export type LiveDeployment = RolloutStatus;

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
  /** The reason of the Anomalous condition the slice's status has now, if it is Anomalous. */
  anomalousBefore?: string;
  /** Each CNF's pods by CNF name, when pods are watched. */
  pods?: Record<string, PodFacts[]>;
  /** The site of a node (where a pod runs). */
  siteOf?: (node: string) => string | undefined;
  /** The slice's SliceDecisions as the cache has them (automation mode Approve). */
  decisions?: DecisionRecord[];
  /** False when the cap of UPF moves at once across slices is reached and this slice holds no slot. */
  replacementSlot?: boolean;
}

/** Pods that wait this long for the scheduler while old pods hold the nodes: the rollout makes room. */
export const MAKE_ROOM_AFTER_MS = 30_000;

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
  /** Why the replicas are not what the load needs (min, max, step, stabilisation, pause), if they are not. */
  scalingLimited?: ReasonMessage;
  /** Every CNF's Deployment has rolled out its desired replicas (as cached before the apply). */
  allReady: boolean;
  /** What each CNF not rolled out is waiting for. */
  rollout: string[];
  /** CNFs whose replicas someone else changed since the operator's last apply (live count). */
  changedElsewhere: Record<string, number>;
  /** How each CNF's pods are doing, when pods are watched. */
  pods: Record<string, CnfPods>;
  /** CNFs whose rollout removes an old pod before it adds a new one (desired.ts, makeRoom). */
  makeRoom: string[];
  /** Where the UPF's pods run now, by site, when pods are watched. */
  runningSites?: { site: string; pods: number }[];
  /** What is wrong with the slice's health, if anything (anomalies.ts). */
  anomalous?: Anomaly;
  /** Sites the UPF is kept away from, and those found unhealthy now (site-health.ts). */
  avoid: SiteAvoidance;
  /** Each CNF's image (rolled back or not) and what to remember of its health (rollback.ts). */
  rollback: RollbackPlan;
  /** What automation modes Recommend and Approve held, proposed and applied (approval.ts). */
  approval: ApprovalPlan;
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
  memory: Pick<SliceMemory, 'lastSites' | 'lastDecision' | 'cnfs' | 'avoidSites'>;
  /** The status to write; undefined to leave the first status to the reconcile that follows. */
  status?: Omit<StatusInput, 'generation'>;
  /** Ready replicas per CNF (for metrics). */
  readiness: { cnf: string; ready: number }[];
}

/** Whether someone else changed a CNF's replicas after the operator's last apply: the count it has now, if so. */
function changedElsewhere(live: LiveDeployment | undefined, cm: CnfMemory | undefined): number | undefined {
  const n = live?.spec?.replicas;
  if (n === undefined || cm?.replicas === undefined || n === cm.replicas) return undefined;
  // A cache that has not caught up with the operator's own apply is not someone else's change.
  const v = live?.metadata?.resourceVersion;
  return cm.appliedVersion === undefined || (v !== undefined && olderVersion(cm.appliedVersion, v)) ? n : undefined;
}

/** A paused slice keeps each CNF's live count. */
function pausedDecision(live: number): ScalingDecision {
  return { replicas: live, recommended: live, provisionedLoad: 0, reason: 'Paused', message: `${PAUSED_ANNOTATION}=true: keeping ${live} replicas` };
}

/** Replicas per CNF, with the recommendation history each decision leaves. */
function decideAll(view: SliceView, obs: SliceObservations, mem: SliceMemory): Pick<SlicePlan, 'decisions' | 'replicas' | 'recommendations' | 'changedElsewhere' | 'approval'> {
  const { load, now } = obs;
  const decisions: Record<string, ScalingDecision> = {};
  const replicas: Record<string, number> = {};
  const recommendations: Record<string, Recommendation[]> = {};
  const elsewhere: Record<string, number> = {};
  const approval = emptyApproval();
  for (const cnf of view.cnfs) {
    const live = obs.deployments[cnf.name];
    const cm = mem.cnfs?.[cnf.name];
    const history = mem.recommendations[cnf.name] ?? [];
    const other = changedElsewhere(live, cm);
    if (other !== undefined) elsewhere[cnf.name] = other;
    // The operator scales from what it decided: a count changed by hand is restored, not built on.
    const current = cm?.replicas ?? live?.spec?.replicas ?? cnf.minReplicas;
    const loadDec = view.paused
      ? pausedDecision(live?.spec?.replicas ?? current)
      : decideReplicas(
          scalingPolicyOf(view, cnf),
          current,
          {
            current: load?.current,
            ...forecastBasis(view, cnf, load, now),
            telemetryDown: !load || load.telemetryError !== undefined || load.current === undefined,
            ...(load?.anomaly ? { anomaly: load.anomaly.kind } : {}),
          },
          history,
          now,
          cm?.events ?? [],
        );
    // A scale-down outside every disruption window waits (Recommend changes nothing anyway).
    const budgeted = view.paused || view.automation.mode === 'Recommend' ? loadDec : gateBudget(view.automation.budgets, current, loadDec, now);
    const gate = { automation: view.automation, slice: view.name, cnf: cnf.name, minReplicas: cnf.minReplicas, maxReplicas: cnf.maxReplicas, from: current, dec: budgeted, records: obs.decisions ?? [], now };
    const gated = view.paused ? undefined : gateScaling(gate);
    // A surge's scale-up held for a person carries the surge's evidence.
    if (gated?.propose && budgeted.reason === 'SurgeScaleUp' && load?.anomaly) gated.propose.anomaly = { kind: load.anomaly.kind, message: load.anomaly.evidence };
    if (gated) collectGate(approval, cnf.name, gated);
    const dec = gated?.decision ?? budgeted;
    recommendations[cnf.name] = view.paused ? history : remember(history, dec.recommended, now, now - view.scaling.scaleDownStabilizationMs);
    decisions[cnf.name] = dec;
    replicas[cnf.name] = dec.replicas;
  }
  return { decisions, replicas, recommendations, changedElsewhere: elsewhere, approval };
}

/** The UPF's sites for `replicas` replicas, from the sites' free capacity. */
function placeUpf(view: SliceView, upf: CnfView, replicas: number, obs: SliceObservations, mem: SliceMemory, avoid: Record<string, number>): PlacementDecision {
  const perReplica = { cpu: cpuMillis(upf.resources?.requests?.cpu ?? '0') || 0, mem: parseQuantity(upf.resources?.requests?.memory ?? '0') || 0 };
  const decision = choosePlacement(obs.sites.filter((s) => !(s.name in avoid)), {
    allowedSites: view.placement.allowedSites,
    trackingAreas: view.trackingAreas,
    latencyBudgetMs: view.latencyBudgetMs,
    preferEdge: view.serviceType === 'URLLC',
    maxSites: view.placement.maxSites,
    demand: { replicas, cpuMillis: perReplica.cpu * replicas, memoryBytes: perReplica.mem * replicas },
    onePodPerNode: view.placement.antiAffinity === 'required',
    // Where the UPF runs now: its live (or just applied) Deployment, else the last placement.
    current: (obs.upfSites ?? mem.lastSites)?.filter((s) => !(s in avoid)),
  });
  const avoided = Object.entries(avoid).map(([site, until]) => ({ site, reason: avoidedReason(until) }));
  return decision.ok && avoided.length ? { ...decision, skipped: [...avoided, ...decision.skipped] } : decision;
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

/** Whether a CNF's rollout should make room: new pods wait for nodes that old pods hold. */
function needsRoom(live: LiveDeployment | undefined, h: CnfPods | undefined, now: number): boolean {
  if (live?.spec?.makingRoom) return true;
  const st = live?.status;
  const oldPods = (st?.replicas ?? 0) > (st?.updatedReplicas ?? 0);
  return oldPods && h?.unschedulable !== undefined && now - h.unschedulable.sinceMs >= MAKE_ROOM_AFTER_MS;
}

/**
 * Rollout of every CNF, judged from its Deployment and its pods: the messages of those not done
 * (with why pods are Pending or failing, and UPF pods running outside the placement), the first
 * stuck one, and the CNFs whose rollout must make room.
 */
function rollouts(
  view: SliceView,
  obs: SliceObservations,
  replicas: Record<string, number>,
  pods: Record<string, CnfPods>,
  upfSites: string[] | undefined,
): { byCnf: Record<string, Rollout>; pending: string[]; stuck?: ReasonMessage; makeRoom: string[] } {
  const byCnf: Record<string, Rollout> = {};
  const pending: string[] = [];
  const makeRoom: string[] = [];
  let stuck: ReasonMessage | undefined;
  for (const c of view.cnfs) {
    const live = obs.deployments[c.name];
    const r = (byCnf[c.name] = rolloutOf(c.name, live, replicas[c.name] ?? 0));
    const outside = c.type === 'upf' ? Object.entries(sitesOutside(pods[c.name], upfSites)) : [];
    if (r.done && outside.length === 0) continue;
    const parts = r.done ? [] : [r.message];
    const trouble = r.done ? undefined : podTrouble(c.name, pods[c.name]);
    if (trouble) parts.push(trouble);
    if (outside.length) {
      const where = outside.map(([s, n]) => `${n} on ${s || 'a node with no site label'}`).join(', ');
      parts.push(`${c.name}: pods run outside the placement (${upfSites!.join(', ')}): ${where}`);
    }
    pending.push(parts.join('; '));
    if (!r.done) {
      stuck ??= r.stuck ?? unschedulableStuck(c.name, pods[c.name], obs.now);
      if (needsRoom(live, pods[c.name], obs.now)) makeRoom.push(c.name);
    }
  }
  return { byCnf, pending, stuck, makeRoom };
}

/** Each CNF's pod summary, when pods are watched. */
function podsByCnf(view: SliceView, obs: SliceObservations): Record<string, CnfPods> {
  if (!obs.pods) return {};
  const siteOf = obs.siteOf ?? (() => undefined);
  return Object.fromEntries(view.cnfs.map((c) => [c.name, cnfPods(obs.pods![c.name] ?? [], siteOf, obs.now)]));
}

/**
 * Why a move of the running UPF must wait, if it must: a move while its sites still have Ready
 * nodes is voluntary and waits for a disruption window and for a free slot of the cap of moves
 * at once; a UPF whose sites lost their nodes, or whose pods there are unhealthy (a repair, like
 * a scale-up, never waits for a budget), moves at once.
 */
function voluntaryMoveHold(view: SliceView, obs: SliceObservations, running: string[] | undefined, avoided: Record<string, number>): ReasonMessage | undefined {
  if (!running?.length || running.some((r) => r in avoided || !obs.sites.some((s) => s.name === r && s.readyNodes.length > 0))) return undefined;
  const outside = budgetHold(view.automation.budgets, obs.now);
  if (outside) return { reason: 'OutsideBudget', message: outside };
  if (obs.replacementSlot === false) return { reason: 'ReplacementCapReached', message: 'moving the UPF waits: the cap of UPF moves at once across slices is reached (--max-concurrent-replacements)' };
  return undefined;
}

/** Decisions and desired objects of a slice. */
export function planSlice(view: SliceView, obs: SliceObservations, mem: SliceMemory): SlicePlan {
  const decided = decideAll(view, obs, mem);
  const upf = view.cnfs.find((c) => c.type === 'upf');
  // Paused: a UPF that runs stays where it runs; one never placed is placed.
  const running = obs.upfSites ?? mem.lastSites;
  const pods = podsByCnf(view, obs);
  const avoid = siteAvoidance(upf ? pods[upf.name] : undefined, mem.avoidSites, obs.now);
  const placed = upf && !(view.paused && running) ? placeUpf(view, upf, decided.replicas[upf.name] ?? upf.minReplicas, obs, mem, avoid.until) : undefined;
  const disruption = voluntaryMoveHold(view, obs, running, avoid.until);
  const site = running?.some((r) => r in avoid.until) ? siteAnomaly(avoid) : undefined;
  const repair = site ? { kind: site.reason, message: site.message } : undefined;
  const gp = upf ? gatePlacement({ automation: view.automation, slice: view.name, cnf: upf.name, replicas: decided.replicas[upf.name] ?? upf.minReplicas, placement: placed, running, records: obs.decisions ?? [], now: obs.now, disruption, ...(repair ? { repair } : {}) }) : undefined;
  const placement = gp?.placement ?? placed;
  if (gp) addPlacementGate(decided.approval, upf!.name, gp);
  const upfSites = placement?.ok ? placement.sites : view.paused ? running : mem.lastSites;
  const { byCnf, pending, stuck, makeRoom } = rollouts(view, obs, decided.replicas, pods, upfSites);
  const load = obs.load?.telemetryError ? undefined : obs.load?.current;
  const upfPods = upf ? pods[upf.name] : undefined;
  const rollback = planRollbacks(view, Object.fromEntries(view.cnfs.map((c) => [c.name, mem.cnfs?.[c.name]?.health])), pods, byCnf, obs.now, { records: obs.decisions ?? [], replicas: decided.replicas });
  addRollbackGates(decided.approval, rollback);
  return {
    ...decided,
    placement,
    upfSites,
    pods,
    makeRoom,
    ...(upfPods ? { runningSites: Object.entries(upfPods.sites).sort(([a], [b]) => a.localeCompare(b)).map(([site, n]) => ({ site: site || '(no site label)', pods: n })) } : {}),
    objects: desired(view, { replicas: decided.replicas, upfSites, makeRoom, images: rollback.images }),
    anomalous: anomalyOf(view, obs.load, obs.telemetryError, pods, avoid, rollback.held),
    avoid,
    rollback,
    degraded: degradedReason(view, obs, placement, mem.lastSites) ?? rollback.degraded ?? stuck ?? slaExceedsCapacity(view) ?? capacityShort(view, load, decided.replicas, decided.decisions),
    scalingLimited: scalingLimited(view, decided.decisions) ?? decided.approval.placementHeld,
    allReady: pending.length === 0,
    rollout: pending,
  };
}

/** A CNF's scaling memory after this reconcile's decision. */
function nextCnfMemory(view: SliceView, now: number, cm: CnfMemory | undefined, from: number | undefined, dec: ScalingDecision, lastDecision: DecisionStatus | undefined, rec?: RecommendationStatus): CnfMemory {
  const kept = (cm?.events ?? []).filter((e) => e.at > now - view.scaling.stepPeriodMs);
  const events = from !== undefined && from !== dec.replicas && !view.paused ? kept.concat([{ at: now, from, to: dec.replicas }]) : kept;
  const out: CnfMemory = { replicas: dec.replicas, events };
  if (lastDecision) out.lastDecision = lastDecision;
  if (rec) out.recommendation = rec;
  if (cm?.appliedVersion !== undefined) out.appliedVersion = cm.appliedVersion;
  return out;
}

/** Events for a new or changed UPF placement and for each CNF whose replicas change, and what to remember of them. */
function planEvents(view: SliceView, obs: SliceObservations, mem: SliceMemory, plan: SlicePlan): Pick<PlanResult, 'events' | 'scaled' | 'memory'> {
  const events: SliceEvent[] = [];
  const scaled: string[] = [];
  const memory: PlanResult['memory'] = { lastSites: mem.lastSites, lastDecision: mem.lastDecision, cnfs: {}, avoidSites: plan.avoid.until };
  for (const f of plan.avoid.fresh) events.push({ type: 'Warning', reason: 'SiteUnhealthy', message: f.message });
  const { placement } = plan;
  if (view.cnfs.some((c) => c.type === 'upf') && placement?.ok && JSON.stringify(mem.lastSites) !== JSON.stringify(placement.sites)) {
    const was = mem.lastSites;
    memory.lastSites = placement.sites;
    const skipped = placement.skipped.map((k) => `${k.site}: ${k.reason}`).join('; ');
    events.push({ type: 'Normal', reason: was ? 'UPFReplaced' : 'UPFPlaced', message: placement.message + (was ? ` (was ${was.join(', ')})` : '') + (skipped ? `. Skipped ${skipped}` : '') });
  }
  for (const r of plan.rollback.started) events.push({ type: 'Warning', reason: 'RolledBack', message: r.message });
  for (const cnf of plan.makeRoom) {
    if (obs.deployments[cnf]?.spec?.makingRoom) continue;
    const msg = plan.pods[cnf]?.unschedulable?.message.trim() ?? 'no node fits';
    events.push({ type: 'Warning', reason: 'RolloutMakingRoom', message: `${cnf}: new pods cannot be scheduled while old pods hold the nodes (${msg}); rolling with maxSurge 0, maxUnavailable 1, so one replica is replaced at a time` });
  }
  if (plan.anomalous && plan.anomalous.reason !== obs.anomalousBefore) events.push({ type: 'Warning', reason: 'AnomalyDetected', message: `${plan.anomalous.reason}: ${plan.anomalous.message}` });
  if (!plan.anomalous && obs.anomalousBefore) events.push({ type: 'Normal', reason: 'AnomalyCleared', message: `${obs.anomalousBefore} is over` });
  // A slice that turns Degraded, or Degraded for another reason, says so once as a Warning.
  if (plan.degraded && plan.degraded.reason !== obs.degradedBefore) events.push({ type: 'Warning', ...plan.degraded });
  for (const cnf of view.cnfs) {
    const dec = plan.decisions[cnf.name]!;
    const cm = mem.cnfs?.[cnf.name];
    // The operator's own last count, else the live one (a Deployment made before this process).
    const from = cm?.replicas ?? obs.deployments[cnf.name]?.spec?.replicas;
    const other = plan.changedElsewhere[cnf.name];
    if (other !== undefined && !view.paused && other !== dec.replicas) {
      events.push({ type: 'Normal', reason: 'ReplicasRestored', message: `${cnf.name}: replicas were set to ${other} outside the operator; restored to ${dec.replicas} (annotate the slice ${PAUSED_ANNOTATION}=true to scale it by hand)` });
    }
    let lastDecision = cm?.lastDecision;
    const facts = cnf.type === 'upf' && plan.upfSites ? { chosen: plan.upfSites, skipped: placement?.ok ? placement.skipped : undefined } : undefined;
    if (from !== undefined && from !== dec.replicas && !view.paused) {
      const explanation = explainScaling(view, cnf, from, dec, obs.load, facts);
      const message = `${cnf.name}: ${dec.message}`;
      events.push({ type: 'Normal', reason: dec.reason, message: `${message}. Why: ${explanation.text}` });
      const approved = plan.approval.approved[cnf.name];
      lastDecision = { time: metaTime(obs.now), reason: dec.reason, message, fromReplicas: from, toReplicas: dec.replicas, ...(approved ? { decision: approved } : {}), explanation };
      memory.lastDecision = lastDecision;
      scaled.push(dec.reason);
    }
    const report = reportRecommendation(view, cnf, from ?? dec.replicas, plan.approval, cm?.recommendation, obs.load, facts);
    if (report.event) events.push({ type: 'Normal', ...report.event });
    memory.cnfs![cnf.name] = { ...nextCnfMemory(view, obs.now, cm, from, dec, lastDecision, report.recommendation), health: plan.rollback.health[cnf.name] };
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
    progressing: plan.allReady ? undefined : { reason: outcome.applied > 0 ? 'Applied' : 'RollingOut', message: plan.rollout.join('; ') },
    scalingLimited: plan.scalingLimited,
    anomalous: plan.anomalous,
    view,
    replicas: Object.fromEntries(
      readiness.map(({ cnf, ready }) => {
        const m = memory.cnfs?.[cnf];
        const pending = plan.approval.pending[cnf];
        return [cnf, { desired: plan.replicas[cnf] ?? 0, ready, lastDecision: m?.lastDecision, recommendation: m?.recommendation, health: plan.rollback.health[cnf], ...(pending ? { pendingDecision: pending } : {}) }];
      }),
    ),
    pendingDecisions: new Set(Object.values(plan.approval.pending)).size,
    upfSites: plan.upfSites ?? [],
    ...(plan.runningSites ? { runningSites: plan.runningSites } : {}),
    ...(plan.placement?.ok ? { skippedSites: plan.placement.skipped } : {}),
    load,
    sameStep: (observedAt) => load?.observedAt !== undefined && obs.stepOf(Date.parse(observedAt)) === obs.stepOf(load.observedAt),
    forecastNote: load?.forecast?.fallbackReason,
    lastDecision: memory.lastDecision,
    provisionedCapacity: upf && plan.decisions[upf.name] ? plan.replicas[upf.name]! * upf.sessionsPerReplica : undefined,
  };
  return result;
}
