/** REST paths of the kinds the operator touches. */
export interface ResourceInfo {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export const RESOURCES = {
  NetworkSlice: { group: 'slicing.telco.dev', version: 'v1alpha1', plural: 'networkslices', namespaced: true },
  SliceDecision: { group: 'slicing.telco.dev', version: 'v1alpha1', plural: 'slicedecisions', namespaced: true },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  Service: { group: '', version: 'v1', plural: 'services', namespaced: true },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  Node: { group: '', version: 'v1', plural: 'nodes', namespaced: false },
  Pod: { group: '', version: 'v1', plural: 'pods', namespaced: true },
  PriorityClass: { group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses', namespaced: false },
} as const satisfies Record<string, ResourceInfo>;
export type Kind = keyof typeof RESOURCES;

const prefix = (r: ResourceInfo): string => (r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`);

/** Collection path; all namespaces when `namespace` is undefined. */
export function collectionPath(kind: Kind, namespace?: string): string {
  const r = RESOURCES[kind];
  return r.namespaced && namespace ? `${prefix(r)}/namespaces/${namespace}/${r.plural}` : `${prefix(r)}/${r.plural}`;
}

export function objectPath(kind: Kind, namespace: string | undefined, name: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}
