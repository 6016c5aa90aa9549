import { FIELD_MANAGER, type KubeClient } from '../../src/index.js';

/** Slices are created this many at a time. */
export const CREATE_CONCURRENCY = 16;

/** Collection path of the NetworkSlices of a namespace. */
export const slicesPath = (ns: string): string => `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`;

/** A site name no node has: a slice pinned to it is Degraded (NoSiteAvailable) and runs no pod. */
export const PARKED_SITE = 'bench-parked';

/**
 * The bench's slice number `i`: one UPF, static scaling at one replica. A running slice has no
 * placement constraint; a parked one is pinned to PARKED_SITE, so the operator keeps it (its
 * QoS ConfigMap, its telemetry) without a pod: kwok nodes could not hold a pod for each of
 * 10,000 slices. Each has its own (plmn, sst, sd): sd counts up.
 */
export const slice = (ns: string, i: number, parked = false) => ({
  apiVersion: 'slicing.telco.dev/v1alpha1',
  kind: 'NetworkSlice',
  metadata: { name: `s-${i}`, namespace: ns },
  spec: {
    snssai: { sst: 128 + (i % 100), sd: i.toString(16).padStart(6, '0') },
    plmn: { mcc: '001', mnc: '01' },
    serviceType: 'custom',
    cnfs: [
      {
        name: 'upf',
        type: 'upf',
        image: 'upf:1',
        capacity: { sessions: 100 },
        minReplicas: 1,
        maxReplicas: 4,
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
      },
    ],
    scaling: { mode: 'static' },
    placement: parked ? { antiAffinity: 'none', sites: [PARKED_SITE] } : { antiAffinity: 'none' },
  },
});

/** Runs `fn` over `items`, at most `concurrency` at a time. */
export async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The numbers from..to-1. */
export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** Creates slices number `from` to `to`-1 in `ns`, CREATE_CONCURRENCY at a time (parked: see slice). */
export const createSlices = (client: KubeClient, ns: string, from: number, to: number, parked = false): Promise<void> =>
  pool(range(from, to), CREATE_CONCURRENCY, (i) => client.request('POST', slicesPath(ns), { body: slice(ns, i, parked) }));

export const applyNamespace = (client: KubeClient, ns: string): Promise<unknown> =>
  client.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, FIELD_MANAGER);
