import { addUsage, discoverSites, usageOf, withOccupancy, type NodeLike, type PlacedDeploymentLike, type Usage } from '../../../src/controller/sites.js';
import { choosePlacement } from '../../../src/controller/placement.js';
import { DEFAULT_SITES, fakeNode } from '../../../tools/devcluster/topology.js';

const ready = (n: Record<string, unknown>, ok = true): NodeLike => ({
  ...(n as NodeLike),
  status: { ...(n as NodeLike).status, conditions: [{ type: 'Ready', status: ok ? 'True' : 'False' }] },
});
const nodes = (): NodeLike[] => DEFAULT_SITES.flatMap((s) => Array.from({ length: s.nodes }, (_, i) => ready(fakeNode(s, i, 'v1.34.4'))));
const demand = { replicas: 2, cpuMillis: 2000, memoryBytes: 2 ** 31 };

describe('sites and placement', () => {
  test('discovers sites from node labels with capacity of Ready nodes', () => {
    const sites = discoverSites(nodes());
    expect(sites.map((s) => s.name)).toEqual(['edge-a', 'edge-b', 'regional-1']);
    const a = sites[0]!;
    expect(a).toMatchObject({ tier: 'edge', ranLatencyMs: 2, zones: ['zone-a'], readyNodes: ['edge-a-node-0', 'edge-a-node-1'] });
    expect(a.allocatable.cpuMillis).toBe(32_000);
  });

  test('URLLC with a tight budget goes to the edge', () => {
    const d = choosePlacement(discoverSites(nodes()), { latencyBudgetMs: 5, preferEdge: true, maxSites: 2, demand });
    expect(d).toMatchObject({ ok: true, sites: ['edge-a', 'edge-b'] });
  });

  test('required anti-affinity counts one UPF per Ready node', () => {
    const req = { latencyBudgetMs: 5, preferEdge: true, maxSites: 2, demand: { ...demand, replicas: 5 } };
    expect(choosePlacement(discoverSites(nodes()), { ...req, onePodPerNode: false })).toMatchObject({ ok: true });
    const d = choosePlacement(discoverSites(nodes()), { ...req, onePodPerNode: true });
    expect(d).toMatchObject({ ok: false, reason: 'InsufficientCapacity' });
    if (!d.ok) expect(d.message).toBe('eligible sites (edge-a, edge-b) hold 4 UPF pods (required anti-affinity: one per node); 5 replicas are needed');
  });

  test("other slices' UPFs use up a site: the next slice goes to the next best site", () => {
    const upfOn = (sites: string[], replicas: number) => ({
      spec: { replicas, template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'slicing.telco.dev/site', operator: 'In', values: sites }] }] } } }, containers: [{ resources: { requests: { cpu: '1' } } }] } } },
    });
    const used = (deps: PlacedDeploymentLike[]) => deps.reduce((t, d) => addUsage(t, usageOf(d)), new Map<string, Usage>());
    const free = withOccupancy(discoverSites(nodes()), used([upfOn(['edge-a'], 220), { spec: { replicas: 3 } }]));
    expect(free.find((s) => s.name === 'edge-a')!.allocatable).toMatchObject({ pods: 0, cpuMillis: 0 });
    expect(free.find((s) => s.name === 'edge-b')!.allocatable.pods).toBe(220);
    const req = { preferEdge: true, maxSites: 1, demand: { replicas: 1, cpuMillis: 100, memoryBytes: 0 } };
    expect(choosePlacement(discoverSites(nodes()), req)).toMatchObject({ ok: true, sites: ['edge-a'] });
    expect(choosePlacement(free, req)).toMatchObject({ ok: true, sites: ['edge-b'] });
    // Spread over two sites: half of the replicas counted on each.
    const half = withOccupancy(discoverSites(nodes()), used([upfOn(['edge-a', 'edge-b'], 20)]));
    expect(half.find((s) => s.name === 'edge-b')!.allocatable.pods).toBe(210);
    // A slice's own UPF is taken back out of the total before it is placed again.
    const total = used([upfOn(['edge-a'], 100), upfOn(['edge-a'], 20)]);
    const others = addUsage(new Map(total), usageOf(upfOn(['edge-a'], 20)), -1);
    expect(withOccupancy(discoverSites(nodes()), others).find((s) => s.name === 'edge-a')!.allocatable.pods).toBe(120);
  });

  test('a UPF stays on its sites while they still qualify, and moves when they do not', () => {
    const req = { preferEdge: false, maxSites: 1, demand: { replicas: 2, cpuMillis: 2000, memoryBytes: 0 } };
    expect(choosePlacement(discoverSites(nodes()), { ...req, current: ['regional-1'] })).toMatchObject({ ok: true, sites: ['regional-1'], message: 'UPF kept on regional-1' });
    const d = choosePlacement(discoverSites(nodes()), { ...req, latencyBudgetMs: 5, current: ['regional-1'] });
    expect(d).toMatchObject({ ok: true, sites: ['edge-a'] });
  });

  test('a budget no site meets is refused with a clear message', () => {
    const d = choosePlacement(discoverSites(nodes()), { latencyBudgetMs: 1, preferEdge: true, maxSites: 2, demand });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.reason).toBe('NoSiteMeetsLatency');
      expect(d.message).toMatch(/latency budget of 1 ms.*edge-a=2ms/);
    }
  });

  test('a site whose nodes are NotReady is left out; re-placement moves to the next best', () => {
    const ns = nodes().map((n) => (n.metadata!.name!.startsWith('edge-a') ? ready(n as Record<string, unknown>, false) : n));
    const d = choosePlacement(discoverSites(ns), { latencyBudgetMs: 20, preferEdge: true, maxSites: 1, demand });
    expect(d).toMatchObject({ ok: true, sites: ['edge-b'] });
  });

  test('area of service picks sites covering the tracking areas; allowed list restricts', () => {
    const sites = discoverSites(nodes());
    expect(choosePlacement(sites, { trackingAreas: ['000003'], preferEdge: false, maxSites: 1, demand })).toMatchObject({ ok: true, sites: ['edge-b'] });
    expect(choosePlacement(sites, { trackingAreas: ['999999'], preferEdge: false, maxSites: 1, demand })).toMatchObject({ ok: false, reason: 'AreaNotCovered' });
    expect(choosePlacement(sites, { allowedSites: ['regional-1'], preferEdge: true, maxSites: 2, demand })).toMatchObject({ ok: true, sites: ['regional-1'] });
    expect(choosePlacement(sites, { allowedSites: ['nowhere'], preferEdge: true, maxSites: 2, demand })).toMatchObject({ ok: false, reason: 'NoSiteAvailable' });
  });

  test('insufficient capacity is reported', () => {
    const d = choosePlacement(discoverSites(nodes()), { preferEdge: false, maxSites: 3, demand: { replicas: 10, cpuMillis: 10_000_000, memoryBytes: 1 } });
    expect(d).toMatchObject({ ok: false, reason: 'InsufficientCapacity' });
  });
});

