import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createNamespace, e2eEnv, eventually, kubeConfig, kubectl, repoRoot } from './support.js';

describe('local control plane (real kube-apiserver)', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  let ns: string;

  beforeAll(async () => {
    ns = await createNamespace('smoke');
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  test('reports the real server version: the one built with kubectl, within Chart.yaml kubeVersion', async () => {
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    process.stderr.write(`[smoke] talking to kube-apiserver ${version.gitVersion} (${version.platform})\n`);
    // `npm run test:matrix VERSION` runs this suite on other minors: no version is hard-coded here.
    const client = JSON.parse((await kubectl(['version', '--client', '-o', 'json'])).stdout).clientVersion.gitVersion;
    expect(version.gitVersion).toBe(client);
    expect(version.gitVersion).toBe(e2eEnv().serverVersion);
    const range = /^kubeVersion: ">=1\.(\d+)\.0-0 <1\.(\d+)\.0-0"$/m.exec(readFileSync(path.join(repoRoot, 'charts/slice-operator/Chart.yaml'), 'utf8'));
    const minor = Number(/^v1\.(\d+)\.\d+$/.exec(version.gitVersion)?.[1]);
    expect(minor).toBeGreaterThanOrEqual(Number(range![1]));
    expect(minor).toBeLessThan(Number(range![2]));
  });

  test('a Deployment gets pods scheduled onto kwok nodes and Running', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1', resources: { requests: { cpu: '100m' } } }] },
          },
        },
      },
    });
    const pods = await eventually('3 Running pods', async () => {
      const list = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
      const running = list.items.filter((p) => p.status?.phase === 'Running' && p.spec?.nodeName);
      return running.length === 3 ? running : undefined;
    }, 90_000);
    const nodes = new Set((await core.listNode()).items.map((n) => n.metadata!.name!));
    for (const p of pods) expect(nodes.has(p.spec!.nodeName!)).toBe(true);
    const dep = await eventually('Deployment available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return d.status?.availableReplicas === 3 ? d : undefined;
    });
    expect(dep.status?.readyReplicas).toBe(3);
  });

  test('a CRD installs and becomes served', async () => {
    const group = `smoke${Math.random().toString(36).slice(2, 6)}.example.com`;
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } } } } } }],
        },
      },
    });
    await eventually('CRD Established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name: `widgets.${group}` });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await eventually('custom object create', () =>
      custom.createNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'widgets', body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2 } } }),
    );
    await expect(
      custom.createNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'widgets', body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0 } } }),
    ).rejects.toThrow(/spec.size/);
    await ext.deleteCustomResourceDefinition({ name: `widgets.${group}` });
  });
});
