/**
 * SliceReconciler as kubebuilder tests a controller: built on a fake of its narrow client and
 * in-memory caches, reconcile one key, then assert the writes it made, the events and the status.
 * The API server itself is exercised by the e2e tests (test/e2e/controller.test.ts).
 */
import { Registry } from 'prom-client';
import { SliceReconciler, type SliceTelemetry } from '../../../src/controller/reconciler.js';
import { SliceMetrics } from '../../../src/controller/slice-metrics.js';
import type { SliceStatus } from '../../../src/controller/status.js';
import { objectPath } from '../../../src/controller/resources.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import { ApiError } from '../../../src/runtime/errors.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import type { ObservedSlice, SliceLoad } from '../../../src/telemetry/slice-load.js';
import { DEFAULT_SITES, fakeNode } from '../../../tools/devcluster/topology.js';
import { FakeApi } from '../../fixtures/controller/fake-api.js';
import { examples } from '../../fixtures/api/corpus.js';

const NS = 'team-a';
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const log = { log: silentLogger };

/** Telemetry as the reconciler sees it: a load per key that the test sets. */
class FakeTelemetry implements SliceTelemetry {
  readonly loads = new Map<string, SliceLoad>();
  readonly observed = new Map<string, ObservedSlice>();
  readonly removed: string[] = [];
  lastError?: string;
  upsert(s: ObservedSlice): void {
    this.observed.set(s.key, s);
  }
  get(key: string): SliceLoad | undefined {
    return this.loads.get(key);
  }
  remove(key: string): void {
    this.removed.push(key);
    this.observed.delete(key);
  }
  stepOf(wallMs: number): number {
    return Math.floor(wallMs / 3_600_000);
  }
}

type Manifest = { metadata: { name: string; namespace?: string; [k: string]: unknown }; spec: Record<string, unknown>; [k: string]: unknown };
const example = (file: string): Manifest => structuredClone(examples().find((e) => e.file === file)!.manifest) as Manifest;

