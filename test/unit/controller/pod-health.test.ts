/** Pod facts from pods as the API server sends them, and a CNF's pod summary from the facts. */
import { compactPod, FACTS, podChanged, podFacts, podSliceKey, type CachedPod, type PodFacts } from '../../../src/controller/pod-facts.js';
import { cnfPods, podTrouble, sitesOutside, unhealthySites, unschedulableStuck, UNSCHEDULABLE_STUCK_MS } from '../../../src/controller/pod-health.js';
import { AVOID_MS, siteAvoidance } from '../../../src/controller/site-health.js';

const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const pending = {
  metadata: { name: 'upf-1', namespace: 'ns', resourceVersion: '7', creationTimestamp: iso(T0), labels: { 'slicing.telco.dev/slice': 's', 'slicing.telco.dev/cnf': 'upf', 'pod-template-hash': 'h2', other: 'x' }, annotations: { big: 'y'.repeat(500) } },
  spec: {},
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/6 nodes are available: 1 node(s) didn't match pod anti-affinity rules." }],
  },
};
const running = (node: string, ready = true, extra: object = {}) => ({
  metadata: { name: `p-${node}`, namespace: 'ns', creationTimestamp: iso(T0 - 60_000), labels: { 'pod-template-hash': 'h1' } },
  spec: { nodeName: node },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: iso(T0 - 30_000) }], containerStatuses: [{ restartCount: 2, ...extra }] },
});

describe('podFacts', () => {
  it('keeps the scheduler message of an unschedulable pod, and little else', () => {
    const cached = compactPod(structuredClone(pending)) as CachedPod;
    expect(cached.metadata).toEqual({ name: 'upf-1', namespace: 'ns', resourceVersion: '7', labels: { 'slicing.telco.dev/slice': 's', 'slicing.telco.dev/cnf': 'upf' } });
    expect(cached[FACTS]).toEqual({ phase: 'Pending', ready: false, createdMs: T0, restarts: 0, unschedulable: "0/6 nodes are available: 1 node(s) didn't match pod anti-affinity rules.", template: 'h2' });
    expect(podSliceKey(cached)).toBe('ns/s');
    expect(JSON.stringify(cached).length).toBeLessThan(400);
  });

  it('reads node, readiness, restarts and a container that cannot start', () => {
    const f = podFacts(running('n1', false, { state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } } }));
    expect(f).toMatchObject({ node: 'n1', phase: 'Running', ready: false, readyChangedMs: T0 - 30_000, restarts: 2, waiting: { reason: 'CrashLoopBackOff' }, template: 'h1' });
    // A container merely starting is not failing.
    expect(podFacts(running('n1', false, { state: { waiting: { reason: 'ContainerCreating' } } })).waiting).toBeUndefined();
  });

  it('a change of facts counts; a new resourceVersion with the same facts does not', () => {
    const a = compactPod(structuredClone(pending));
    const b = compactPod({ ...structuredClone(pending), metadata: { ...pending.metadata, resourceVersion: '8' } });
    expect(podChanged(b, a)).toBe(false);
    expect(podChanged(compactPod(running('n1')), a)).toBe(true);
    expect(podChanged(a, undefined)).toBe(true);
  });
});

describe('cnfPods', () => {
  const siteOf = (n: string) => ({ n1: 'edge-a', n2: 'edge-b' })[n];
  const facts = [podFacts(running('n1')), podFacts(running('n2')), podFacts(running('n3')), podFacts(pending), { ...podFacts(running('n1')), terminating: true }];

  it('counts pods by site, unschedulable and failing ones; terminating pods do not count', () => {
    const h = cnfPods(facts, siteOf, T0);
    expect(h).toMatchObject({ total: 4, ready: 3, sites: { 'edge-a': 1, 'edge-b': 1, '': 1 }, unschedulable: { pods: 1, sinceMs: T0 }, restarts: 6 });
    expect(sitesOutside(h, ['edge-a'])).toEqual({ 'edge-b': 1, '': 1 });
    expect(sitesOutside(h, undefined)).toEqual({});
    expect(podTrouble('upf', h)).toBe("upf: 1 pod Pending: 0/6 nodes are available: 1 node(s) didn't match pod anti-affinity rules.");
    expect(podTrouble('upf', cnfPods([podFacts(running('n1'))], siteOf, T0))).toBeUndefined();
  });

  it('a pod Pending for the scheduler is stuck only after UNSCHEDULABLE_STUCK_MS', () => {
    const h = cnfPods(facts, siteOf, T0);
    expect(unschedulableStuck('upf', h, T0 + UNSCHEDULABLE_STUCK_MS - 1)).toBeUndefined();
    expect(unschedulableStuck('upf', h, T0 + UNSCHEDULABLE_STUCK_MS)).toEqual({ reason: 'PodsUnschedulable', message: expect.stringMatching(/^upf: 1 pod Pending for 120 s: 0\/6 nodes/) });
  });
});

describe('unhealthy sites', () => {
  const siteOf = (n: string) => n.replace(/-node-\d+$/, '');
  const T = Date.UTC(2026, 11, 2, 9, 0, 0);
  const pod = (node: string, ready: boolean, readyChangedMs = T - 120_000): PodFacts => ({ node, phase: 'Running', ready, createdMs: T - 600_000, readyChangedMs, restarts: 0 });

  it('a site where the UPF pods stay unready while they are ready elsewhere is unhealthy; avoided for AVOID_MS', () => {
    const h = cnfPods([pod('edge-a-node-0', false), pod('edge-a-node-1', false), pod('edge-b-node-0', true)], siteOf, T);
    expect(h.unready).toEqual({ 'edge-a': 2 });
    expect(unhealthySites(h)).toEqual([{ site: 'edge-a', unready: 2, pods: 2 }]);
    const a = siteAvoidance(h, undefined, T);
    expect(a.until).toEqual({ 'edge-a': T + AVOID_MS });
    expect(a.fresh[0]!.message).toBe("2 of 2 UPF pods on edge-a unready for over a minute while the UPF's pods elsewhere are ready; moving the UPF off edge-a for 10 minutes");
    // The pods are gone from edge-a: it stays avoided, without a new event, until the time is up.
    const healthyNow = cnfPods([pod('edge-b-node-0', true), pod('edge-b-node-1', true)], siteOf, T + 60_000);
    expect(siteAvoidance(healthyNow, a.until, T + 60_000)).toEqual({ until: { 'edge-a': T + AVOID_MS }, fresh: [] });
    expect(siteAvoidance(healthyNow, a.until, T + AVOID_MS)).toEqual({ until: {}, fresh: [] });
  });

  it('not a site fault: a pod unready for under a minute, a crashing container, or every site unready', () => {
    expect(unhealthySites(cnfPods([pod('edge-a-node-0', false, T - 30_000), pod('edge-b-node-0', true)], siteOf, T))).toEqual([]);
    expect(unhealthySites(cnfPods([{ ...pod('edge-a-node-0', false), waiting: { reason: 'CrashLoopBackOff', message: '' } }, pod('edge-b-node-0', true)], siteOf, T))).toEqual([]);
    expect(unhealthySites(cnfPods([pod('edge-a-node-0', false), pod('edge-b-node-0', false)], siteOf, T))).toEqual([]);
  });
});
