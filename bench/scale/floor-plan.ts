import {
  choosePlacement,
  cpuMillis,
  desired,
  discoverSites,
  FIELD_MANAGER,
  objectPath,
  parseQuantity,
  toSliceView,
  withOccupancy,
  type KubeClient,
  type KubeObject,
  type Kind,
  type NodeLike,
} from '../../src/index.js';

type Usage = { cpuMillis: number; memoryBytes: number; pods: number };

/**
 * For --floor: the objects the operator would apply for each new bench slice, from the product's
 * own pure steps (the slice's view, placement, desired objects), with a running tally of what the
 * UPFs placed so far take of each site, as the operator keeps one.
 */
export class FloorPlanner {
  private readonly used = new Map<string, Usage>();

  private constructor(private readonly sites: ReturnType<typeof discoverSites>) {}

  /** Reads the sites from the cluster's nodes, once. */
  static async load(client: KubeClient): Promise<FloorPlanner> {
    const nodes = await client.request<{ items: NodeLike[] }>('GET', '/api/v1/nodes');
    return new FloorPlanner(discoverSites(nodes.items));
  }

  /** The children of a slice as the API server returned it on create: its one UPF placed at one replica. */
  plan(created: KubeObject): ReturnType<typeof desired> {
    const parsed = toSliceView(created);
    if (!parsed.ok) throw new Error(`slice ${created.metadata?.name}: ${JSON.stringify(parsed.issues)}`);
    const upf = parsed.view.cnfs[0]!;
    const demand = {
      replicas: 1,
      cpuMillis: cpuMillis(upf.resources?.requests?.cpu ?? '0'),
      memoryBytes: parseQuantity(upf.resources?.requests?.memory ?? '0'),
    };
    const placed = choosePlacement(withOccupancy(this.sites, this.used), {
      allowedSites: [],
      trackingAreas: [],
      preferEdge: false,
      maxSites: 1,
      demand,
      onePodPerNode: false,
    });
    if (!placed.ok) throw new Error(`slice ${created.metadata?.name}: ${placed.message}`);
    // Counted at once, before the caller's first await, as the operator reserves it.
    for (const site of placed.sites) this.reserve(site, demand, placed.sites.length);
    return desired(parsed.view, { replicas: { [upf.name]: 1 }, upfSites: placed.sites });
  }

  /** The demand's share of one of the `of` sites it is spread over (evenly, as the operator counts it). */
  private reserve(site: string, demand: { replicas: number; cpuMillis: number; memoryBytes: number }, of: number): void {
    const u = this.used.get(site) ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 };
    this.used.set(site, {
      cpuMillis: u.cpuMillis + demand.cpuMillis / of,
      memoryBytes: u.memoryBytes + demand.memoryBytes / of,
      pods: u.pods + demand.replicas / of,
    });
  }
}

/** Server-side apply of one object, as the operator's field manager. */
export const applyAsOperator = (
  client: KubeClient,
  o: { kind: string; metadata: { name: string; namespace?: string } },
): Promise<unknown> => client.apply(objectPath(o.kind as Kind, o.metadata.namespace, o.metadata.name), o, FIELD_MANAGER);