/** A kwok node of the dev cluster's topology, Ready as kwok reports it. */
const readyNode = (site: (typeof DEFAULT_SITES)[number], i: number) => {
  const n = fakeNode(site, i, 'v1.34.4') as { status: Record<string, unknown> };
  return { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True' }] } };
};

function setup(sites = DEFAULT_SITES) {
  const api = new FakeApi();
  for (const site of sites) for (let i = 0; i < site.nodes; i++) api.nodes.put(readyNode(site, i) as never);
  const telemetry = new FakeTelemetry();
  const events: { type: string; reason: string; message: string }[] = [];
  let now = T0;
  const registry = new Registry();
  const reconciler = new SliceReconciler({
    client: api,
    slices: api.slices,
    owned: api.owned,
    nodes: api.nodes,
    observer: telemetry,
    events: { record: (_t, type, reason, message) => void events.push({ type, reason, message }) },
    parse: toSliceView,
    metrics: new SliceMetrics(registry),
    now: () => now,
  });
  const slicePath = (name: string) => objectPath('NetworkSlice', NS, name);
  const deploymentPath = (slice: string, cnf: string) => objectPath('Deployment', NS, `${slice}-${cnf}`);
  const create = (m: Manifest) => {
    api.createSlice(slicePath(m.metadata.name), { apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice', ...m, metadata: { ...m.metadata, namespace: NS } });
    api.settle();
  };
  const status = (name: string) => api.objects.get(slicePath(name))!.status as SliceStatus | undefined;
  const condition = (name: string, type: string) => status(name)?.conditions?.find((c) => c.type === type);
  const reconcile = (name: string) => reconciler.reconcile(`${NS}/${name}`, log);
  /** Every CNF Deployment of the slice rolled out to its replicas, and the caches told. */
  const rollOutAll = (name: string) => {
    for (const path of api.objects.keys()) if (path.includes(`/deployments/${name}-`)) api.rollOut(path);
    api.settle();
  };
  return { api, telemetry, events, registry, reconciler, slicePath, deploymentPath, create, status, condition, reconcile, rollOutAll, advance: (ms: number) => (now += ms) };
}

/** A ready embb slice whose UPF the test drives with the observed load; returns its helpers. */
async function readySlice(edit?: (m: Manifest) => void) {
  const t = setup();
  const m = example('embb.yaml');
  edit?.(m);
  t.create(m);
  await t.reconcile('embb-video');
  t.rollOutAll('embb-video');
  await t.reconcile('embb-video');
  const upfPath = t.deploymentPath('embb-video', 'upf');
  const replicas = () => (t.api.objects.get(upfPath)!.spec as { replicas: number }).replicas;
  const load = (current: number) => t.telemetry.loads.set(`${NS}/embb-video`, { current, observedAt: T0, calibration: 1 });
  const step = async (ms = 20_000) => {
    t.advance(ms);
    t.rollOutAll('embb-video');
    await t.reconcile('embb-video');
  };
  return { ...t, upfPath, replicas, load, step };
}

describe('SliceReconciler', () => {
  it('creates the children of a new slice in one round of applies and leaves its first status to the next reconcile', async () => {
    const t = setup();
    t.create(example('embb.yaml'));
    await t.reconcile('embb-video');
    const applied = t.api.writes().filter((c) => c.verb === 'APPLY').map((c) => c.path);
    expect(applied).toEqual(
      expect.arrayContaining([
        objectPath('PriorityClass', undefined, 'slice-embb'),
        t.deploymentPath('embb-video', 'upf'),
        t.deploymentPath('embb-video', 'smf'),
        objectPath('Service', NS, 'embb-video-upf'),
        objectPath('ConfigMap', NS, 'embb-video-qos'),
      ]),
    );
    // Its children's 'add' events bring the next reconcile, which writes the first status.
    expect(t.api.writes().filter((c) => c.verb === 'MERGE')).toEqual([]);
    expect(t.events.map((e) => e.reason)).toEqual(['UPFPlaced']);
    expect(t.telemetry.observed.get(`${NS}/embb-video`)).toMatchObject({ snssai: '1-000001', plmnid: '00101', quantile: 'p99' });
  });

  it('reports Provisioning while replicas start, Ready once they are, and writes nothing on a no-op pass', async () => {
    const t = setup();
    t.create(example('embb.yaml'));
    await t.reconcile('embb-video');
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.status('embb-video')?.phase).toBe('Provisioning');
    expect(t.condition('embb-video', 'Progressing')).toMatchObject({ status: 'True', reason: 'RollingOut', observedGeneration: 1 });
    t.rollOutAll('embb-video');
    await t.reconcile('embb-video');
    expect(t.status('embb-video')?.phase).toBe('Ready');
    expect(t.condition('embb-video', 'Ready')).toMatchObject({ status: 'True', reason: 'Provisioned' });
    expect(t.status('embb-video')?.placement?.upfSites?.length).toBeGreaterThan(0);
    const before = t.api.writes().length;
    await t.reconcile('embb-video');
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.api.writes().length).toBe(before);
  });

  it('an invalid slice is Degraded InvalidSpec with the field named, a Warning event, and no child', async () => {
    const t = setup();
    const m = example('embb.yaml');
    (m.spec.snssai as { sst: number }).sst = 999;
    t.create(m);
    await t.reconcile('embb-video');
    expect(t.api.writes().map((c) => c.verb)).toEqual(['MERGE']);
    expect(t.condition('embb-video', 'Degraded')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    expect(t.condition('embb-video', 'Degraded')?.message).toMatch(/snssai\.sst/);
    expect(t.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'InvalidSpec' })]);
  });

  it('a second slice with the same S-NSSAI is not provisioned and says which slice holds it', async () => {
    const t = setup();
    t.create(example('embb.yaml'));
    const twin = example('embb.yaml');
    twin.metadata.name = 'embb-twin';
    t.create(twin);
    await t.reconcile('embb-twin');
    expect(t.condition('embb-twin', 'Degraded')).toMatchObject({ status: 'True', reason: 'DuplicateSNSSAI' });
    expect(t.condition('embb-twin', 'Degraded')?.message).toContain(`${NS}/embb-video`);
    expect(t.api.writes().filter((c) => c.verb === 'APPLY')).toEqual([]);
    // It has a Degraded metric series, so the NetworkSliceDegraded alert fires for it.
    expect(await t.registry.getSingleMetricAsString('slice_operator_slice_degraded')).toContain(`slice_operator_slice_degraded{namespace="${NS}",slice="embb-twin"} 1`);
  });

  it('scales the UPF up to the forecast, with an event and the decision in status', async () => {
    const t = await readySlice();
    const upf = t.deploymentPath('embb-video', 'upf');
    const before = (t.api.objects.get(upf)!.spec as { replicas: number }).replicas;
    t.telemetry.loads.set(`${NS}/embb-video`, {
      current: 400,
      observedAt: T0,
      calibration: 1,
      forecast: { source: 'onnx', model: 'm', p50: 450, p90: 480, p99: 500 },
      forecastPeak: 500,
    });
    t.advance(60_000);
    await t.reconcile('embb-video');
    const after = (t.api.objects.get(upf)!.spec as { replicas: number }).replicas;
    expect(after).toBeGreaterThan(before);
    const upfEvent = t.events.find((e) => e.type === 'Normal' && e.message.startsWith('upf: '));
    expect(upfEvent).toMatchObject({ type: 'Normal', reason: expect.stringMatching(/ScaleUp|StepLimited|BoundedByMax/) });
    // The status keeps the last decision of the reconcile (CNFs in spec order).
    const last = t.events.filter((e) => e.type === 'Normal').at(-1)!;
    const lastDecision = t.status('embb-video')?.lastDecision;
    expect(lastDecision).toMatchObject({ reason: last.reason });
    // The event says what the status says, and why, with the numbers of the explanation.
    expect(last.message).toBe(`${lastDecision!.message}. Why: ${lastDecision!.explanation!.text}`);
    expect(lastDecision!.explanation).toMatchObject({ loadNow: expect.any(Number), rawReplicas: expect.any(Number), reactiveReplicas: expect.any(Number), bound: expect.any(String) });
    expect(await t.registry.getSingleMetricAsString('slice_operator_scaling_decisions_total')).toContain(`reason="${upfEvent!.reason}"`);
  });

  it('holds capacity and reports Degraded TelemetryUnavailable when telemetry fails', async () => {
    const t = setup();
    t.create(example('embb.yaml'));
    t.telemetry.lastError = 'Prometheus unreachable';
    await t.reconcile('embb-video');
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.condition('embb-video', 'Degraded')).toMatchObject({ status: 'True', reason: 'TelemetryUnavailable' });
    expect(t.condition('embb-video', 'Degraded')?.message).toBe('Prometheus unreachable; holding current capacity');
  });

  it('a failed apply fails the reconcile (the queue retries it) and sends no event', async () => {
    const t = setup();
    t.create(example('embb.yaml'));
    t.api.failures.APPLY = [new ApiError(500, 'InternalError', 'etcd timeout', 'PATCH', 'x')];
    await expect(t.reconcile('embb-video')).rejects.toThrow(/etcd timeout/);
    expect(t.events).toEqual([]);
  });

  it('a status write that conflicts is left to the reconcile the newer version brings', async () => {
    const t = setup();
    const m = example('embb.yaml');
    (m.spec.snssai as { sst: number }).sst = 999;
    t.create(m);
    t.api.failures.MERGE = [new ApiError(409, 'Conflict', 'the object has been modified', 'PATCH', 'x')];
    await expect(t.reconcile('embb-video')).resolves.toEqual({});
    await t.reconcile('embb-video');
    expect(t.condition('embb-video', 'Degraded')?.reason).toBe('InvalidSpec');
  });

  it('removes a finalizer an earlier version left, and forgets a deleted slice', async () => {
    const t = setup();
    const m = example('embb.yaml');
    m.metadata.finalizers = ['slicing.telco.dev/cleanup'];
    t.create(m);
    await t.reconcile('embb-video');
    const patch = t.api.writes().find((c) => c.verb === 'PATCH');
    expect(patch?.body).toEqual([
      { op: 'test', path: '/metadata/finalizers/0', value: 'slicing.telco.dev/cleanup' },
      { op: 'remove', path: '/metadata/finalizers/0' },
    ]);
    expect(t.api.objects.get(t.slicePath('embb-video'))!.metadata.finalizers).toEqual([]);
    t.api.slices.remove(`${NS}/embb-video`);
    await t.reconcile('embb-video');
    expect(t.telemetry.removed).toEqual([`${NS}/embb-video`]);
  });

  it('a slice being deleted has its leftover finalizer removed and nothing applied', async () => {
    const t = setup();
    const m = example('embb.yaml');
    m.metadata.finalizers = ['slicing.telco.dev/cleanup'];
    m.metadata.deletionTimestamp = '2026-12-01T10:00:00Z';
    t.create(m);
    await t.reconcile('embb-video');
    expect(t.api.writes().map((c) => c.verb)).toEqual(['PATCH']);
    expect(t.telemetry.removed).toEqual([`${NS}/embb-video`]);
  });

  it('a URLLC slice none of whose edge sites has a node is Degraded and creates no UPF', async () => {
    const t = setup(DEFAULT_SITES.filter((s) => s.tier !== 'edge'));
    t.create(example('urllc.yaml'));
    await t.reconcile('urllc-factory');
    expect(t.condition('urllc-factory', 'Degraded')).toMatchObject({ status: 'True', reason: 'NoSiteAvailable' });
    expect(t.api.objects.has(t.deploymentPath('urllc-factory', 'upf'))).toBe(false);
  });

  it('names the slice that owns a child from its label', () => {
    expect(SliceReconciler.ownerKey({ metadata: { namespace: NS, name: 'x-upf', labels: { 'slicing.telco.dev/slice': 'x' } } as never })).toBe(`${NS}/x`);
    expect(SliceReconciler.ownerKey({ metadata: { namespace: NS, name: 'other' } })).toBeUndefined();
  });
});

