/** What a slice asks of UPF placement (see choosePlacement). */
export interface PlacementRequest {
  /** Sites the slice may use; empty or undefined = any site. */
  allowedSites?: string[];
  /** Area of service: the chosen sites together must serve these tracking areas / include these sites. */
  trackingAreas?: string[];
  /** Maximum RAN-to-UPF latency, ms. */
  latencyBudgetMs?: number;
  /** URLLC: edge sites first. */
  preferEdge: boolean;
  /** How many sites to spread over when enough qualify (resilience); at least 1. */
  maxSites: number;
  /** Total demand of the UPF replicas, to check site capacity. */
  demand: { replicas: number; cpuMillis: number; memoryBytes: number };
  /** Required pod anti-affinity allows one replica per node: a site holds at most its Ready nodes. */
  onePodPerNode?: boolean;
  /** Sites the UPF runs on now: kept while they still qualify (moving a UPF drops sessions). */
  current?: string[];
}
