/**
 * CNF start-up delay in the rig: on a cluster of this file's own with kwok's pod Stages from
 * tools/devcluster/kwok-stages.ts, a CNF pod (app.kubernetes.io/component=cnf) becomes Ready
 * only after the delay (uniform in [delay, delay + jitter]); another pod is Ready at once.
 */
import * as k8s from '@kubernetes/client-node';
import { LocalCluster } from '../../tools/devcluster/cluster.js';
import { eventually } from './support.js';

const DELAY_MS = 6000;
const JITTER_MS = 3000;

describe('CNF readiness delay (kwok Stages)', () => {
  const cluster = new LocalCluster({
    sites: [{ name: 'edge-a', tier: 'edge', zone: 'zone-a', ranLatencyMs: 2, trackingAreas: ['000001'], nodes: 1, cpu: '32', memory: '64Gi', pods: 110 }],
    cnfReadiness: { delayMs: DELAY_MS, jitterMs: JITTER_MS },
  });
  let apps: k8s.AppsV1Api;

  beforeAll(async () => {
    await cluster.start();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.details.kubeconfig);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  const deployment = (name: string, labels: Record<string, string>, replicas: number): k8s.V1Deployment => ({
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, ...labels } }, spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1' }] } },
    },
  });

  /** Ms from creation until `replicas` pods are Ready, polled every 200 ms. */
  async function readyAfter(body: k8s.V1Deployment): Promise<number> {
    const t0 = Date.now();
    await apps.createNamespacedDeployment({ namespace: 'default', body });
    const want = body.spec!.replicas!;
    await eventually(`${body.metadata!.name} ready`, async () => ((await apps.readNamespacedDeployment({ name: body.metadata!.name!, namespace: 'default' })).status?.readyReplicas ?? 0) >= want, 60_000, 200);
    return Date.now() - t0;
  }

  test('a CNF pod is Ready after the start-up delay; other pods at once', async () => {
    const [cnf, plain] = await Promise.all([readyAfter(deployment('upf', { 'app.kubernetes.io/component': 'cnf' }, 3)), readyAfter(deployment('web', {}, 3))]);
    process.stderr.write(`[cnf-readiness] CNF pods Ready after ${cnf} ms, plain pods after ${plain} ms\n`);
    expect(cnf).toBeGreaterThanOrEqual(DELAY_MS);
    expect(cnf).toBeLessThan(DELAY_MS + JITTER_MS + 10_000);
    expect(plain).toBeLessThan(DELAY_MS);
  });
});