describe('SliceReconciler: scaling guarantees at their edges', () => {
  const reactive = (m: Manifest) => ((m.spec.scaling as Record<string, unknown>).mode = 'reactive');

  it('a manual kubectl scale is restored to the decision, and stabilisation still holds the scale-down', async () => {
    const t = await readySlice(reactive);
    t.load(400);
    for (let i = 0; i < 4; i++) await t.step();
    const held = t.replicas();
    expect(held).toBeGreaterThan(3);
    t.load(10);
    await t.step();
    expect(t.replicas()).toBe(held);
    t.api.scale(t.upfPath, 3);
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.replicas()).toBe(held);
    expect(t.events.at(-1)).toMatchObject({ reason: 'ReplicasRestored', message: expect.stringContaining(`set to 3 outside the operator; restored to ${held}`) });
    expect(t.condition('embb-video', 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleDownStabilized', message: expect.stringMatching(/upf: scale-down to 1 held at \d+ until 2026-12-01T\S+Z/) });
  });

  it('a paused slice keeps a manual count and its sites, and says why', async () => {
    const t = await readySlice((m) => {
      reactive(m);
      m.metadata.annotations = { 'slicing.telco.dev/paused': 'true' };
    });
    t.load(400);
    await t.step();
    const before = t.replicas();
    t.api.scale(t.upfPath, before + 3);
    t.api.settle();
    await t.step();
    expect(t.replicas()).toBe(before + 3);
    expect(t.events.some((e) => e.reason === 'ReplicasRestored')).toBe(false);
    expect(t.condition('embb-video', 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'Paused' });
  });

  it('maxStep is a rate: reconciles in quick succession do not chain steps', async () => {
    const t = await readySlice(reactive);
    const start = t.replicas();
    t.load(2000);
    await t.step(1000);
    const first = t.replicas();
    expect(first).toBeGreaterThan(start);
    await t.step(1000);
    await t.step(1000);
    expect(t.replicas()).toBe(first);
    await t.step(15_000);
    expect(t.replicas()).toBeGreaterThan(first);
  });

  it('is not Ready while the load exceeds what maxReplicas carries, and says by how much', async () => {
    const t = await readySlice(reactive);
    t.load(100_000);
    for (let i = 0; i < 10; i++) await t.step();
    expect(t.condition('embb-video', 'Ready')).toMatchObject({ status: 'False', reason: 'CapacityShort' });
    expect(t.condition('embb-video', 'Degraded')?.message).toMatch(/upf: load 100000 exceeds the capacity of \d+ replicas \(\d+\); maxReplicas \d+ carries at most \d+/);
    expect(t.condition('embb-video', 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'BoundedByMax' });
  });

  it('is Degraded when the SLA guarantees more throughput than the UPF carries at maxReplicas', async () => {
    const t = await readySlice((m) => {
      const sla = m.spec.sla as { downlinkThroughput: { guaranteedMbps: number; maximumMbps: number } };
      sla.downlinkThroughput = { guaranteedMbps: 50_000, maximumMbps: 60_000 };
    });
    await t.step();
    expect(t.condition('embb-video', 'Degraded')).toMatchObject({ status: 'True', reason: 'SLAExceedsCapacity' });
  });

  it('a stuck rollout is not Ready: Progressing names old replicas, Degraded the deadline', async () => {
    const t = await readySlice();
    const d = t.api.objects.get(t.upfPath)!;
    const want = (d.spec as { replicas: number }).replicas;
    d.status = { observedGeneration: 1, replicas: want + 1, updatedReplicas: want, readyReplicas: want, availableReplicas: want, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] };
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.condition('embb-video', 'Ready')?.status).toBe('False');
    expect(t.condition('embb-video', 'Progressing')?.message).toContain('upf: 1 old replicas pending termination');
    d.status = { ...(d.status as object), conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }] };
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.condition('embb-video', 'Degraded')).toMatchObject({ status: 'True', reason: 'RolloutStuck', message: expect.stringContaining('ProgressDeadlineExceeded') });
  });

  it('after a restart, the decided replicas hold for a stabilisation window and the last step counts', async () => {
    const t = await readySlice(reactive);
    t.load(400);
    for (let i = 0; i < 4; i++) await t.step();
    const held = t.replicas();
    t.load(10);
    // A new process: no memory but what the slice's status holds.
    const fresh = new SliceReconciler({ client: t.api, slices: t.api.slices, owned: t.api.owned, nodes: t.api.nodes, observer: t.telemetry, events: { record: () => undefined }, parse: toSliceView, now: () => T0 + 10 * 60_000 });
    t.api.settle();
    await fresh.reconcile(`${NS}/embb-video`, log);
    expect(t.replicas()).toBe(held);
  });

});

