/**
 * What the operator keeps of each pod of its CNFs: where it runs and how it is doing, in a few
 * fields. The pod informer (manager.ts) caches this summary instead of the pod, so a slice's
 * rollout can be judged from its pods (why a replica is Pending, which sites they run on) and CNF
 * health can be watched, at a few hundred bytes a pod.
 */
import type { KubeObject } from '../runtime/informer.js';
import { LABEL_CNF, LABEL_SLICE } from './names.js';

/** Property of a cached pod holding its facts. */
export const FACTS = '@pod';

/** Container waiting reasons that mean the CNF cannot start until someone changes something. */
const FATAL_WAITING = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export interface PodFacts {
  /** The node the pod is bound to; undefined while it is not scheduled. */
  node?: string;
  phase: string;
  ready: boolean;
  /** When the pod was created (ms since the epoch). */
  createdMs: number;
  /** When its Ready condition last changed (ms), if it has one. */
  readyChangedMs?: number;
  /** The scheduler's message while the pod cannot be scheduled. */
  unschedulable?: string;
  /** A container's waiting reason that keeps it from running (CrashLoopBackOff, ImagePullBackOff, ...). */
  waiting?: { reason: string; message: string };
  /** Container restarts, summed over the pod's containers. */
  restarts: number;
  /** The pod-template-hash label: which ReplicaSet (template) the pod belongs to. */
  template?: string;
  terminating?: boolean;
}

/** A pod as the cache holds it: identity, the slice and CNF labels, and its facts. */
export interface CachedPod extends KubeObject {
  metadata: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  [FACTS]: PodFacts;
}

type PodObj = KubeObject & {
  metadata?: { labels?: Record<string, string>; creationTimestamp?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }[];
    containerStatuses?: { restartCount?: number; state?: { waiting?: { reason?: string; message?: string } } }[];
  };
};

const ms = (t: string | undefined): number | undefined => {
  const v = t ? Date.parse(t) : NaN;
  return Number.isFinite(v) ? v : undefined;
};

/** The facts of a pod as the API server sends it. */
export function podFacts(pod: PodObj): PodFacts {
  const st = pod.status ?? {};
  const cond = (type: string) => st.conditions?.find((c) => c.type === type);
  const ready = cond('Ready');
  const scheduled = cond('PodScheduled');
  const facts: PodFacts = {
    phase: st.phase ?? 'Pending',
    ready: ready?.status === 'True',
    createdMs: ms(pod.metadata?.creationTimestamp) ?? 0,
    restarts: (st.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0),
  };
  if (pod.spec?.nodeName) facts.node = pod.spec.nodeName;
  const changed = ms(ready?.lastTransitionTime);
  if (changed !== undefined) facts.readyChangedMs = changed;
  if (!facts.node && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') facts.unschedulable = scheduled.message ?? 'no node fits';
  const w = st.containerStatuses?.map((c) => c.state?.waiting).find((x) => x?.reason && FATAL_WAITING.has(x.reason));
  if (w?.reason) facts.waiting = { reason: w.reason, message: (w.message ?? '').slice(0, 200) };
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (hash) facts.template = hash;
  if (pod.metadata?.deletionTimestamp) facts.terminating = true;
  return facts;
}

/** The informer transform for pods: identity, the slice and CNF labels, and the facts. */
export function compactPod(obj: KubeObject): KubeObject {
  const pod = obj as PodObj;
  const md = pod.metadata ?? {};
  const labels: Record<string, string> = {};
  for (const k of [LABEL_SLICE, LABEL_CNF]) if (md.labels?.[k] !== undefined) labels[k] = md.labels[k]!;
  const out: CachedPod = {
    metadata: { name: md.name, namespace: md.namespace, resourceVersion: md.resourceVersion, labels },
    [FACTS]: podFacts(pod),
  };
  return out;
}

/** The slice a cached pod belongs to, as `namespace/name`. */
export function podSliceKey(pod: KubeObject): string | undefined {
  const md = (pod as CachedPod).metadata;
  const slice = md?.labels?.[LABEL_SLICE];
  return slice && md.namespace ? [md.namespace, slice].join('/') : undefined;
}

/** Whether what the operator reads of a pod changed (a resync or a status heartbeat does not count). */
export function podChanged(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return true;
  return JSON.stringify((obj as CachedPod)[FACTS]) !== JSON.stringify((old as CachedPod)[FACTS]);
}
