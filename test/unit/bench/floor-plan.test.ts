import { describe, expect, it } from '@jest/globals';
import { FloorPlanner } from '../../../bench/scale/floor-plan.js';
import { slice } from '../../../bench/scale/slices.js';
import type { KubeClient, KubeObject } from '../../../src/index.js';
import { DEFAULT_SITES, fakeNode } from '../../../tools/devcluster/topology.js';

/** The dev cluster's nodes, Ready, with room for `pods` pods each. */
const nodes = (pods: number) =>
  DEFAULT_SITES.flatMap((s) => Array.from({ length: s.nodes }, (_, i) => fakeNode({ ...s, pods }, i, 'v1.34.4'))).map((n) => ({
    ...n,
    status: { ...(n.status as object), conditions: [{ type: 'Ready', status: 'True' }] },
  }));

/** A bench slice as the API server returns it on create. */
const created = (i: number): KubeObject => {
  const s = slice('bench-a', i);
  return { ...s, metadata: { ...s.metadata, uid: `uid-${i}`, generation: 1 } } as KubeObject;
};

type Placed = {
  kind: string;
  spec?: {
    template?: {
      spec?: {
        affinity?: {
          nodeAffinity?: {
            requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[] };
          };
        };
      };
    };
  };
};
const siteOf = (objs: Placed[]): string | undefined =>
  objs.find((o) => o.kind === 'Deployment')?.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
    ?.nodeSelectorTerms[0]?.matchExpressions[0]?.values.join(',');

describe('--floor planner', () => {
  it("plans a slice's children as the operator would, and fills sites in the operator's order", async () => {
    const client = { request: async () => ({ items: nodes(2) }) } as unknown as KubeClient;
    const planner = await FloorPlanner.load(client);
    const plans = [0, 1, 2, 3, 4].map((i) => planner.plan(created(i)) as Placed[]);
    expect(plans[0]!.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    // edge-a (lowest latency) holds 2 nodes x 2 pods; the fifth UPF goes to edge-b.
    expect(plans.map(siteOf)).toEqual(['edge-a', 'edge-a', 'edge-a', 'edge-a', 'edge-b']);
  });
});
