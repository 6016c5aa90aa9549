import {
  cpuMillis,
  discoverSites,
  FIELD_MANAGER,
  objectPath,
  parseQuantity,
  planSlice,
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
 * own plan of a slice (planSlice: its replicas, its UPF's sites, its objects) against the free
 * capacity of the sites, with a running tally of what the UPFs placed so far take of each site,
 * as the operator keeps one.
 */
export class FloorPlanner {
  private readonly used = new Map<string, Usage>();

  private constructor(private readonly sites: ReturnType<typeof discoverSites>) {}

  /** Reads the sites from the cluster's nodes, once. */
  static async load(client: KubeClient): Promise<FloorPlanner> {
    const nodes = await client.request<{ items: NodeLike[] }>('GET', '/api/v1/nodes');
    return new FloorPlanner(discoverSites(nodes.items));
  }

  /** The children of a slice as the API server returned it on create, before any of them exists. */
  plan(created: KubeObject): ReturnType<typeof planSlice>['objects'] {
    const parsed = toSliceView(created);
    if (!parsed.ok) throw new Error(`slice ${created.metadata?.name}: ${JSON.stringify(parsed.issues)}`);
    const view = parsed.view;
    const obs = { now: Date.now(), deployments: {}, sites: withOccupancy(this.sites, this.used), stepOf: () => 0 };
    const plan = planSlice(view, obs, { recommendations: {} });
    if (plan.placement && !plan.placement.ok) throw new Error(`slice ${created.metadata?.name}: ${plan.placement.message}`);
    // Counted at once, before the caller's first await, as the operator reserves it.
    const upf = view.cnfs.find((c) => c.type === 'upf');
    if (upf && plan.upfSites) {
      const requests = upf.resources?.requests;
      const replicas = plan.replicas[upf.name] ?? 0;
      const demand = {
        cpuMillis: replicas * cpuMillis(requests?.cpu ?? '0'),
        memoryBytes: replicas * parseQuantity(requests?.memory ?? '0'),
        pods: replicas,
      };
      for (const site of plan.upfSites) this.reserve(site, demand, plan.upfSites.length);
    }
    return plan.objects;
  }

  /** The demand's share of one of the `of` sites it is spread over (evenly, as the operator counts it). */
  private reserve(site: string, demand: Usage, of: number): void {
    const u = this.used.get(site) ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 };
    this.used.set(site, {
      cpuMillis: u.cpuMillis + demand.cpuMillis / of,
      memoryBytes: u.memoryBytes + demand.memoryBytes / of,
      pods: u.pods + demand.pods / of,
    });
  }
}

/** Server-side apply of one object, as the operator's field manager. */
export const applyAsOperator = (
  client: KubeClient,
  o: { kind: string; metadata: { name: string; namespace?: string } },
): Promise<unknown> => client.apply(objectPath(o.kind as Kind, o.metadata.namespace, o.metadata.name), o, FIELD_MANAGER);
