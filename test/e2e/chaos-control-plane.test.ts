/**
 * Faults of the control plane itself, on a cluster of this file's own (the shared one must not be
 * restarted under other tests): kube-apiserver restart, etcd restart, and a watch resumed from a
 * resourceVersion the restarted server no longer has (410 Gone -> re-list).
 */
import * as k8s from '@kubernetes/client-node';
import { LocalCluster } from '../../tools/devcluster/cluster.js';
import { Informer } from '../../src/runtime/informer.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { eventually } from './support.js';

describe('control-plane faults', () => {
  const cluster = new LocalCluster({ sites: [{ name: 'edge-a', tier: 'edge', zone: 'zone-a', ranLatencyMs: 2, trackingAreas: ['000001'], nodes: 1, cpu: '8', memory: '16Gi', pods: 110 }] });
  let kc: k8s.KubeConfig;
  let informer: Informer;
  let core: k8s.CoreV1Api;
  const ns = 'chaos';

  beforeAll(async () => {
    await cluster.start();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.details.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    informer = new Informer(new KubeClient(kc), { path: `/api/v1/namespaces/${ns}/configmaps`, backoffBaseMs: 100, backoffMaxMs: 1000 }, silentLogger);
    informer.start();
    await informer.waitForSync();
  });
  afterAll(async () => {
    await informer?.stop();
    await cluster.stop();
  });

  const serverNames = async () => (await core.listNamespacedConfigMap({ namespace: ns })).items.map((c) => c.metadata!.name!).sort();
  const cacheNames = () => informer.list().map((c) => c.metadata!.name!).sort();
  const converged = async () => JSON.stringify(await serverNames()) === JSON.stringify(cacheNames());

  test('kube-apiserver restart: the informer reconnects and misses nothing', async () => {
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `before-${i}` } } });
    await eventually('cache has before-*', converged);
    const watchesBefore = informer.stats.watches;
    await cluster.restart('kube-apiserver');
    await eventually('API server back', async () => (await core.listNamespacedConfigMap({ namespace: ns })) !== undefined, 90_000, 500);
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `after-${i}` } } });
    await core.deleteNamespacedConfigMap({ name: 'before-0', namespace: ns });
    await eventually('cache converged after restart', converged, 60_000);
    expect(informer.stats.watches).toBeGreaterThan(watchesBefore);
    expect(cacheNames()).not.toContain('before-0');
  });

  test('etcd restart: the informer reconnects and misses nothing', async () => {
    await cluster.restart('etcd');
    await eventually('writes work again', async () => core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-etcd' } } }), 90_000, 500);
    await core.deleteNamespacedConfigMap({ name: 'after-0', namespace: ns });
    await eventually('cache converged after etcd restart', converged, 60_000);
  });

  test('a watch from a resourceVersion the server no longer has gets 410 and re-lists', async () => {
    // Compact etcd to its current revision and restart the API server: its new watch cache starts
    // at the current revision, so the informer's older resourceVersion is "too old" -> 410 Gone.
    const etcd = cluster.details.etcdUrl;
    const status = (await (await fetch(`${etcd}/v3/maintenance/status`, { method: 'POST', body: '{}' })).json()) as { header: { revision: string } };
    for (let i = 0; i < 3; i++) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `churn-${i}` } } });
    // An informer that retries slowly: after three failed watches an informer re-lists on its own
    // (and so never sees the 410); with a ~4 s backoff it is still resuming from its old
    // resourceVersion when the API server is back, which is the case under test.
    await informer.stop();
    informer = new Informer(new KubeClient(kc), { path: `/api/v1/namespaces/${ns}/configmaps`, backoffBaseMs: 4000, backoffMaxMs: 4000 }, silentLogger);
    informer.start();
    await informer.waitForSync();
    await eventually('cache has churn', converged);
    const goneBefore = informer.stats.gone;
    const listsBefore = informer.stats.lists;
    await cluster.stopComponent('kube-apiserver');
    // While it is down, move etcd's (global) revision on with writes outside the Kubernetes
    // prefix, then compact: the restarted API server's watch cache begins after the informer's
    // resourceVersion.
    const b64 = (x: string) => Buffer.from(x).toString('base64');
    let rev = Number(status.header.revision);
    for (let i = 0; i < 5; i++) {
      const put = (await (await fetch(`${etcd}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64(`/chaos/${i}`), value: b64('x') }) })).json()) as { header: { revision: string } };
      rev = Number(put.header.revision);
    }
    await fetch(`${etcd}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision: String(rev), physical: true }) });
    await cluster.restart('kube-apiserver');
    await eventually('API server back', async () => (await core.listNamespacedConfigMap({ namespace: ns })) !== undefined, 90_000, 500);
    await core.deleteNamespacedConfigMap({ name: 'churn-1', namespace: ns });
    await eventually('cache converged', converged, 60_000);
    expect(informer.stats.gone).toBeGreaterThan(goneBefore);
    expect(informer.stats.lists).toBeGreaterThan(listsBefore);
    process.stderr.write(`[chaos] 410 Gone seen ${informer.stats.gone - goneBefore}x, lists ${informer.stats.lists - listsBefore}x, watch errors ${informer.stats.watchErrors}\n`);
  });
});
