/**
 * The pure slice plan: decisions, placement, Degraded precedence, readiness, the deferred first
 * status, events and memory, from a slice's view and observations, with no I/O.
 */
import type { PodFacts } from '../../../src/controller/pod-facts.js';
import type { SliceMemory } from '../../../src/controller/slice-memory.js';
import { degradedReason, planOutcome, planSlice, type SliceObservations } from '../../../src/controller/slice-plan.js';
import { discoverSites, type NodeLike } from '../../../src/controller/sites.js';
import type { SliceView } from '../../../src/controller/slice-view.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import { DEFAULT_SITES, fakeNode } from '../../../tools/devcluster/topology.js';
import { examples } from '../../fixtures/api/corpus.js';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);

function viewOf(file: string, edit?: (spec: Record<string, unknown>) => void): SliceView {
  const m = structuredClone(examples().find((e) => e.file === file)!.manifest) as { metadata: object; spec: Record<string, unknown> };
  edit?.(m.spec);
  const r = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u1', generation: 2 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.view;
}

const sites = discoverSites(
  DEFAULT_SITES.flatMap((s) => Array.from({ length: s.nodes }, (_, i) => {
    const n = fakeNode(s, i, 'v1.34.4') as { status: object };
    return { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True' }] } } as NodeLike;
  })),
);

const observations = (o: Partial<SliceObservations> = {}): SliceObservations => ({
  now: T0,
  deployments: {},
  sites,
  stepOf: (ms) => Math.floor(ms / 3_600_000),
  ...o,
});
const empty = (): SliceMemory => ({ recommendations: {} });
const ready = (replicas: number) => ({ spec: { replicas }, status: { readyReplicas: replicas, updatedReplicas: replicas } });
const load = (current: number, forecastPeak: number) => ({
  current,
  observedAt: T0,
  calibration: 1,
  forecastPeak,
  forecast: { source: 'onnx', model: 'm', p50: forecastPeak, p90: forecastPeak, p99: forecastPeak },
});

describe('planSlice', () => {
  const embb = viewOf('embb.yaml');

  it('a new slice: each CNF at its floor without telemetry, UPF placed, all objects desired, not ready', () => {
    const plan = planSlice(embb, observations(), empty());
    for (const c of embb.cnfs) expect(plan.replicas[c.name]).toBe(c.minReplicas);
    expect(plan.placement?.ok).toBe(true);
    expect(plan.upfSites).toEqual(plan.placement?.ok ? plan.placement.sites : undefined);
    expect(plan.objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Deployment', 'Service', 'Service']);
    expect(plan.allReady).toBe(false);
    // No load at all: automatic slices hold capacity, but only the observer's own error degrades them.
    expect(plan.degraded).toBeUndefined();
  });

  it('scales the UPF to the forecast peak and keeps the recommendation', () => {
    const upf = embb.cnfs.find((c) => c.type === 'upf')!;
    const plan = planSlice(embb, observations({ load: load(100, 400), deployments: { [upf.name]: ready(2) } }), empty());
    expect(plan.replicas[upf.name]).toBeGreaterThan(2);
    expect(plan.recommendations[upf.name]).toEqual([{ at: T0, replicas: plan.decisions[upf.name]!.recommended }]);
  });

  it('is ready when every CNF has its desired replicas ready and updated', () => {
    const deployments = Object.fromEntries(embb.cnfs.map((c) => [c.name, ready(c.minReplicas)]));
    expect(planSlice(embb, observations({ deployments }), empty()).allReady).toBe(true);
    const upf = embb.cnfs.find((c) => c.type === 'upf')!;
    const stale = { ...deployments, [upf.name]: { spec: { replicas: upf.minReplicas }, status: { readyReplicas: upf.minReplicas, updatedReplicas: 0 } } };
    expect(planSlice(embb, observations({ deployments: stale }), empty()).allReady).toBe(false);
  });

  it('keeps a UPF that cannot be placed on its last sites, and says so', () => {
    const plan = planSlice(embb, observations({ sites: [] }), { recommendations: {}, lastSites: ['edge-a'] });
    expect(plan.placement?.ok).toBe(false);
    expect(plan.upfSites).toEqual(['edge-a']);
    expect(plan.degraded?.message).toMatch(/; UPF kept on edge-a$/);
  });
});

describe('degradedReason', () => {
  const embb = viewOf('embb.yaml');
  const staticSlice = viewOf('embb.yaml', (spec) => ((spec.scaling as Record<string, unknown>).mode = 'static'));
  const failed = { ok: false as const, reason: 'NoSiteAvailable' as const, message: 'no site' };
  const fault = { ...load(1, 1), forecast: { ...load(1, 1).forecast, source: 'ewma', modelFault: 'model not loaded' } };

  it('placement first, then the slice telemetry error, then the observer error, then a model fault', () => {
    expect(degradedReason(embb, observations({ load: { calibration: 1, telemetryError: 'bad' } }), failed, undefined)?.reason).toBe('NoSiteAvailable');
    expect(degradedReason(embb, observations({ load: { calibration: 1, telemetryError: 'bad' }, telemetryError: 'down' }), undefined, undefined)).toEqual({ reason: 'TelemetryUnavailable', message: 'bad; holding current capacity' });
    expect(degradedReason(embb, observations({ telemetryError: 'down' }), undefined, undefined)).toEqual({ reason: 'TelemetryUnavailable', message: 'down; holding current capacity' });
    expect(degradedReason(embb, observations({ load: fault }), undefined, undefined)).toEqual({ reason: 'ForecastModelUnavailable', message: 'model not loaded; scaling on ewma forecasts (m)' });
    expect(degradedReason(embb, observations({ load: load(1, 1) }), undefined, undefined)).toBeUndefined();
  });

  it('a static slice does not depend on telemetry', () => {
    expect(degradedReason(staticSlice, observations({ telemetryError: 'down' }), undefined, undefined)).toBeUndefined();
  });
});

describe('planOutcome', () => {
  const embb = viewOf('embb.yaml');
  const upf = embb.cnfs.find((c) => c.type === 'upf')!;

  it("leaves a new slice's first status to the reconcile its children's creation brings", () => {
    const obs = observations();
    const plan = planSlice(embb, obs, empty());
    const r = planOutcome(embb, obs, empty(), plan, { applied: 5, allNew: true, hasStatus: false });
    expect(r.status).toBeUndefined();
    expect(r.events).toEqual([expect.objectContaining({ reason: 'UPFPlaced' })]);
    expect(r.memory.lastSites).toEqual(plan.upfSites);
  });

  it('reports a problem of a new slice at once', () => {
    const obs = observations({ telemetryError: 'down' });
    const plan = planSlice(embb, obs, empty());
    const r = planOutcome(embb, obs, empty(), plan, { applied: 5, allNew: true, hasStatus: false });
    expect(r.status).toMatchObject({ ready: false, degraded: { reason: 'TelemetryUnavailable' }, progressing: { reason: 'Applied' } });
  });

  it('a replica change is an event, a decision to remember and count, and the provisioned capacity', () => {
    const mem: SliceMemory = { recommendations: {}, lastSites: ['edge-a'] };
    const obs = observations({ load: load(100, 400), deployments: { [upf.name]: ready(2) }, upfSites: ['edge-a'] });
    const plan = planSlice(embb, obs, mem);
    const r = planOutcome(embb, obs, mem, plan, { applied: 1, allNew: false, hasStatus: true });
    const to = plan.replicas[upf.name]!;
    const scaledEvent = r.events.find((e) => e.reason === plan.decisions[upf.name]!.reason)!;
    expect(scaledEvent.message).toBe(`${upf.name}: ${plan.decisions[upf.name]!.message}. Why: ${r.memory.lastDecision!.explanation!.text}`);
    expect(r.memory.lastDecision!.explanation).toMatchObject({ loadNow: 100, forecast: { p99: 400, peak: 400 }, rawReplicas: 22, chosenReplicas: 6, bound: 'MaxStep', reactiveReplicas: 6, placement: { chosen: ['edge-a', 'edge-b'] } });
    expect(r.scaled).toContain(plan.decisions[upf.name]!.reason);
    expect(r.memory.lastDecision).toBeDefined();
    expect(r.status?.provisionedCapacity).toBe(to * upf.sessionsPerReplica);
    expect(r.status?.progressing).toEqual({ reason: 'Applied', message: `${upf.name}: 2 of ${to} replicas updated; smf: Deployment not created yet` });
    expect(r.status?.sameStep?.(new Date(T0 + 60_000).toISOString())).toBe(true);
    expect(r.status?.sameStep?.(new Date(T0 + 3_600_000).toISOString())).toBe(false);
  });

  it('a UPF moved to other sites is UPFReplaced, naming where it was', () => {
    const mem: SliceMemory = { recommendations: {}, lastSites: ['nowhere'] };
    const obs = observations();
    const r = planOutcome(embb, obs, mem, planSlice(embb, obs, mem), { applied: 1, allNew: false, hasStatus: true });
    expect(r.events[0]).toMatchObject({ reason: 'UPFReplaced', message: expect.stringMatching(/ \(was nowhere\)\. Skipped regional-1: eligible, but not needed: /) });
  });
});

describe('telemetry faults and Degraded events', () => {
  const embb = viewOf('embb.yaml');
  const invalid = { calibration: 1, telemetryError: 'spec.telemetry.loadQuery is not valid PromQL: parse error', telemetryReason: 'TelemetryQueryInvalid' as const };

  it("the slice's own query fault is its Degraded reason", () => {
    expect(degradedReason(embb, observations({ load: invalid }), undefined, undefined)).toEqual({ reason: 'TelemetryQueryInvalid', message: `${invalid.telemetryError}; holding current capacity` });
  });

  it('a slice turning Degraded says so once as a Warning event, not on every reconcile', () => {
    const obs = observations({ load: invalid });
    const plan = planSlice(embb, obs, empty());
    const first = planOutcome(embb, obs, empty(), plan, { applied: 0, allNew: false, hasStatus: true });
    expect(first.events).toContainEqual({ type: 'Warning', reason: 'TelemetryQueryInvalid', message: plan.degraded!.message });
    const again = planOutcome(embb, { ...obs, degradedBefore: 'TelemetryQueryInvalid' }, empty(), plan, { applied: 0, allNew: false, hasStatus: true });
    expect(again.events.filter((e) => e.type === 'Warning')).toEqual([]);
  });
});

describe('planSlice with the CNFs\' pods', () => {
  const embb = viewOf('embb.yaml');
  const siteOf = (node: string) => node.replace(/-node-\d+$/, '');
  const pod = (node: string | undefined, o: Partial<PodFacts> = {}): PodFacts => ({ phase: node ? 'Running' : 'Pending', ready: !!node, createdMs: T0 - 300_000, restarts: 0, ...(node ? { node } : {}), ...o });
  const unschedulable = (since: number) => pod(undefined, { createdMs: since, unschedulable: "0/7 nodes are available: 2 node(s) didn't match pod anti-affinity rules." });
  const placed = (mem = empty()) => {
    const first = planSlice(embb, observations(), mem);
    return { ...mem, lastSites: first.upfSites } as SliceMemory;
  };

  it('reports where UPF pods run, and a slice whose pods all run in place is ready', () => {
    const mem = placed();
    const site = mem.lastSites![0]!;
    const plan = planSlice(embb, observations({ deployments: { upf: ready(2), smf: ready(1) }, pods: { upf: [pod(`${site}-node-0`), pod(`${site}-node-1`)], smf: [pod('regional-1-node-0')] }, siteOf }), { ...mem, cnfs: { upf: { replicas: 2, events: [] }, smf: { replicas: 1, events: [] } } });
    expect(plan.runningSites).toEqual([{ site, pods: 2 }]);
    expect(plan.allReady).toBe(true);
    expect(plan.makeRoom).toEqual([]);
  });

  it('a rollout blocked by unschedulable pods says why, makes room after a while, and degrades after longer', () => {
    const mem = { ...placed(), cnfs: { upf: { replicas: 2, events: [] }, smf: { replicas: 1, events: [] } } };
    const site = mem.lastSites![0]!;
    // Two old pods on the site's two nodes, one new pod that required anti-affinity keeps Pending.
    const blocked = { spec: { replicas: 2 }, status: { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 } };
    const obs = (since: number) => observations({ deployments: { upf: blocked, smf: ready(1) }, pods: { upf: [pod(`${site}-node-0`), pod(`${site}-node-1`), unschedulable(since)], smf: [pod('regional-1-node-0')] }, siteOf });
    const early = planSlice(embb, obs(T0 - 10_000), mem);
    expect(early.allReady).toBe(false);
    expect(early.rollout[0]).toBe("upf: 1 of 2 replicas updated; upf: 1 pod Pending: 0/7 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
    expect(early.makeRoom).toEqual([]);
    expect(early.degraded).toBeUndefined();

    const later = planSlice(embb, obs(T0 - 40_000), mem);
    expect(later.makeRoom).toEqual(['upf']);
    const upfDeployment = later.objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-upf')) as unknown as { spec: { strategy?: unknown } };
    expect(upfDeployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const outcome = planOutcome(embb, obs(T0 - 40_000), mem, later, { applied: 1, allNew: false, hasStatus: true });
    expect(outcome.events.map((e) => e.reason)).toContain('RolloutMakingRoom');
    // Once the Deployment makes room, the event is not repeated and the strategy stays until the rollout is done.
    const making = { ...blocked, spec: { replicas: 2, makingRoom: true } };
    const obsMaking = observations({ deployments: { upf: making, smf: ready(1) }, pods: { upf: [pod(`${site}-node-0`), unschedulable(T0 - 40_000)] }, siteOf });
    const again = planSlice(embb, obsMaking, mem);
    expect(again.makeRoom).toEqual(['upf']);
    expect(planOutcome(embb, obsMaking, mem, again, { applied: 0, allNew: false, hasStatus: true }).events.map((e) => e.reason)).not.toContain('RolloutMakingRoom');
    const done = planSlice(embb, observations({ deployments: { upf: { ...ready(2), spec: { replicas: 2, makingRoom: true } }, smf: ready(1) }, pods: { upf: [pod(`${site}-node-0`), pod(`${site}-node-1`)] }, siteOf }), mem);
    expect(done.makeRoom).toEqual([]);

    const stuck = planSlice(embb, obs(T0 - 130_000), mem);
    expect(stuck.degraded).toEqual({ reason: 'PodsUnschedulable', message: expect.stringMatching(/^upf: 1 pod Pending for 130 s: 0\/7 nodes/) });
  });

  it('a new pod Pending without old pods beside it (a scale-up) never changes the rollout strategy', () => {
    const mem = { ...placed(), cnfs: { upf: { replicas: 3, events: [] }, smf: { replicas: 1, events: [] } } };
    const site = mem.lastSites![0]!;
    const scaling = { spec: { replicas: 3 }, status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 } };
    const plan = planSlice(embb, observations({ deployments: { upf: scaling, smf: ready(1) }, pods: { upf: [pod(`${site}-node-0`), pod(`${site}-node-1`), unschedulable(T0 - 60_000)] }, siteOf }), mem);
    expect(plan.makeRoom).toEqual([]);
    expect(plan.rollout[0]).toMatch(/^upf: 2 of 3 replicas available; upf: 1 pod Pending: /);
  });

  it('UPF pods on a site outside the placement keep the slice from Ready, and say where', () => {
    const mem = { ...placed(), cnfs: { upf: { replicas: 2, events: [] }, smf: { replicas: 1, events: [] } } };
    const site = mem.lastSites![0]!;
    const other = ['edge-a', 'edge-b', 'regional-1'].find((x) => !mem.lastSites!.includes(x))!;
    const plan = planSlice(embb, observations({ deployments: { upf: ready(2), smf: ready(1) }, pods: { upf: [pod(`${site}-node-0`), pod(`${other}-node-1`)] }, siteOf }), mem);
    expect(plan.allReady).toBe(false);
    expect(plan.rollout).toEqual([`upf: pods run outside the placement (${plan.upfSites!.join(', ')}): 1 on ${other}`]);
    expect(plan.runningSites).toEqual([{ site, pods: 1 }, { site: other, pods: 1 }].sort((a, b) => a.site.localeCompare(b.site)));
  });
});

describe('repairs through the automation modes', () => {
  const siteOf = (node: string) => node.replace(/-node-\d+$/, '');
  // A disruption window on the first of January: closed on T0.
  const closed = [{ schedule: '0 0 1 1 *', durationSeconds: 60 }];
  const withMode = (mode: string) => viewOf('embb.yaml', (s) => void (s.automation = { mode, budgets: closed, ...(mode === 'Approve' ? { policy: { maxStepReplicas: 2 } } : {}) }));
  const pod = (node: string, ready: boolean, o: Partial<PodFacts> = {}): PodFacts => ({ node, phase: 'Running', ready, createdMs: T0 - 600_000, readyChangedMs: T0 - 120_000, restarts: 0, ...o });

  /** The UPF placed and running; the pods on its first site unready for two minutes. */
  const sick = (view: SliceView) => {
    const first = planSlice(view, observations(), empty());
    const lastSites = first.upfSites!;
    const pods = { upf: lastSites.flatMap((s, i) => [pod(`${s}-node-0`, i > 0), pod(`${s}-node-1`, i > 0)]), smf: [pod('regional-1-node-0', true)] };
    const mem: SliceMemory = { ...empty(), lastSites, cnfs: { upf: { replicas: 4, events: [] }, smf: { replicas: 1, events: [] } } };
    return { lastSites, plan: planSlice(view, observations({ deployments: { upf: ready(4), smf: ready(1) }, pods, siteOf }), mem) };
  };

  it('Auto moves the UPF off an unhealthy site at once, even outside every disruption window', () => {
    const { lastSites, plan } = sick(withMode('Auto'));
    expect(plan.placement?.ok && plan.placement.sites).not.toContain(lastSites[0]);
    expect(plan.anomalous?.reason).toBe('SiteUnhealthy');
    expect(plan.approval.proposals).toEqual([]);
    expect(plan.scalingLimited?.reason).not.toBe('OutsideBudget');
  });

  it('Approve keeps the UPF in place and proposes the move with the anomaly as evidence; Recommend only recommends it', () => {
    const { lastSites, plan } = sick(withMode('Approve'));
    expect(plan.placement?.ok && plan.placement.sites).toEqual(lastSites);
    expect(plan.approval.placementHeld?.reason).toBe('AwaitingApproval');
    expect(plan.approval.proposals).toEqual([
      expect.objectContaining({ action: 'Replace', reason: 'SiteUnhealthy', fromSites: lastSites, anomaly: { kind: 'SiteUnhealthy', message: plan.anomalous!.message } }),
    ]);
    expect(plan.approval.proposals[0]!.toSites).not.toContain(lastSites[0]);
    const rec = sick(withMode('Recommend')).plan;
    expect(rec.placement?.ok && rec.placement.sites).toEqual(lastSites);
    expect(rec.approval.placementHeld?.reason).toBe('Recommended');
    expect(rec.approval.proposals).toEqual([]);
  });

  it('Approve holds a rollback: the failing image stays, the Anomalous condition says what waits', () => {
    const view = viewOf('embb.yaml', (s) => {
      s.automation = { mode: 'Approve', policy: { maxStepReplicas: 2 } };
      (s.cnfs as { name: string; image: string }[]).find((c) => c.name === 'upf')!.image = 'upf:2';
    });
    const crash = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' }, restarts: 4 };
    const first = planSlice(view, observations(), empty());
    const mem: SliceMemory = { ...empty(), lastSites: first.upfSites, cnfs: { upf: { replicas: 2, events: [], health: { healthyImage: 'upf:1' } }, smf: { replicas: 1, events: [] } } };
    const pods = { upf: [pod(`${first.upfSites![0]}-node-0`, false, crash)], smf: [pod('regional-1-node-0', true)] };
    const plan = planSlice(view, observations({ deployments: { upf: ready(2), smf: ready(1) }, pods, siteOf }), mem);
    const upf = plan.objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-upf')) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(upf.spec.template.spec.containers[0]!.image).toBe('upf:2');
    expect(plan.rollback.started).toEqual([]);
    const name = `${view.name}-upf-rollback-0`;
    expect(plan.approval.proposals.map((p) => [p.name, p.action, p.fromImage, p.toImage])).toEqual([[name, 'Rollback', 'upf:2', 'upf:1']]);
    expect(plan.approval.pending.upf).toBe(name);
    expect(plan.anomalous).toEqual({ reason: 'CNFFailing', message: `upf: 1 pod CrashLoopBackOff: back-off 40s; rolling upf back from upf:2 to upf:1 waits for approval of SliceDecision ${name}` });
  });
});
