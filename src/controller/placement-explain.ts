import type { PlacementRequest } from './placement-request.js';
import type { Site } from './sites.js';

/** Why a site does not hold the slice's UPF. */
export interface SkippedSite {
  site: string;
  reason: string;
}

/**
 * For each site not chosen, why: outside the allowed sites, no Ready node, over the latency
 * budget, no room for one more replica, or eligible but not needed (the chosen sites cover the
 * area of service and the demand, or are preferred; a UPF also stays on its sites while they
 * qualify). The same sites give the same reasons whether the UPF was just placed or kept, so a
 * status does not change for it. Pure; in the order of the sites.
 */
export function explainSkipped(sites: Site[], req: PlacementRequest, chosen: string[]): SkippedSite[] {
  const perReplica = { cpu: req.demand.cpuMillis / Math.max(1, req.demand.replicas), mem: req.demand.memoryBytes / Math.max(1, req.demand.replicas) };
  const budget = req.latencyBudgetMs;
  return sites
    .filter((s) => !chosen.includes(s.name))
    .map((s): SkippedSite => {
      let reason: string;
      if (req.allowedSites?.length && !req.allowedSites.includes(s.name)) reason = 'not in spec.placement.sites';
      else if (s.readyNodes.length === 0) reason = 'no Ready node';
      else if (budget !== undefined && (s.ranLatencyMs === undefined || s.ranLatencyMs > budget)) reason = `RAN latency ${s.ranLatencyMs ?? 'unknown'} ms exceeds the budget of ${budget} ms`;
      else if (s.allocatable.pods < 1 || s.allocatable.cpuMillis < perReplica.cpu || s.allocatable.memoryBytes < perReplica.mem) reason = 'no room for one more UPF replica';
      else if (req.preferEdge && s.tier !== 'edge') reason = `eligible, but ${chosen.join(', ')} are preferred (edge first for URLLC)`;
      else reason = `eligible, but not needed: ${chosen.join(', ')} cover the area of service and the demand (maxSites ${req.maxSites})`;
      return { site: s.name, reason };
    });
}
