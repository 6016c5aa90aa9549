import { LABEL_HOSTNAME, LABEL_SITE } from '../api/well-known-labels.js';
import { childName, LABEL_CNF, LABEL_MANAGED_BY, LABEL_SLICE, MANAGED_BY, priorityClassName } from './names.js';
import { PRIORITY_BY_SERVICE, qosProfile } from './qos-profile.js';
import type { CnfView, SliceView } from './slice-view.js';

export const API_VERSION = 'slicing.telco.dev/v1alpha1';

export interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: unknown[] };
  [k: string]: unknown;
}

/** Decisions made from observations, input to desired(). */
export interface Decisions {
  replicas: Record<string, number>;
  /**
   * Sites for UPF pods. Undefined when the UPF was never placed: its Deployment (and Service) is
   * then left out, since pods scheduled anywhere could break the latency budget or the area of
   * service. A UPF placed before keeps its last sites (the reconciler passes them).
   */
  upfSites?: string[];
  /**
   * CNFs whose rollout cannot surge: their new pods cannot be scheduled beside the old ones (for
   * example required anti-affinity on a site with no spare node). Their Deployments roll with
   * maxSurge 0 and maxUnavailable 1, so the Deployment controller removes an old pod first.
   */
  makeRoom?: string[];
  /** The image of each CNF when it is not its spec's (a rollback, see rollback.ts). */
  images?: Record<string, string>;
}

/** The rolling update that frees a node before it starts a new pod. */
export const MAKE_ROOM_STRATEGY = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } as const;

const ownerRef = (v: SliceView) => ({
  apiVersion: API_VERSION,
  kind: 'NetworkSlice',
  name: v.name,
  uid: v.uid,
  controller: true,
  blockOwnerDeletion: true,
});

function labels(v: SliceView, cnf?: CnfView): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_SLICE]: v.name,
    ...(cnf ? { [LABEL_CNF]: cnf.name, 'app.kubernetes.io/name': cnf.type, 'app.kubernetes.io/component': 'cnf' } : {}),
  };
}

const DEFAULT_PORTS: Partial<Record<CnfView['type'], CnfView['ports']>> = {
  upf: [
    { name: 'pfcp', containerPort: 8805, protocol: 'UDP' },
    { name: 'gtpu', containerPort: 2152, protocol: 'UDP' },
    { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
  ],
  smf: [
    { name: 'sbi', containerPort: 7777, protocol: 'TCP' },
    { name: 'pfcp', containerPort: 8805, protocol: 'UDP' },
    { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
  ],
};

function affinity(v: SliceView, cnf: CnfView, sites: string[] | undefined, sel: Record<string, string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (cnf.type === 'upf' && sites?.length) {
    out.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL_SITE, operator: 'In', values: [...sites].sort() }] }] },
    };
  }
  if (v.placement.antiAffinity !== 'none') {
    const term = { labelSelector: { matchLabels: sel }, topologyKey: LABEL_HOSTNAME };
    out.podAntiAffinity =
      v.placement.antiAffinity === 'required'
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] };
  }
  return Object.keys(out).length ? out : undefined;
}