describe('SliceReconciler: pruning CNFs removed from the spec', () => {
  it("deletes a removed CNF's Deployment and Service it owns, with an event, and nothing it does not own", async () => {
    const t = await readySlice();
    const smf = t.deploymentPath('embb-video', 'smf');
    expect(t.api.objects.has(smf)).toBe(true);
    t.api.editSlice(t.slicePath('embb-video'), (spec) => (spec.cnfs = (spec.cnfs as { type: string }[]).filter((c) => c.type !== 'smf')));
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.api.objects.has(smf)).toBe(false);
    const deleted = t.api.writes().filter((c) => c.verb === 'DELETE');
    expect(deleted.map((c) => c.path)).toContain(smf);
    expect(deleted.every((c) => c.path.endsWith('/embb-video-smf'))).toBe(true);
    expect(deleted[0]!.body).toMatchObject({ preconditions: { uid: expect.any(String) } });
    expect(t.events.filter((e) => e.reason === 'CNFRemoved').map((e) => e.message)).toContain('Deployment embb-video-smf deleted: CNF smf is no longer in spec.cnfs');
    expect(t.status('embb-video')?.cnfs?.map((c) => c.name)).toEqual(['upf']);
  });

  it('leaves an object of the same name that the slice does not own', async () => {
    const t = await readySlice();
    const smf = t.deploymentPath('embb-video', 'smf');
    // Someone replaced it with a Deployment of their own under the operator's label, no owner reference.
    const theirs = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'embb-video-smf', namespace: NS, labels: { 'slicing.telco.dev/slice': 'embb-video', 'app.kubernetes.io/managed-by': 'slice-operator' } }, spec: { replicas: 1 } };
    t.api.put(smf, theirs);
    t.api.settle();
    t.api.editSlice(t.slicePath('embb-video'), (spec) => (spec.cnfs = (spec.cnfs as { type: string }[]).filter((c) => c.type !== 'smf')));
    t.api.settle();
    await t.reconcile('embb-video');
    expect(t.api.objects.has(smf)).toBe(true);
    expect(t.api.writes().filter((c) => c.verb === 'DELETE' && c.path === smf)).toEqual([]);
  });
});
