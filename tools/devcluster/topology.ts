import {
  LABEL_HOSTNAME,
  LABEL_RAN_LATENCY_MS,
  LABEL_SITE,
  LABEL_SITE_TIER,
  LABEL_TRACKING_AREAS,
  LABEL_ZONE,
} from '../../src/api/well-known-labels.js';

/** One edge/regional site of the fake topology, with the nodes it holds. */
export interface SiteSpec {
  name: string;
  tier: 'edge' | 'regional' | 'core';
  zone: string;
  ranLatencyMs: number;
  trackingAreas: string[];
  nodes: number;
  cpu: string;
  memory: string;
  pods: number;
}

/** The default topology: two edge sites close to the RAN, one regional site further away. */
export const DEFAULT_SITES: SiteSpec[] = [
  { name: 'edge-a', tier: 'edge', zone: 'zone-a', ranLatencyMs: 2, trackingAreas: ['000001', '000002'], nodes: 2, cpu: '16', memory: '64Gi', pods: 110 },
  { name: 'edge-b', tier: 'edge', zone: 'zone-b', ranLatencyMs: 4, trackingAreas: ['000003'], nodes: 2, cpu: '16', memory: '64Gi', pods: 110 },
  { name: 'regional-1', tier: 'regional', zone: 'zone-c', ranLatencyMs: 15, trackingAreas: ['000001', '000002', '000003'], nodes: 3, cpu: '64', memory: '256Gi', pods: 250 },
];

export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

/** A fake Node object for kwok: real capacity and site labels, so the scheduler treats it as real. */
export function fakeNode(site: SiteSpec, index: number, kubeletVersion: string): Record<string, unknown> {
  const name = `${site.name}-node-${index}`;
  const capacity = { cpu: site.cpu, memory: site.memory, pods: String(site.pods), 'ephemeral-storage': '500Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        [LABEL_HOSTNAME]: name,
        'node-role.kubernetes.io/edge': '',
        type: 'kwok',
        [LABEL_ZONE]: site.zone,
        [LABEL_SITE]: site.name,
        [LABEL_SITE_TIER]: site.tier,
        [LABEL_RAN_LATENCY_MS]: String(site.ranLatencyMs),
        [LABEL_TRACKING_AREAS]: site.trackingAreas.join('_'),
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: 'kwok',
        osImage: 'kwok',
        kernelVersion: 'kwok',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
      phase: 'Running',
    },
  };
}