function deployment(v: SliceView, cnf: CnfView, d: Decisions, qosConfigMap: string): KubeObj {
  const name = childName(v.name, cnf.name);
  const sel = { [LABEL_SLICE]: v.name, [LABEL_CNF]: cnf.name };
  const annotations: Record<string, string> = {};
  // Pod-level enforcement Kubernetes has: the bandwidth CNI plugin reads these.
  if (cnf.type === 'upf' && cnf.throughputMbps) {
    annotations['kubernetes.io/ingress-bandwidth'] = `${cnf.throughputMbps}M`;
    annotations['kubernetes.io/egress-bandwidth'] = `${cnf.throughputMbps}M`;
  }
  annotations['slicing.telco.dev/snssai'] = v.snssaiLabel;
  const ports = cnf.ports?.length ? cnf.ports : (DEFAULT_PORTS[cnf.type] ?? []);
  const container: Record<string, unknown> = {
    name: cnf.type === 'custom' ? 'cnf' : cnf.type,
    image: d.images?.[cnf.name] ?? cnf.image,
    ...(cnf.args?.length ? { args: cnf.args } : {}),
    env: [
      { name: 'SLICE_SNSSAI', value: v.snssaiLabel },
      { name: 'SLICE_PLMNID', value: v.plmnId },
      ...(cnf.env ?? []),
    ],
    ...(ports.length ? { ports: ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })) } : {}),
    ...(cnf.resources ? { resources: cnf.resources } : {}),
    volumeMounts: [{ name: 'qos-profile', mountPath: '/etc/slice', readOnly: true }],
  };
  const spreadSites = cnf.type === 'upf' && (d.upfSites?.length ?? 0) > 1;
  const spec: Record<string, unknown> = {
    replicas: d.replicas[cnf.name] ?? cnf.minReplicas,
    selector: { matchLabels: sel },
    ...(d.makeRoom?.includes(cnf.name) ? { strategy: MAKE_ROOM_STRATEGY } : {}),
    template: {
      metadata: { labels: { ...labels(v, cnf), ...sel }, annotations },
      spec: {
        priorityClassName: priorityClassName(v.serviceType),
        ...(Object.keys(v.placement.nodeSelector).length ? { nodeSelector: v.placement.nodeSelector } : {}),
        ...(affinity(v, cnf, d.upfSites, sel) ? { affinity: affinity(v, cnf, d.upfSites, sel) } : {}),
        ...(spreadSites
          ? { topologySpreadConstraints: [{ maxSkew: v.placement.maxSkew, topologyKey: LABEL_SITE, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: sel } }] }
          : {}),
        containers: [container],
        volumes: [{ name: 'qos-profile', configMap: { name: qosConfigMap } }],
      },
    },
  };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: v.namespace, labels: labels(v, cnf), ownerReferences: [ownerRef(v)] }, spec };
}

function service(v: SliceView, cnf: CnfView): KubeObj | undefined {
  const ports = cnf.ports?.length ? cnf.ports : DEFAULT_PORTS[cnf.type];
  if (!ports?.length) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: childName(v.name, cnf.name), namespace: v.namespace, labels: labels(v, cnf), ownerReferences: [ownerRef(v)] },
    spec: {
      // Headless: the SMF addresses each UPF over PFCP, not a load-balanced VIP.
      clusterIP: 'None',
      selector: { [LABEL_SLICE]: v.name, [LABEL_CNF]: cnf.name },
      ports: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
    },
  };
}

/** Cluster-scoped and shared by all slices of a service type, so not owned by any slice. */
export function priorityClass(serviceType: SliceView['serviceType']): KubeObj {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: priorityClassName(serviceType), labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
    // globalDefault is left out: false is its default and the server omits it, so stating it
    // would make every comparison with the live object fail.
    value: PRIORITY_BY_SERVICE[serviceType],
    preemptionPolicy: serviceType === 'mMTC' ? 'Never' : 'PreemptLowerPriority',
    description: `Pods of ${serviceType} network slices (slice-operator)`,
  };
}

/**
 * Everything a slice should own, as a pure function of the slice and the decisions:
 * a QoS-profile ConfigMap, and per CNF a Deployment (plus a headless Service where the CNF
 * speaks on the network). Same input, same objects: the reconciler compares, never guesses.
 */
export function desired(v: SliceView, d: Decisions): KubeObj[] {
  const qosName = childName(v.name, 'qos');
  const upf = v.cnfs.find((c) => c.type === 'upf');
  const profile = qosProfile(v, {
    service: upf ? `${childName(v.name, upf.name)}.${v.namespace}.svc` : '',
    replicas: upf ? (d.replicas[upf.name] ?? upf.minReplicas) : 0,
    sites: [...(d.upfSites ?? [])].sort(),
  });
  const objs: KubeObj[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: qosName, namespace: v.namespace, labels: labels(v), ownerReferences: [ownerRef(v)] },
      data: { 'qos-profile.json': JSON.stringify(profile, null, 2) + '\n' },
    },
  ];
  for (const cnf of v.cnfs) {
    if (cnf.type === 'upf' && d.upfSites === undefined) continue;
    objs.push(deployment(v, cnf, d, qosName));
    const svc = service(v, cnf);
    if (svc) objs.push(svc);
  }
  return objs;
}
