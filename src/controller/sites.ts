import { LABEL_RAN_LATENCY_MS, LABEL_SITE, LABEL_SITE_TIER, LABEL_TRACKING_AREAS, LABEL_ZONE } from '../api/well-known-labels.js';
import { cpuMillis, parseQuantity } from '../api/quantity.js';

/** What the controller knows of an edge site, derived from its nodes' labels and status. */
export interface Site {
  name: string;
  tier: 'edge' | 'regional' | 'core' | 'unknown';
  zones: string[];
  /** RAN-to-site latency (ms), the worst of the site's nodes; undefined when unlabelled. */
  ranLatencyMs?: number;
  trackingAreas: string[];
  nodes: string[];
  readyNodes: string[];
  /** Sum over Ready, schedulable nodes. */
  allocatable: { cpuMillis: number; memoryBytes: number; pods: number };
}

export interface NodeLike {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: unknown };
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string }[]; allocatable?: Record<string, string> };
}

export function nodeReady(n: NodeLike): boolean {
  if (n.metadata?.deletionTimestamp || n.spec?.unschedulable) return false;
  if (n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) return false;
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Groups nodes by their site label; nodes without one are not part of any site. Pure. */
export function discoverSites(nodes: NodeLike[]): Site[] {
  const sites = new Map<string, Site>();
  for (const n of nodes) {
    const labels = n.metadata?.labels ?? {};
    const name = labels[LABEL_SITE];
    if (!name || !n.metadata?.name) continue;
    let s = sites.get(name);
    if (!s) {
      const tier = labels[LABEL_SITE_TIER];
      s = {
        name,
        tier: tier === 'edge' || tier === 'regional' || tier === 'core' ? tier : 'unknown',
        zones: [],
        trackingAreas: [],
        nodes: [],
        readyNodes: [],
        allocatable: { cpuMillis: 0, memoryBytes: 0, pods: 0 },
      };
      sites.set(name, s);
    }
    s.nodes.push(n.metadata.name);
    const zone = labels[LABEL_ZONE];
    if (zone && !s.zones.includes(zone)) s.zones.push(zone);
    const lat = Number(labels[LABEL_RAN_LATENCY_MS]);
    if (labels[LABEL_RAN_LATENCY_MS] !== undefined && Number.isFinite(lat)) s.ranLatencyMs = Math.max(s.ranLatencyMs ?? 0, lat);
    for (const ta of (labels[LABEL_TRACKING_AREAS] ?? '').split('_').filter(Boolean)) if (!s.trackingAreas.includes(ta)) s.trackingAreas.push(ta);
    if (nodeReady(n)) {
      s.readyNodes.push(n.metadata.name);
      const a = n.status?.allocatable ?? {};
      s.allocatable.cpuMillis += cpuMillis(a.cpu) || 0;
      s.allocatable.memoryBytes += parseQuantity(a.memory) || 0;
      s.allocatable.pods += parseQuantity(a.pods) || 0;
    }
  }
  for (const s of sites.values()) {
    s.nodes.sort();
    s.readyNodes.sort();
    s.zones.sort();
    s.trackingAreas.sort();
  }
  return [...sites.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The part of an owned Deployment that says how much of which sites it takes. */
export interface PlacedDeploymentLike {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    template?: {
      spec?: {
        affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } } };
        containers?: { resources?: { requests?: Record<string, string> } }[];
      };
    };
  };
}

export interface Usage {
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
}

/** The sites a Deployment's node affinity pins it to; undefined when it is not pinned. */
export function pinnedSites(d: PlacedDeploymentLike): string[] | undefined {
  const terms = d.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const sites = terms.flatMap((t) => t.matchExpressions ?? []).find((e) => e.key === LABEL_SITE && e.operator === 'In')?.values;
  return sites?.length ? sites : undefined;
}

/**
 * What placement reads of a Deployment, read out of its pod template once: the sites it is
 * pinned to and what one replica requests. The Deployment cache keeps this instead of the
 * template (see cache-trim).
 */
export interface Placement {
  sites?: string[];
  cpuMillis: number;
  memoryBytes: number;
}

export function placementOf(d: PlacedDeploymentLike): Placement {
  let cpu = 0;
  let memory = 0;
  for (const c of d.spec?.template?.spec?.containers ?? []) {
    cpu += cpuMillis(c.resources?.requests?.cpu ?? '0') || 0;
    memory += parseQuantity(c.resources?.requests?.memory ?? '0') || 0;
  }
  const sites = pinnedSites(d);
  return sites ? { sites, cpuMillis: cpu, memoryBytes: memory } : { cpuMillis: cpu, memoryBytes: memory };
}

/** What `replicas` of a placement take of each site it is pinned to (counted evenly over them). */
export function usageOfPlacement(p: Placement, replicas: number): Map<string, Usage> {
  const out = new Map<string, Usage>();
  const siteNames = p.sites ?? [];
  if (!siteNames.length || replicas <= 0) return out;
  const share = replicas / siteNames.length;
  for (const site of siteNames) out.set(site, { cpuMillis: share * p.cpuMillis, memoryBytes: share * p.memoryBytes, pods: share });
  return out;
}

/** What one Deployment takes of each site it is pinned to. */
export function usageOf(d: PlacedDeploymentLike): Map<string, Usage> {
  return usageOfPlacement(placementOf(d), d.spec?.replicas ?? 0);
}

/** Adds (sign 1) or removes (sign -1) one usage into a per-site total, in place. */
export function addUsage(total: Map<string, Usage>, u: Map<string, Usage>, sign: 1 | -1 = 1): Map<string, Usage> {
  for (const [site, x] of u) {
    const t = total.get(site) ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 };
    total.set(site, { cpuMillis: t.cpuMillis + sign * x.cpuMillis, memoryBytes: t.memoryBytes + sign * x.memoryBytes, pods: t.pods + sign * x.pods });
  }
  return total;
}

/**
 * Sites with what other slices' UPFs already take subtracted: without it every slice picks the
 * same best site and the scheduler leaves the overflow Pending. Pure.
 */
export function withOccupancy(sites: Site[], used: Map<string, Usage>): Site[] {
  return sites.map((s) => {
    const u = used.get(s.name);
    if (!u) return s;
    const a = s.allocatable;
    return { ...s, allocatable: { cpuMillis: Math.max(0, a.cpuMillis - u.cpuMillis), memoryBytes: Math.max(0, a.memoryBytes - u.memoryBytes), pods: Math.max(0, Math.floor(a.pods - u.pods + 1e-9)) } };
  });
}
