import { compactor } from '../../../src/controller/cache-trim.js';
import { FIELD_MANAGER } from '../../../src/controller/names.js';
import { childChanged, placementChanged, specOrMetaChanged } from '../../../src/controller/predicates.js';

const slice = (over: Record<string, unknown> = {}, status: unknown = {}) => ({
  metadata: { name: 's', namespace: 'ns', generation: 1, resourceVersion: '1', labels: { a: '1' }, ...over },
  spec: { x: 1 },
  status,
});

describe('specOrMetaChanged', () => {
  it('ignores an update that only changes status (our own status write coming back)', () => {
    expect(specOrMetaChanged('update', slice({ resourceVersion: '2' }, { ready: true }), slice())).toBe(false);
  });
  it.each([
    ['a new generation (spec edit)', { generation: 2 }],
    ['a label change', { labels: { a: '2' } }],
    ['an annotation', { annotations: { x: 'y' } }],
    ['deletion starting', { deletionTimestamp: '2026-11-24T00:00:00Z' }],
    ['a finalizer', { finalizers: ['f'] }],
  ])('reacts to %s', (_name, over) => {
    expect(specOrMetaChanged('update', slice({ resourceVersion: '2', ...over }), slice())).toBe(true);
  });
  it('reacts to adds, deletes, resyncs and updates without a cached old object', () => {
    for (const ev of ['add', 'delete', 'resync'] as const) expect(specOrMetaChanged(ev, slice(), slice())).toBe(true);
    expect(specOrMetaChanged('update', slice())).toBe(true);
  });
});

const node = (over: { labels?: Record<string, string>; ready?: string; unschedulable?: boolean; allocatable?: Record<string, string>; heartbeat?: string; images?: string[] } = {}) => ({
  metadata: { name: 'n1', resourceVersion: String(Math.random()), labels: over.labels ?? { 'slicing.telco.dev/site': 'edge-a' } },
  spec: { unschedulable: over.unschedulable },
  status: {
    conditions: [{ type: 'Ready', status: over.ready ?? 'True', lastHeartbeatTime: over.heartbeat ?? '2026-11-24T00:00:00Z' }],
    allocatable: over.allocatable ?? { cpu: '8', memory: '32Gi', pods: '110' },
    images: over.images ?? [],
  },
});

describe('placementChanged', () => {
  it('ignores heartbeats and fields placement does not read', () => {
    expect(placementChanged('update', node({ heartbeat: '2026-11-24T00:01:00Z', images: ['upf:1'] }), node())).toBe(false);
  });
  it.each([
    ['site labels', { labels: { 'slicing.telco.dev/site': 'edge-b' } }],
    ['readiness', { ready: 'False' }],
    ['cordon', { unschedulable: true }],
    ['allocatable', { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } }],
  ])('reacts to %s', (_name, over) => {
    expect(placementChanged('update', node(over), node())).toBe(true);
  });
  it('reacts to nodes coming and going, never to resyncs', () => {
    expect(placementChanged('add', node())).toBe(true);
    expect(placementChanged('delete', node(), node())).toBe(true);
    expect(placementChanged('resync', node(), node())).toBe(false);
  });
});

describe('childChanged (cached, compact children)', () => {
  const dep = (rv: string, status: Record<string, number> = {}, owned = 'fp1') =>
    compactor('Deployment')({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns', resourceVersion: rv, generation: 1, labels: { 'slicing.telco.dev/slice': 's' }, managedFields: [{ manager: owned, operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, replicas: 1, ...status, conditions: [{ type: 'Progressing', status: 'True', lastUpdateTime: rv }] },
    });
  it('ignores a rewrite of what the operator does not read (conditions that did not fail, collisionCount, unavailableReplicas)', () => {
    expect(childChanged('update', dep('2', { unavailableReplicas: 1, collisionCount: 1 }), dep('1'))).toBe(false);
  });
  it('reacts to what the rollout check reads: available replicas and the Deployment controller catching up', () => {
    expect(childChanged('update', dep('2', { availableReplicas: 1 }), dep('1'))).toBe(true);
    expect(childChanged('update', dep('2', { observedGeneration: 2 }), dep('1'))).toBe(true);
  });
  it('reacts to replica counts, to a change in what it owns, and to children coming and going; never to resyncs', () => {
    expect(childChanged('update', dep('2', { readyReplicas: 1 }), dep('1'))).toBe(true);
    expect(childChanged('update', dep('2', {}, FIELD_MANAGER), dep('1'))).toBe(true);
    expect(childChanged('add', dep('1'))).toBe(true);
    expect(childChanged('delete', dep('1'), dep('1'))).toBe(true);
    expect(childChanged('resync', dep('1'), dep('1'))).toBe(false);
  });
});
