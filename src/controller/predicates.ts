import type { InformerEvent, KubeObject } from '../runtime/informer.js';
import { nodeReady, type NodeLike } from './sites.js';

type Meta = { generation?: number; deletionTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Whether an informer event changes anything but status, as controller-runtime's
 * GenerationChangedPredicate (plus labels, annotations, finalizers and deletion, which do not bump
 * the generation). A slice's own status write comes back as an update: reacting to it would
 * double the reconciles of new slices and fill the queue with no-ops.
 */
export function specOrMetaChanged(ev: InformerEvent, obj: KubeObject, old?: KubeObject): boolean {
  if (ev !== 'update' || !old) return true;
  const a = old.metadata as Meta | undefined;
  const b = obj.metadata as Meta | undefined;
  return (
    a?.generation !== b?.generation ||
    a?.deletionTimestamp !== b?.deletionTimestamp ||
    !same(a?.labels, b?.labels) ||
    !same(a?.annotations, b?.annotations) ||
    !same(a?.finalizers, b?.finalizers)
  );
}

/** What of a node can change where UPFs go: labels, readiness and schedulability, allocatable. */
function placementFacts(n: NodeLike): string {
  return JSON.stringify([n.metadata?.labels ?? {}, nodeReady(n), n.status?.allocatable ?? {}]);
}

/**
 * Whether a node event can change placement. Nodes are rewritten for heartbeats, images and
 * conditions nobody here reads; treating each as a placement change re-queued every slice several
 * times a minute.
 */
export function placementChanged(ev: InformerEvent, obj: KubeObject, old?: KubeObject): boolean {
  if (ev === 'resync') return false;
  if (ev !== 'update' || !old) return true;
  return placementFacts(obj as NodeLike) !== placementFacts(old as NodeLike);
}

/** A cached child without what changes on every write (see cache-trim: it holds only what is read). */
const readable = (o: KubeObject): string => JSON.stringify(o, (k, v: unknown) => (k === 'resourceVersion' || k === 'generation' ? undefined : v));

/**
 * Whether an event on a cached child changes anything the reconciler reads. The cache keeps only
 * that (cache-trim.ts), so any other difference is a write nobody here reads: a Deployment's
 * status is rewritten several times during a rollout, and each rewrite queued its slice again.
 * Resyncs of children are skipped: the slices' own cycle visits every slice.
 */
export function childChanged(ev: InformerEvent, obj: KubeObject, old?: KubeObject): boolean {
  if (ev === 'resync') return false;
  if (ev !== 'update' || !old) return true;
  return readable(obj) !== readable(old);
}
