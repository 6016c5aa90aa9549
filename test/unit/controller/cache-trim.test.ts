import v8 from 'node:v8';
import { LABEL_SITE } from '../../../src/api/well-known-labels.js';
import { compactor, matchesApplied, OWNED, PLACEMENT, placementOfCached, trimSlice } from '../../../src/controller/cache-trim.js';
import { FIELD_MANAGER, LABEL_SLICE } from '../../../src/controller/names.js';
import { usageOf, usageOfPlacement, type PlacedDeploymentLike } from '../../../src/controller/sites.js';
import { appliedFingerprint, ownedFingerprint, projectFields, type FieldSet } from '../../../src/controller/owned-fields.js';

// Whether the API server's field sets and these fingerprints agree for every object desired()
// makes is checked against a real API server in test/e2e/owned-fields.test.ts. Here: the
// projection rules on field sets written out by hand, in the server's format.

const applied = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'ns', labels: { app: 'upf' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'upf', image: 'upf:1', ports: [{ containerPort: 8805, protocol: 'UDP' }] }] } } },
};
// What the server records for that apply.
const fields: FieldSet = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:template': {
      'f:spec': {
        'f:containers': { 'k:{"name":"upf"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":8805,"protocol":"UDP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } } } },
      },
    },
  },
};
// The live object: the server's defaults, another manager's sidecar, status.
const live = (over: { replicas?: number; fieldsV1?: FieldSet; manager?: string; operation?: string } = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'd', namespace: 'ns', uid: 'u', resourceVersion: '9', generation: 3, labels: { app: 'upf', 'pod-template-hash': 'x' },
    annotations: { 'deployment.kubernetes.io/revision': '1' },
    managedFields: [
      { manager: over.manager ?? FIELD_MANAGER, operation: over.operation ?? 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: over.fieldsV1 ?? fields },
      { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {} } } },
    ],
  },
  spec: {
    replicas: over.replicas ?? 2, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate' },
    template: { spec: { dnsPolicy: 'ClusterFirst', containers: [{ name: 'upf', image: 'upf:1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8805, protocol: 'UDP' }] }, { name: 'mesh-sidecar', image: 'proxy:2' }] } },
  },
  status: { replicas: 2, readyReplicas: 1, updatedReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
});

describe('owned-field fingerprints', () => {
  it('project a live object onto the fields a manager owns: defaults, status and other managers left out', () => {
    expect(projectFields(live(), fields)).toEqual({
      metadata: { labels: { app: 'upf' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'upf', image: 'upf:1', ports: [{ containerPort: 8805, protocol: 'UDP' }] }] } } },
    });
  });

  it('match what was applied while nothing changed', () => {
    expect(ownedFingerprint(live(), FIELD_MANAGER)).toBe(appliedFingerprint(applied));
  });

  it('differ when someone else changed an owned field (it moved to them), or when the operator would set something else', () => {
    const { 'f:replicas': _taken, ...specWithoutReplicas } = fields['f:spec']!;
    const scaledByKubectl = live({ replicas: 5, fieldsV1: { ...fields, 'f:spec': specWithoutReplicas } });
    expect(ownedFingerprint(scaledByKubectl, FIELD_MANAGER)).not.toBe(appliedFingerprint(applied));
    expect(ownedFingerprint(live(), FIELD_MANAGER)).not.toBe(appliedFingerprint({ ...applied, spec: { ...applied.spec, replicas: 3 } }));
    // A field the operator no longer sets is drift too: applying again removes it.
    const { labels: _l, ...noLabels } = applied.metadata;
    expect(ownedFingerprint(live(), FIELD_MANAGER)).not.toBe(appliedFingerprint({ ...applied, metadata: noLabels }));
  });

  it('count only server-side apply by our manager: an object made by an update or by another tool is applied again', () => {
    expect(ownedFingerprint(live({ operation: 'Update' }), FIELD_MANAGER)).not.toBe(appliedFingerprint(applied));
    expect(ownedFingerprint(live({ manager: 'kubectl' }), FIELD_MANAGER)).not.toBe(appliedFingerprint(applied));
    // Owning nothing is an empty projection, not the whole object.
    expect(ownedFingerprint(live({ manager: 'kubectl' }), FIELD_MANAGER)).toBe(appliedFingerprint({}));
  });

  it('read set items (v:) and indexed items (i:) as the server writes them', () => {
    expect(projectFields({ finalizers: ['a', 'b', 'c'] }, { 'f:finalizers': { '.': {}, 'v:"b"': {} } })).toEqual({ finalizers: ['b'] });
    expect(projectFields({ args: ['x', 'y'] }, { 'f:args': { 'i:1': {} } })).toEqual({ args: ['y'] });
    // An atomic list is owned whole.
    expect(projectFields({ args: ['x', 'y'] }, { 'f:args': {} })).toEqual({ args: ['x', 'y'] });
    // A key that is not JSON matches nothing (the item counts as not owned), never throws.
    expect(projectFields({ ports: [{ port: 1 }] }, { 'f:ports': { 'k:{port:1': {} } })).toEqual({ ports: [] });
  });
});

