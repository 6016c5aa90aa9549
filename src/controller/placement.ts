import { explainSkipped, type SkippedSite } from './placement-explain.js';
import type { PlacementRequest } from './placement-request.js';
import type { Site } from './sites.js';

export type PlacementDecision =
  | { ok: true; sites: string[]; message: string; skipped: SkippedSite[] }
  | { ok: false; reason: 'NoSiteMeetsLatency' | 'NoSiteAvailable' | 'AreaNotCovered' | 'InsufficientCapacity'; message: string };

const tierRank = (t: Site['tier'], preferEdge: boolean): number => (preferEdge ? { edge: 0, regional: 1, core: 2, unknown: 3 }[t] : 0);

/**
 * Chooses the sites for a slice's UPFs. Pure: the same sites and request give the same answer.
 * Filters by allowed list, readiness and latency budget; orders by tier (URLLC: edge first), then
 * latency, then name; takes sites until the area of service is covered, capacity suffices and up
 * to maxSites are used. Explains every refusal in a message fit for a Degraded condition.
 */
export function choosePlacement(sites: Site[], req: PlacementRequest): PlacementDecision {
  const allowed = req.allowedSites?.length ? sites.filter((s) => req.allowedSites!.includes(s.name)) : sites;
  if (req.allowedSites?.length) {
    const unknown = req.allowedSites.filter((n) => !sites.some((s) => s.name === n));
    if (allowed.length === 0) return { ok: false, reason: 'NoSiteAvailable', message: `none of the allowed sites (${req.allowedSites.join(', ')}) exists${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}` };
  }
  const ready = allowed.filter((s) => s.readyNodes.length > 0);
  if (ready.length === 0) return { ok: false, reason: 'NoSiteAvailable', message: `no allowed site has a Ready node (checked: ${allowed.map((s) => s.name).join(', ') || 'none'})` };
  const budget = req.latencyBudgetMs;
  const fast = budget === undefined ? ready : ready.filter((s) => s.ranLatencyMs !== undefined && s.ranLatencyMs <= budget);
  if (fast.length === 0) {
    const seen = ready.map((s) => `${s.name}=${s.ranLatencyMs ?? '?'}ms`).join(', ');
    return { ok: false, reason: 'NoSiteMeetsLatency', message: `no site meets the latency budget of ${budget} ms (${seen})` };
  }
  // A site that cannot take even one more replica is passed over while others can (full sites
  // still count when nothing else is left, so the refusal names them).
  const perReplica = { cpu: req.demand.cpuMillis / Math.max(1, req.demand.replicas), mem: req.demand.memoryBytes / Math.max(1, req.demand.replicas) };
  const roomy = fast.filter((s) => s.allocatable.pods >= 1 && s.allocatable.cpuMillis >= perReplica.cpu && s.allocatable.memoryBytes >= perReplica.mem);
  const ordered = [...(roomy.length ? roomy : fast)].sort(
    (a, b) => tierRank(a.tier, req.preferEdge) - tierRank(b.tier, req.preferEdge) || (a.ranLatencyMs ?? 1e9) - (b.ranLatencyMs ?? 1e9) || a.name.localeCompare(b.name),
  );
  const wantTAs = new Set(req.trackingAreas ?? []);
  const servable = [...wantTAs].filter((ta) => ordered.some((s) => s.trackingAreas.includes(ta)));
  if (servable.length < wantTAs.size) {
    const missing = [...wantTAs].filter((ta) => !servable.includes(ta));
    return { ok: false, reason: 'AreaNotCovered', message: `no eligible site serves tracking area(s) ${missing.join(', ')}` };
  }
  const chosen: Site[] = [];
  const covered = new Set<string>();
  const capacity = { cpuMillis: 0, memoryBytes: 0, pods: 0 };
  const podsOf = (s: Site): number => (req.onePodPerNode ? Math.min(s.allocatable.pods, s.readyNodes.length) : s.allocatable.pods);
  // Stickiness: the current sites stay while each still qualifies and together they still fit.
  const current = req.current?.length ? req.current.map((n) => fast.find((s) => s.name === n)) : [];
  if (current.length && current.every((s) => s !== undefined)) {
    const cur = current as Site[];
    const fits =
      cur.reduce((a, s) => a + s.allocatable.cpuMillis, 0) >= req.demand.cpuMillis &&
      cur.reduce((a, s) => a + s.allocatable.memoryBytes, 0) >= req.demand.memoryBytes &&
      cur.reduce((a, s) => a + podsOf(s), 0) >= req.demand.replicas;
    const servesArea = [...wantTAs].every((ta) => cur.some((s) => s.trackingAreas.includes(ta)));
    if (fits && servesArea) {
      const names = cur.map((s) => s.name).sort();
      return { ok: true, sites: names, message: `UPF kept on ${names.join(', ')}${budget === undefined ? '' : ` within ${budget} ms`}`, skipped: explainSkipped(sites, req, names) };
    }
  }
  const enough = (): boolean =>
    capacity.cpuMillis >= req.demand.cpuMillis && capacity.memoryBytes >= req.demand.memoryBytes && capacity.pods >= req.demand.replicas;
  const take = (s: Site): void => {
    chosen.push(s);
    s.trackingAreas.forEach((ta) => covered.add(ta));
    capacity.cpuMillis += s.allocatable.cpuMillis;
    capacity.memoryBytes += s.allocatable.memoryBytes;
    capacity.pods += podsOf(s);
  };
  // First the sites that add uncovered tracking areas, in preference order.
  for (const s of ordered) if ([...wantTAs].some((ta) => !covered.has(ta) && s.trackingAreas.includes(ta))) take(s);
  for (const s of ordered) {
    if (chosen.includes(s)) continue;
    if (chosen.length >= Math.max(1, req.maxSites) && enough()) break;
    take(s);
  }
  if (!enough()) {
    return {
      ok: false,
      reason: 'InsufficientCapacity',
      message:
        capacity.pods < req.demand.replicas
          ? `eligible sites (${chosen.map((s) => s.name).join(', ')}) hold ${capacity.pods} UPF pods${req.onePodPerNode ? ' (required anti-affinity: one per node)' : ''}; ${req.demand.replicas} replicas are needed`
          : `eligible sites (${chosen.map((s) => s.name).join(', ')}) offer ${capacity.cpuMillis}m CPU for ${req.demand.replicas} UPF replicas needing ${req.demand.cpuMillis}m`,
    };
  }
  const names = chosen.map((s) => s.name).sort();
  const why = budget === undefined ? '' : ` within ${budget} ms`;
  return { ok: true, sites: names, message: `UPF placed on ${names.join(', ')}${why}${req.preferEdge ? ' (edge preferred)' : ''}`, skipped: explainSkipped(sites, req, names) };
}
