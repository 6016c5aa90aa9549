import * as k8s from '@kubernetes/client-node';
import { Informer, objectKey, stripManagedFields, type KubeObject } from '../../src/runtime/informer.js';
import { ValueTable } from '../../src/runtime/intern.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { createNamespace, eventually, kubeConfig } from './support.js';

describe('Informer against the real API server', () => {
  const kc = kubeConfig();
  const client = new KubeClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns: string;
  const informers: Informer[] = [];

  beforeAll(async () => {
    ns = await createNamespace('informer');
  });
  afterAll(async () => {
    await Promise.all(informers.map((i) => i.stop()));
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  const make = (opts: Partial<ConstructorParameters<typeof Informer>[1]> = {}) => {
    const inf = new Informer(client, { path: `/api/v1/namespaces/${ns}/configmaps`, labelSelector: 'informer-test=yes', ...opts }, silentLogger);
    informers.push(inf);
    return inf;
  };
  const cm = (name: string, v: string) => ({ metadata: { name, labels: { 'informer-test': 'yes' } }, data: { v } });

  test('lists, then follows adds, updates and deletes', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('a', '1') });
    const seen: string[] = [];
    const inf = make().on((ev, o) => seen.push(`${ev}:${o.metadata?.name}`));
    inf.start();
    await inf.waitForSync();
    expect(inf.get(`${ns}/a`)).toBeDefined();
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('b', '1') });
    await core.patchNamespacedConfigMap({ name: 'a', namespace: ns, body: { data: { v: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'b', namespace: ns });
    await eventually('events', async () => seen.includes('delete:b') && (inf.get(`${ns}/a`) as { data?: { v?: string } })?.data?.v === '2');
    expect(seen).toEqual(expect.arrayContaining(['add:a', 'add:b', 'update:a', 'delete:b']));
    expect(inf.list().map(objectKey)).toEqual([`${ns}/a`]);
  });

  test('a silent stream is restarted by the watchdog and nothing is missed', async () => {
    // The server sends nothing on an idle watch (bookmarks come about once a minute), so a
    // 1.5 s watchdog fires while idle; changes made after it must still arrive.
    const inf = make({ watchdogMs: 1500 });
    inf.start();
    await inf.waitForSync();
    await eventually('watchdog fired', async () => inf.stats.watchdogFired >= 1, 20_000);
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('after-watchdog', 'x') });
    await eventually('object after watchdog restart', async () => inf.get(`${ns}/after-watchdog`));
    expect(inf.stats.watches).toBeGreaterThanOrEqual(2);
  });

  test('lists in pages and still gets every object, with kind and apiVersion restored', async () => {
    const paged = (name: string) => ({ metadata: { name, labels: { 'informer-test': 'paged' } }, data: { v: name } });
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await core.createNamespacedConfigMap({ namespace: ns, body: paged(n) });
    const inf = make({ labelSelector: 'informer-test=paged', pageSize: 2 });
    inf.start();
    await inf.waitForSync();
    expect(inf.list().map(objectKey).sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'].map((n) => `${ns}/${n}`));
    expect(inf.stats.listPages).toBe(3);
    expect(inf.list().every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1')).toBe(true);
    // The watch starts from the list's version: a change right after the sync arrives.
    await core.createNamespacedConfigMap({ namespace: ns, body: paged('p6') });
    await eventually('object after a paged list', async () => inf.get(`${ns}/p6`));
  });

  test('with a shared value table, listed and watched objects are what the API server holds', async () => {
    const shared = (name: string) => ({ metadata: { name, labels: { 'informer-test': 'strings', team: 'core-network' } }, data: { site: 'edge-a', note: 'same text in every object' } });
    await core.createNamespacedConfigMap({ namespace: ns, body: shared('s1') });
    const values = new ValueTable();
    const inf = make({ labelSelector: 'informer-test=strings', shared: values });
    inf.start();
    await inf.waitForSync();
    await core.createNamespacedConfigMap({ namespace: ns, body: shared('s2') });
    await eventually('watched object', async () => inf.get(`${ns}/s2`));
    for (const name of ['s1', 's2']) {
      const live = stripManagedFields((await client.request('GET', `/api/v1/namespaces/${ns}/configmaps/${name}`)) as KubeObject);
      expect(inf.get(`${ns}/${name}`)).toEqual(live);
    }
    // Namespace, label values, data values, timestamps: the table holds them, not names or uids.
    expect(values.size.strings).toBeGreaterThan(0);
    // The labels and data objects are alike in both: one shared, frozen copy each.
    const [a, b] = ['s1', 's2'].map((name) => inf.get(`${ns}/${name}`) as unknown as { metadata: { labels: object }; data: object });
    expect(a!.data).toBe(b!.data);
    expect(a!.metadata.labels).toBe(b!.metadata.labels);
    expect(Object.isFrozen(a!.data)).toBe(true);
  });
});
