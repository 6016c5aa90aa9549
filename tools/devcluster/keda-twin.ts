/**
 * The alternative a platform team would run instead of the operator, as objects for the local
 * control plane: a Deployment of the slice's UPF image and a KEDA ScaledObject that scales it
 * on the slice's own PromQL, with the threshold the load one replica should carry (the replica's
 * capacity times a target utilisation). Its pods carry the CNF label, so they take the same
 * start-up delay (kwok Stages) as the operator's.
 */
import type { HpaBehavior } from '../../src/twin/hpa-model.js';
import { CNF_SELECTOR_LABEL } from './kwok-stages.js';

export interface KedaTwin {
  namespace: string;
  /** Name of the Deployment and of its ScaledObject (KEDA names the HPA keda-hpa-<name>). */
  name: string;
  image: string;
  minReplicas: number;
  maxReplicas: number;
  prometheusUrl: string;
  query: string;
  /** Load one replica serves; the trigger's threshold is this times targetUtilization. */
  perReplica: number;
  targetUtilization: number;
  pollingSeconds: number;
  behavior?: HpaBehavior;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

/** The HPA object KEDA makes for the twin. */
export const kedaHpaPath = (t: Pick<KedaTwin, 'namespace' | 'name'>): string => `/apis/autoscaling/v2/namespaces/${t.namespace}/horizontalpodautoscalers/keda-hpa-${t.name}`;

/** Where each object is applied (server-side apply paths). */
export const kedaTwinPaths = (t: Pick<KedaTwin, 'namespace' | 'name'>): { deployment: string; scaledObject: string } => ({
  deployment: `/apis/apps/v1/namespaces/${t.namespace}/deployments/${t.name}`,
  scaledObject: `/apis/keda.sh/v1alpha1/namespaces/${t.namespace}/scaledobjects/${t.name}`,
});

/** The Deployment and the ScaledObject, in that order. */
export function kedaTwinObjects(t: KedaTwin): [KubeObject, KubeObject] {
  if (!(t.targetUtilization > 0 && t.targetUtilization <= 1)) throw new RangeError(`targetUtilization must be in (0, 1], got ${t.targetUtilization}`);
  const min = Math.max(1, t.minReplicas);
  const metadata = { name: t.name, namespace: t.namespace };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: min,
        selector: { matchLabels: { app: t.name } },
        template: { metadata: { labels: { app: t.name, [CNF_SELECTOR_LABEL]: 'cnf' } }, spec: { containers: [{ name: 'upf', image: t.image }] } },
      },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata,
      spec: {
        scaleTargetRef: { name: t.name },
        pollingInterval: t.pollingSeconds,
        minReplicaCount: min,
        maxReplicaCount: t.maxReplicas,
        ...(t.behavior ? { advanced: { horizontalPodAutoscalerConfig: { behavior: t.behavior } } } : {}),
        // KEDA reads the threshold as a quantity string; whole milli-units, as the HPA compares them.
        triggers: [{ type: 'prometheus', metadata: { serverAddress: t.prometheusUrl, query: t.query, threshold: String(+(t.perReplica * t.targetUtilization).toFixed(3)) } }],
      },
    },
  ];
}
