/**
 * The operator end to end on a real control plane of its own (it deletes nodes), with kwok nodes
 * in three sites, a real Prometheus scraping an Open5GS-style exporter whose load the test sets,
 * and the Manager as the operator runs it: examples reconcile into Deployments whose pods run on
 * the right sites, load moves replicas, losing a site moves the UPF, a no-op resync writes
 * nothing, bad-but-schema-valid slices go Degraded, deleting a slice removes everything.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { Manager } from '../../src/controller/manager.js';
import { toSliceView } from '../../src/controller/view-from-api.js';
import { LocalCluster } from '../../tools/devcluster/cluster.js';
import { LocalPrometheus } from '../../tools/devcluster/prometheus.js';
import { DEFAULT_SITES, fakeNode } from '../../tools/devcluster/topology.js';
import { ReplayerServer, type ReplayedSlice } from '../../tools/replayer/replayer.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { eventually, installCrd, kubectl, repoRoot } from './support.js';

type Obj = { metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[]; deletionTimestamp?: string }; spec?: any; status?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const example = (file: string): Record<string, any> => parse(readFileSync(path.join(repoRoot, 'examples', file), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('operator on a real control plane', () => {
  const cluster = new LocalCluster();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slice-ctrl-'));
  const ns = 'slices';
  // Sessions per slice, as the exporter reports them; the test moves these.
  const level: Record<string, number> = { '1-000001': 30, '2-000002': 10, '3-000003': 40, '1-000009': 5 };
  const settable = (snssai: string): ReplayedSlice => ({ snssai, plmnid: '00101', trace: { length: 1e9, at: () => level[snssai]! } });
  const replayer = new ReplayerServer(Object.keys(level).map(settable), { wallStartMs: Date.now(), startStep: 0, stepSeconds: 3600 });
  let prom: LocalPrometheus;
  let manager: Manager;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const kctl = (args: string[], input?: string) => kubectl(args, input, cluster.details.kubeconfig);
  const getJson = async <T = Obj,>(args: string[]): Promise<T> => JSON.parse((await kctl(['get', '-o', 'json', ...args])).stdout || 'null');
  const slice = (name: string) => getJson<Obj>(['-n', ns, 'networkslice', name]);
  const deploy = (name: string) => getJson<Obj>(['-n', ns, 'deployment', name]).catch(() => null);
  const condition = (s: Obj | null, type: string) => (s?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
  /** The slice once its Degraded condition is True. */
  const degraded = (name: string) =>
    eventually(`${name} Degraded`, async () => {
      const x = await slice(name);
      return condition(x, 'Degraded')?.status === 'True' ? x : undefined;
    }, 30_000, 250);
  /** Sites of the Running, not terminating, pods of one CNF. */
  const podSites = async (sliceName: string, cnf: string): Promise<string[]> => {
    const pods = await getJson<{ items: { metadata: { deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase: string } }[] }>([
      '-n', ns, 'pods', '-l', `slicing.telco.dev/slice=${sliceName},slicing.telco.dev/cnf=${cnf}`,
    ]);
    return [...new Set(pods.items.filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp).map((p) => p.spec.nodeName!.replace(/-node-\d+$/, '')))].sort();
  };

  beforeAll(async () => {
    await cluster.start();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.details.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await installCrd(cluster.details.kubeconfig);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const port = await replayer.start();
    prom = new LocalPrometheus({ dir, targets: [{ job: 'open5gs', target: `127.0.0.1:${port}` }], scrapeIntervalSeconds: 1 });
    await prom.start();
    manager = new Manager({
      kubeConfig: kc,
      log: silentLogger,
      parse: toSliceView,
      leaderElect: false,
      leaseNamespace: 'default',
      prometheusUrl: prom.url,
      // No forecaster: replicas follow the observed load (the forecaster has its own tests and the
      // Prometheus e2e compares predictive with reactive).
      stepSeconds: 3600,
      cycleMs: 1000,
      resyncMs: 5_000,
    });
    await manager.start();
    for (const f of ['embb.yaml', 'urllc.yaml', 'mmtc.yaml']) {
      const r = await kctl(['apply', '-n', ns, '-f', path.join(repoRoot, 'examples', f)]);
      expect(r.stderr).toBe('');
    }
  });

  afterAll(async () => {
    await manager?.stop();
    await prom?.stop();
    await replayer.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('examples become Ready with owned Deployments, Services, QoS profile, and UPFs on the right sites', async () => {
    for (const name of ['embb-video', 'urllc-factory', 'mmtc-meters']) {
      await eventually(`${name} Ready`, async () => condition(await slice(name), 'Ready')?.status === 'True', 90_000, 500);
    }
    const upf = await deploy('urllc-factory-upf');
    expect(upf!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'NetworkSlice', name: 'urllc-factory' });
    expect(upf!.spec.replicas).toBe(2); // load 10 x 1.25 / 10 per replica = 2 (= minReplicas)
    expect(upf!.spec.template.spec.priorityClassName).toBe('slice-urllc');
    // URLLC: only edge sites within 5 ms; the area of service (TA 000001) is served by edge-a.
    expect(await podSites('urllc-factory', 'upf')).toEqual(expect.arrayContaining(['edge-a']));
    expect((await podSites('urllc-factory', 'upf')).every((s) => s.startsWith('edge-'))).toBe(true);
    expect(await podSites('mmtc-meters', 'upf')).toEqual(['regional-1']);
    // eMBB: TAs 000001 + 000003 need edge-a and edge-b.
    expect((await slice('embb-video')).status.placement.upfSites).toEqual(['edge-a', 'edge-b']);
    const qos = await getJson<{ data: Record<string, string> }>(['-n', ns, 'configmap', 'urllc-factory-qos']);
    const profile = JSON.parse(qos.data['qos-profile.json']!);
    expect(profile.flows.map((f: { qfi: number; fiveQI: number }) => [f.qfi, f.fiveQI])).toEqual([[1, 82], [2, 200]]);
    expect(profile.upfPool.replicas).toBe(2);
    const svc = await getJson<Obj>(['-n', ns, 'service', 'embb-video-upf']);
    expect(svc.spec.clusterIP).toBe('None');
    const s = await slice('embb-video');
    expect(s.status.observedGeneration).toBe(1);
    // The load comes with the next telemetry cycle (1 s here), which may be after Ready.
    const loaded = await eventually('embb-video load in status', async () => (await slice('embb-video')).status.currentLoad, 30_000, 500);
    expect(loaded.sessions).toBe(30);
  });

  test('a resync with nothing changed performs zero API writes', async () => {
    // Settle: nothing in flight, every status written.
    await eventually('no writes for 3 s', async () => {
      const before = manager.client.totalWrites;
      await new Promise((r) => setTimeout(r, 3000));
      return manager.client.totalWrites === before;
    }, 60_000, 0);
    const before = new Map(manager.client.writes);
    const total = manager.client.totalWrites;
    const reconcilesBefore = await reconcileCount();
    for (let i = 0; i < 5; i++) {
      manager.enqueueAll();
      await new Promise((r) => setTimeout(r, 1000));
    }
    await new Promise((r) => setTimeout(r, 6000)); // spans an informer resync (5 s) and telemetry cycles
    const reconciles = (await reconcileCount()) - reconcilesBefore;
    process.stderr.write(`[controller] no-op resync: ${reconciles} reconciles, ${manager.client.totalWrites - total} writes\n`);
    expect(reconciles).toBeGreaterThanOrEqual(15);
    expect(manager.client.totalWrites - total).toBe(0);
    expect(new Map(manager.client.writes)).toEqual(before);
  });

  async function reconcileCount(): Promise<number> {
    const text = await manager.registry.metrics();
    return text
      .split('\n')
      .filter((l) => l.startsWith('controller_runtime_reconcile_total{'))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  }

  test('more load scales the UPF up within bounds and step limits, with an event saying why', async () => {
    level['1-000001'] = 200; // 200 x 1.1 / 20 = 11 replicas; max step 4: 2 -> 6 -> 10 -> 11
    const seen = new Set<number>();
    await eventually('embb UPF at 11 replicas', async () => {
      const d = await deploy('embb-video-upf');
      seen.add(d?.spec.replicas);
      return d?.spec.replicas === 11;
    }, 60_000, 200);
    expect([...seen].every((r) => r <= 11)).toBe(true);
    const events = await getJson<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>(['-n', ns, 'events']);
    const mine = events.items.filter((e) => e.involvedObject.name === 'embb-video');
    expect(mine.some((e) => e.reason === 'StepLimited' && /needs 11 replicas/.test(e.message))).toBe(true);
    await eventually('status lastDecision', async () => (await slice('embb-video')).status.lastDecision?.toReplicas === 11);
    level['1-000001'] = 1000; // needs 55, bounded by maxReplicas 12
    await eventually('embb UPF at max 12', async () => (await deploy('embb-video-upf'))?.spec.replicas === 12, 30_000, 200);
  });

  test('drift on an owned object is corrected', async () => {
    await kctl(['-n', ns, 'scale', 'deployment', 'mmtc-meters-upf', '--replicas=4']);
    await kctl(['-n', ns, 'patch', 'configmap', 'mmtc-meters-qos', '--type=merge', '-p', '{"data":{"qos-profile.json":"{}"}}']);
    await eventually('drift corrected', async () => {
      const d = await deploy('mmtc-meters-upf');
      const cm = await getJson<{ data: Record<string, string> }>(['-n', ns, 'configmap', 'mmtc-meters-qos']);
      return d?.spec.replicas === 1 && cm.data['qos-profile.json'] !== '{}';
    }, 30_000, 250);
    await kctl(['-n', ns, 'delete', 'service', 'mmtc-meters-upf']);
    await eventually('deleted Service re-created', async () => (await kctl(['-n', ns, 'get', 'service', 'mmtc-meters-upf'])).code === 0, 30_000, 250);
  });

  test('a slice no site can serve gets Degraded with the reason; a duplicate S-NSSAI too', async () => {
    const bad = example('urllc.yaml');
    bad.metadata.name = 'urllc-too-far';
    bad.spec.snssai.sd = '0000aa';
    bad.spec.placement.latencyBudgetMs = 1; // the closest site is 2 ms from the RAN
    expect((await kctl(['apply', '-n', ns, '-f', '-'], JSON.stringify(bad))).stderr).toBe('');
    const s = await degraded('urllc-too-far');
    expect(condition(s, 'Degraded')).toMatchObject({ reason: 'NoSiteMeetsLatency', observedGeneration: 1 });
    expect(condition(s, 'Degraded').message).toMatch(/no site meets the latency budget of 1 ms \(edge-a=2ms/);
    expect(s.status.phase).toBe('Degraded');
    // The UPF is not placed anywhere it would break the budget.
    expect(await podSites('urllc-too-far', 'upf')).toEqual([]);

    const dup = example('mmtc.yaml');
    dup.metadata.name = 'mmtc-copy';
    expect((await kctl(['apply', '-n', ns, '-f', '-'], JSON.stringify(dup))).stderr).toBe('');
    const d = await degraded('mmtc-copy');
    expect(condition(d, 'Degraded')).toMatchObject({ reason: 'DuplicateSNSSAI' });
    expect(condition(d, 'Degraded').message).toContain(`${ns}/mmtc-meters`);
    expect(await deploy('mmtc-copy-upf')).toBeNull();
    // The operator is still healthy: the good slices stay Ready.
    expect(condition(await slice('mmtc-meters'), 'Ready')?.status).toBe('True');
  });

  test('a slice whose requests exceed its limits is stored, then Degraded InvalidSpec naming the field', async () => {
    // The rule is zod-only (CEL over int-or-string quantities is too costly before Kubernetes 1.34).
    const bad = example('embb.yaml');
    bad.metadata.name = 'embb-requests-high';
    bad.spec.snssai.sd = '0000ab';
    bad.spec.cnfs[0].resources = { requests: { cpu: '4' }, limits: { cpu: 2 } };
    expect((await kctl(['apply', '-n', ns, '-f', '-'], JSON.stringify(bad))).stderr).toBe('');
    const s = await degraded('embb-requests-high');
    expect(condition(s, 'Degraded')).toMatchObject({ reason: 'InvalidSpec', observedGeneration: 1 });
    expect(condition(s, 'Degraded').message).toBe('spec.cnfs[0].resources.requests: resources.requests must not exceed resources.limits');
    expect(await deploy('embb-requests-high-upf')).toBeNull();
    await kctl(['delete', '-n', ns, 'networkslice', 'embb-requests-high']);
  });

  test("losing a site's nodes moves the UPF", async () => {
    const edgeA = DEFAULT_SITES.find((s) => s.name === 'edge-a')!;
    const nodes = Array.from({ length: edgeA.nodes }, (_, i) => `edge-a-node-${i}`);
    await kctl(['delete', 'node', ...nodes, '--wait=false']);
    // eMBB needs TA 000001: with edge-a gone only regional-1 serves it.
    await eventually('embb re-placed', async () => JSON.stringify((await slice('embb-video')).status.placement.upfSites) === '["edge-b","regional-1"]', 30_000, 250);
    const d = await deploy('embb-video-upf');
    expect(JSON.stringify(d!.spec.template.spec.affinity.nodeAffinity)).toContain('"values":["edge-b","regional-1"]');
    await eventually('embb UPF pods on edge-b/regional-1 only', async () => {
      const sites = await podSites('embb-video', 'upf');
      return sites.length > 0 && sites.every((s) => s === 'edge-b' || s === 'regional-1');
    }, 90_000, 500);
    const events = await getJson<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>(['-n', ns, 'events']);
    expect(events.items.some((e) => e.involvedObject.name === 'embb-video' && e.reason === 'UPFReplaced' && /was edge-a, edge-b/.test(e.message))).toBe(true);
    // Put the site back for what follows.
    const kubeletVersion = cluster.details.serverVersion;
    for (let i = 0; i < edgeA.nodes; i++) await kctl(['create', '-f', '-'], JSON.stringify(fakeNode(edgeA, i, kubeletVersion)));
  });

  test('slices carry no finalizer; the one earlier builds added is removed', async () => {
    const finalizers = async () => ((await slice('urllc-factory')).metadata as { finalizers?: string[] }).finalizers;
    expect(await finalizers()).toBeUndefined();
    // What an earlier build left, next to someone else's finalizer, which must stay.
    const patch = JSON.stringify({ metadata: { finalizers: ['example.com/keep', 'slicing.telco.dev/cleanup'] } });
    expect((await kctl(['-n', ns, 'patch', 'networkslice', 'urllc-factory', '--type=merge', '-p', patch])).code).toBe(0);
    await eventually('legacy finalizer removed', async () => JSON.stringify(await finalizers()) === '["example.com/keep"]', 30_000, 250);
    expect((await kctl(['-n', ns, 'patch', 'networkslice', 'urllc-factory', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]'])).code).toBe(0);
  });

  test('deleting a slice removes everything it owns', async () => {
    const owned = async () => {
      const r = await kctl(['-n', ns, 'get', 'deployments,services,configmaps,replicasets,pods', '-l', 'slicing.telco.dev/slice=urllc-factory', '-o', 'name']);
      return r.stdout.trim();
    };
    expect(await owned()).not.toBe('');
    expect((await kctl(['-n', ns, 'delete', 'networkslice', 'urllc-factory', '--wait=true', '--timeout=60s'])).code).toBe(0);
    // The garbage collector of the real kube-controller-manager deletes the children.
    await eventually('children garbage-collected', async () => (await owned()) === '', 90_000, 500);
    expect((await kctl(['-n', ns, 'get', 'networkslice', 'urllc-factory'])).code).not.toBe(0);
  });
});