describe('placement explains the sites it did not choose', () => {
  test('over the latency budget and not needed, the same when the UPF is kept where it runs', () => {
    const sites = discoverSites(nodes());
    const d = choosePlacement(sites, { latencyBudgetMs: 5, preferEdge: true, maxSites: 1, demand });
    expect(d).toMatchObject({ ok: true, sites: ['edge-a'] });
    if (!d.ok) throw new Error('placement failed');
    expect(d.skipped).toEqual([
      { site: 'edge-b', reason: 'eligible, but not needed: edge-a cover the area of service and the demand (maxSites 1)' },
      { site: 'regional-1', reason: 'RAN latency 15 ms exceeds the budget of 5 ms' },
    ]);
    const kept = choosePlacement(sites, { latencyBudgetMs: 5, preferEdge: true, maxSites: 1, demand, current: ['edge-a'] });
    expect(kept.ok && kept.skipped).toEqual(d.skipped);
  });

  test('outside the allowed sites and without a Ready node', () => {
    const sites = discoverSites(nodes().map((n) => (n.metadata?.labels?.['slicing.telco.dev/site'] === 'edge-b' ? ready(n as Record<string, unknown>, false) : n)));
    const d = choosePlacement(sites, { allowedSites: ['edge-a', 'edge-b'], preferEdge: false, maxSites: 2, demand });
    expect(d.ok && d.skipped).toEqual([
      { site: 'edge-b', reason: 'no Ready node' },
      { site: 'regional-1', reason: 'not in spec.placement.sites' },
    ]);
  });
});
