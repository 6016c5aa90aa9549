import { stripManagedFields, type KubeObject } from '../runtime/informer.js';
import { FIELD_MANAGER } from './names.js';
import { appliedFingerprint, ownedFingerprint } from './owned-fields.js';

/** Property of a cached child holding the fingerprint of the fields the operator owns in it. */
export const OWNED = '@owned';

export type OwnedKind = 'Deployment' | 'Service' | 'ConfigMap';

/** A child as the cache holds it: identity, what readers need, and what we own as a fingerprint. */
export interface CachedChild extends KubeObject {
  [OWNED]: string;
}

type Obj = Record<string, unknown>;
const pick = (o: unknown, keys: string[]): Obj | undefined => {
  if (!o || typeof o !== 'object') return undefined;
  const out: Obj = {};
  for (const k of keys) if ((o as Obj)[k] !== undefined) out[k] = (o as Obj)[k];
  return out;
};

/**
 * What the cache keeps of each child. Drift is judged on the fingerprint, so a child's spec is
 * kept only where something else reads it: a Deployment's replicas, node affinity (its sites) and
 * resource requests (what it takes of them), for placement; its ready and updated replica counts,
 * for the slice's status. Everything else of a child (about 2 KB each, three per slice) costs memory for
 * nothing at 10,000 slices.
 */
function compact(kind: OwnedKind, obj: KubeObject): CachedChild {
  const md = obj.metadata as Obj | undefined;
  const out: Obj = {
    apiVersion: obj.apiVersion,
    kind: obj.kind ?? kind,
    metadata: pick(md, ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'labels', 'deletionTimestamp']),
    [OWNED]: ownedFingerprint(obj, FIELD_MANAGER),
  };
  if (kind === 'Deployment') {
    const spec = obj.spec as { replicas?: number; template?: { spec?: { affinity?: unknown; containers?: { resources?: { requests?: unknown } }[] } } } | undefined;
    const pod = spec?.template?.spec;
    out.spec = {
      replicas: spec?.replicas,
      template: { spec: { affinity: pod?.affinity, containers: (pod?.containers ?? []).map((c) => ({ resources: { requests: c.resources?.requests } })) } },
    };
    out.status = pick(obj.status, ['readyReplicas', 'updatedReplicas']);
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
    delete md.annotations[LAST_APPLIED];
    if (!Object.keys(md.annotations).length) delete md.annotations;
  }
  return obj;
}
