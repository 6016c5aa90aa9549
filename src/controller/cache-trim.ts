import { stripManagedFields, type KubeObject } from '../runtime/informer.js';
import { FIELD_MANAGER, LABEL_SLICE } from './names.js';
import { appliedFingerprint, ownedFingerprint } from './owned-fields.js';
import { placementOf, type Placement, type PlacedDeploymentLike } from './sites.js';

/** Property of a cached child holding the fingerprint of the fields the operator owns in it. */
export const OWNED = '@owned';
/** Property of a cached Deployment holding what placement reads of its pod template. */
export const PLACEMENT = '@placement';

export type OwnedKind = 'Deployment' | 'Service' | 'ConfigMap';

/** A child as the cache holds it: identity, what readers need, and what we own as a fingerprint. */
export interface CachedChild extends KubeObject {
  [OWNED]: string;
  [PLACEMENT]?: Placement;
}

/** What placement reads of a Deployment: from the cache's summary, or from a whole object. */
export function placementOfCached(d: KubeObject): Placement {
  return (d as CachedChild)[PLACEMENT] ?? placementOf(d as PlacedDeploymentLike);
}

type Obj = Record<string, unknown>;
const pick = (o: unknown, keys: string[]): Obj | undefined => {
  if (!o || typeof o !== 'object') return undefined;
  const out: Obj = {};
  for (const k of keys) if ((o as Obj)[k] !== undefined) out[k] = (o as Obj)[k];
  return out;
};

type DeploymentCondition = { type?: string; status?: string; reason?: string; message?: string };

/** What the rollout check reads of a Deployment's status (rollout.ts), the Progressing condition only when it failed. */
function rolloutStatus(status: Obj | undefined): Obj | undefined {
  const out = pick(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']);
  const progressing = (status?.conditions as DeploymentCondition[] | undefined)?.find((c) => c.type === 'Progressing');
  if (out && progressing?.status === 'False') out.stalled = { reason: progressing.reason ?? 'ProgressDeadlineExceeded', message: progressing.message ?? '' };
  return out;
}

/**
 * What the cache keeps of each child. Drift is judged on the fingerprint, so of the rest only
 * what something reads stays: the name, namespace, resource version and deletion mark; the
 * slice label (the owner's key for events); of a Deployment its generation, replicas, whether its
 * rollout makes room (maxSurge 0), the rollout's counts and a failed Progressing condition (the
 * slice's status) and a summary of its pod template for placement (sites and requests). A child was about 2 KB as the API server sends it, and 1.1 KB (Deployment) or
 * 0.4 KB (Service, ConfigMap) with the template, uid, generation and all labels kept; three per
 * slice add up at 10,000 slices.
 */
function compact(kind: OwnedKind, obj: KubeObject): CachedChild {
  const md = obj.metadata as (Obj & { labels?: Record<string, string> }) | undefined;
  const meta = pick(md, kind === 'Deployment' ? ['name', 'namespace', 'resourceVersion', 'generation', 'deletionTimestamp'] : ['name', 'namespace', 'resourceVersion', 'deletionTimestamp'])!;
  const slice = md?.labels?.[LABEL_SLICE];
  if (slice !== undefined) meta.labels = { [LABEL_SLICE]: slice };
  const out: Obj = { apiVersion: obj.apiVersion, kind: obj.kind ?? kind, metadata: meta, [OWNED]: ownedFingerprint(obj, FIELD_MANAGER) };
  if (kind === 'Deployment') {
    const spec = obj.spec as { replicas?: number; strategy?: { rollingUpdate?: { maxSurge?: number | string } } } | undefined;
    out.spec = { replicas: spec?.replicas };
    // Whether the rollout makes room (maxSurge 0, see desired.ts): kept until the rollout is done.
    if (spec?.strategy?.rollingUpdate?.maxSurge === 0) (out.spec as Obj).makingRoom = true;
    out.status = rolloutStatus(obj.status as Obj | undefined);
    out[PLACEMENT] = placementOf(obj as PlacedDeploymentLike);
  }
  return out as CachedChild;
}

/** The informer transform for one kind of child (controller-runtime's cache TransformFunc). */
export function compactor(kind: OwnedKind): (obj: KubeObject) => KubeObject {
  return (obj) => compact(kind, obj);
}

/** Whether a cached child is what `desired` would apply: same fields, same values, owned by us. */
export function matchesApplied(desired: object, cached: KubeObject | undefined): boolean {
  return cached !== undefined && (cached as Partial<CachedChild>)[OWNED] === appliedFingerprint(desired);
}

/** Client-side `kubectl apply` (and tools built on it) keeps a copy of the whole manifest here. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The informer transform for slices: managedFields and kubectl's last-applied copy of the
 * manifest go, everything else stays (spec, metadata and status are all read). The copy nearly
 * doubles a slice applied with plain `kubectl apply`; nothing here reads it.
 */
export function trimSlice(obj: KubeObject): KubeObject {
  stripManagedFields(obj);
  const md = obj.metadata as { annotations?: Record<string, string> } | undefined;
  if (md?.annotations && LAST_APPLIED in md.annotations) {
    // Rebuilt rather than deleted from, which would make both objects dictionaries (see stripManagedFields).
    const { [LAST_APPLIED]: _copy, ...annotations } = md.annotations;
    const { annotations: _all, ...rest } = md;
    obj.metadata = Object.keys(annotations).length ? { ...rest, annotations } : rest;
  }
  return obj;
}
