/**
 * The operator's cache keeps a fingerprint of the fields it owns in each child instead of the
 * child (src/controller/cache-trim.ts). This checks that fingerprint against the real API
 * server's managedFields, for every object desired() makes of every example: an object just
 * applied matches, a change by someone else does not, applying again matches again. If the
 * server and desired() ever disagreed on a value (a default, a quantity's format, an empty
 * list), every resync would write, which the no-op benchmark would also show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import * as k8s from '@kubernetes/client-node';
import { compactor, matchesApplied, type OwnedKind } from '../../src/controller/cache-trim.js';
import { desired, type KubeObj } from '../../src/controller/desired.js';
import { FIELD_MANAGER } from '../../src/controller/names.js';
import { objectPath, type Kind } from '../../src/controller/resources.js';
import { toSliceView } from '../../src/controller/view-from-api.js';
import type { KubeObject } from '../../src/runtime/informer.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { createNamespace, installCrd, kubeConfig, repoRoot } from './support.js';

const examples = readdirSync(path.join(repoRoot, 'examples')).filter((f) => f.endsWith('.yaml'));
const OWNED_KINDS = new Set(['Deployment', 'Service', 'ConfigMap']);

describe('owned-field fingerprints against the real API server', () => {
  const kc = kubeConfig();
  const client = new KubeClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns: string;

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('owned');
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  const pathOf = (o: KubeObj) => objectPath(o.kind as Kind, o.metadata.namespace, o.metadata.name);
  const cachedNow = async (o: KubeObj) => compactor(o.kind as OwnedKind)(await client.get<KubeObject>(pathOf(o)));

  test.each(examples)('%s: applied children match, changed ones do not, re-applied ones match again', async (file) => {
    const manifest = parse(readFileSync(path.join(repoRoot, 'examples', file), 'utf8')) as KubeObject;
    // A real slice, so the children's owner references point at an object that exists (the
    // garbage collector would delete them otherwise).
    const slice = await client.request<KubeObject>('POST', `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`, { body: { ...manifest, metadata: { ...manifest.metadata, namespace: ns } } });
    const parsed = toSliceView(slice);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const replicas = Object.fromEntries(parsed.view.cnfs.map((c) => [c.name, c.minReplicas + 1]));
    // Two sites: the spread constraint and the multi-site affinity are in the objects too.
    const objs = desired(parsed.view, { replicas, upfSites: ['edge-a', 'edge-b'] }).filter((o) => OWNED_KINDS.has(o.kind));
    expect(objs.map((o) => o.kind).sort()).toEqual(expect.arrayContaining(['ConfigMap', 'Deployment', 'Service']));

    for (const o of objs) await client.apply(pathOf(o), o, FIELD_MANAGER);
    for (const o of objs) expect({ kind: o.kind, name: o.metadata.name, matches: matchesApplied(o, await cachedNow(o)) }).toEqual({ kind: o.kind, name: o.metadata.name, matches: true });

    // What the operator would apply next differs from what runs.
    const dep = objs.find((o) => o.kind === 'Deployment')! as KubeObj & { spec: { replicas: number } };
    expect(matchesApplied({ ...dep, spec: { ...dep.spec, replicas: dep.spec.replicas + 1 } }, await cachedNow(dep))).toBe(false);

    // Someone else changes an owned field with an ordinary update (kubectl scale, edit).
    const byHand = { contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } };
    await client.request('PATCH', pathOf(dep), { ...byHand, body: { spec: { replicas: dep.spec.replicas + 3 } } });
    const cm = objs.find((o) => o.kind === 'ConfigMap')!;
    await client.request('PATCH', pathOf(cm), { ...byHand, body: { metadata: { labels: { 'slicing.telco.dev/slice': 'someone-else' } } } });
    expect(matchesApplied(dep, await cachedNow(dep))).toBe(false);
    expect(matchesApplied(cm, await cachedNow(cm))).toBe(false);
    // A field only someone else set is not drift: it is theirs.
    const svc = objs.find((o) => o.kind === 'Service')!;
    await client.request('PATCH', pathOf(svc), { ...byHand, body: { metadata: { annotations: { 'team.example/owner': 'ran' } } } });
    expect(matchesApplied(svc, await cachedNow(svc))).toBe(true);

    for (const o of objs) await client.apply(pathOf(o), o, FIELD_MANAGER);
    for (const o of objs) expect(matchesApplied(o, await cachedNow(o))).toBe(true);
  });
});
