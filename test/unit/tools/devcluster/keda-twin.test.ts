import { CNF_SELECTOR_LABEL } from '../../../../tools/devcluster/kwok-stages.js';
import { kedaHpaPath, kedaTwinObjects, kedaTwinPaths, type KedaTwin } from '../../../../tools/devcluster/keda-twin.js';

const twin: KedaTwin = { namespace: 'ns', name: 'embb-keda', image: 'upf:1', minReplicas: 0, maxReplicas: 12, prometheusUrl: 'http://127.0.0.1:9090', query: 'sum(x)', perReplica: 20, targetUtilization: 0.7, pollingSeconds: 1 };

describe('KEDA twin objects', () => {
  test("a Deployment of the UPF image with the CNF label, and a ScaledObject on the slice's query", () => {
    const [d, so] = kedaTwinObjects(twin);
    expect(d).toMatchObject({ kind: 'Deployment', metadata: { name: 'embb-keda', namespace: 'ns' }, spec: { replicas: 1, template: { metadata: { labels: { [CNF_SELECTOR_LABEL]: 'cnf' } }, spec: { containers: [{ image: 'upf:1' }] } } } });
    // Threshold: 20 x 0.7 in whole milli-units (14, not 13.999999999999998); KEDA needs at least one replica.
    expect(so.spec).toMatchObject({ scaleTargetRef: { name: 'embb-keda' }, pollingInterval: 1, minReplicaCount: 1, maxReplicaCount: 12, triggers: [{ type: 'prometheus', metadata: { serverAddress: 'http://127.0.0.1:9090', query: 'sum(x)', threshold: '14' } }] });
    expect(so.spec.advanced).toBeUndefined();
    const behavior = { scaleDown: { stabilizationWindowSeconds: 10 } };
    expect(kedaTwinObjects({ ...twin, behavior })[1].spec.advanced).toEqual({ horizontalPodAutoscalerConfig: { behavior } });
  });

  test('paths, and a target utilisation outside (0, 1] is refused', () => {
    expect(kedaTwinPaths(twin)).toEqual({ deployment: '/apis/apps/v1/namespaces/ns/deployments/embb-keda', scaledObject: '/apis/keda.sh/v1alpha1/namespaces/ns/scaledobjects/embb-keda' });
    expect(kedaHpaPath(twin)).toBe('/apis/autoscaling/v2/namespaces/ns/horizontalpodautoscalers/keda-hpa-embb-keda');
    expect(() => kedaTwinObjects({ ...twin, targetUtilization: 0 })).toThrow(/targetUtilization/);
    expect(() => kedaTwinObjects({ ...twin, targetUtilization: 1.2 })).toThrow(/targetUtilization/);
  });
});