describe('cached children', () => {
  it('keep identity, the slice label, what placement and status read, and the fingerprint; nothing else', () => {
    const cached = compactor('Deployment')(live() as never);
    expect(cached).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns', resourceVersion: '9', generation: 3 },
      spec: { replicas: 2 },
      status: { readyReplicas: 1, updatedReplicas: 2, replicas: 2 },
      [OWNED]: ownedFingerprint(live(), FIELD_MANAGER),
      [PLACEMENT]: { cpuMillis: 0, memoryBytes: 0 },
    });
    expect(matchesApplied(applied, cached)).toBe(true);
    expect(matchesApplied(applied, undefined)).toBe(false);
  });

  it("summarize a pinned Deployment's template as sites and per-replica requests, and keep the slice label only", () => {
    const pinned = live();
    (pinned.metadata.labels as Record<string, string>)[LABEL_SLICE] = 'gold';
    const tpl = pinned.spec.template.spec as Record<string, unknown>;
    tpl.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL_SITE, operator: 'In', values: ['edge-a', 'edge-b'] }] }] } } };
    tpl.containers = [{ name: 'upf', resources: { requests: { cpu: '500m', memory: '1Gi' } } }, { name: 'mesh-sidecar', resources: { requests: { cpu: '0.1' } } }];
    const cached = compactor('Deployment')(pinned as never);
    expect(cached.metadata).toEqual({ name: 'd', namespace: 'ns', resourceVersion: '9', generation: 3, labels: { [LABEL_SLICE]: 'gold' } });
    expect(placementOfCached(cached)).toEqual({ sites: ['edge-a', 'edge-b'], cpuMillis: 600, memoryBytes: 2 ** 30 });
    // The summary reads as the whole object does: the cache and a fresh API answer agree.
    expect(placementOfCached(cached)).toEqual(placementOfCached(pinned as never));
    expect(usageOfPlacement(placementOfCached(cached), 2)).toEqual(usageOf(pinned as PlacedDeploymentLike));
    expect(usageOf(pinned as PlacedDeploymentLike).get('edge-a')).toEqual({ cpuMillis: 600, memoryBytes: 2 ** 30, pods: 1 });
  });

  it('keep no spec or status of Services and ConfigMaps', () => {
    const cm = compactor('ConfigMap')({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', resourceVersion: '1' }, data: { 'qos.json': '{"5qi":9}' } });
    expect(Object.keys(cm).sort()).toEqual(['@owned', 'apiVersion', 'kind', 'metadata']);
  });
});

// V8's own test of an object's representation: fast (a hidden class) or a dictionary.
v8.setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

describe('cached slices', () => {
  it('keep metadata a fast object: custom resources arrive with keys in alphabetical order, managedFields mid-way', () => {
    // As the API server sends a custom resource (keys sorted), parsed the way the informer does.
    const wire = JSON.stringify({
      apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice',
      metadata: {
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'ran' }, creationTimestamp: '2026-11-25T06:38:01Z', finalizers: ['slicing.telco.dev/cleanup'], generation: 1,
        managedFields: [{ manager: 'kubectl', operation: 'Update' }], name: 's', namespace: 'ns', resourceVersion: '7', uid: 'u',
      },
      spec: {},
    });
    const parsed = JSON.parse(wire) as { metadata: Record<string, unknown> };
    expect(hasFastProperties(parsed.metadata)).toBe(true);
    // What `delete` did: the object became a dictionary.
    const deleted = JSON.parse(wire) as { metadata: Record<string, unknown> };
    delete deleted.metadata.managedFields;
    expect(hasFastProperties(deleted.metadata)).toBe(false);
    const md = trimSlice(JSON.parse(wire)).metadata as Record<string, unknown>;
    expect(md).toEqual({ annotations: { team: 'ran' }, creationTimestamp: '2026-11-25T06:38:01Z', finalizers: ['slicing.telco.dev/cleanup'], generation: 1, name: 's', namespace: 'ns', resourceVersion: '7', uid: 'u' });
    expect(hasFastProperties(md)).toBe(true);
    expect(hasFastProperties(md.annotations as object)).toBe(true);
  });

  it("drop managedFields and kubectl's last-applied copy of the manifest, and keep every other annotation", () => {
    const slice = (annotations: Record<string, string>) => ({
      apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice',
      metadata: { name: 's', namespace: 'ns', annotations, managedFields: [{ manager: 'kubectl' }] },
      spec: { serviceType: 'eMBB' }, status: { phase: 'Ready' },
    });
    expect(trimSlice(slice({ 'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{}}', team: 'ran' }))).toEqual({ ...slice({ team: 'ran' }), metadata: { name: 's', namespace: 'ns', annotations: { team: 'ran' } } });
    expect(trimSlice(slice({ 'kubectl.kubernetes.io/last-applied-configuration': '{}' })).metadata).toEqual({ name: 's', namespace: 'ns' });
  });
});
