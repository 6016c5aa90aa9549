/**
 * The commands of `kubectl slice`, against the API server with the user's own credentials: what
 * they may do is what RBAC grants them (the chart's slice-editor, slice-approver and slice-viewer
 * roles). Errors name what is wrong: an unknown slice or decision, a missing permission, an
 * expired or already answered decision.
 */
import { ApiError, isNotFound } from '../../runtime/errors.js';
import type { KubeClient } from '../../runtime/kube-client.js';
import { collectionPath, objectPath } from '../../controller/resources.js';
import { changeOf, decisionState, renderExplain, renderGet, type DecisionObj, type SliceObj } from './render.js';

export class PluginError extends Error {
  override readonly name = 'PluginError';
}

export interface Ctx {
  client: Pick<KubeClient, 'request' | 'get' | 'apply' | 'mergePatch'>;
  namespace: string;
  allNamespaces: boolean;
  now: number;
}

/** A 403 in words: who may not do what, and which role grants it. */
function explainForbidden(e: unknown, what: string, role: string): never {
  if (e instanceof ApiError && e.status === 403) throw new PluginError(`forbidden: you may not ${what} (${e.message.split(': ').slice(-1)[0]}); ask for the ${role} ClusterRole`);
  throw e;
}

const list = async <T>(c: Ctx, kind: 'NetworkSlice' | 'SliceDecision'): Promise<T[]> =>
  (await c.client.get<{ items: T[] }>(collectionPath(kind, c.allNamespaces ? undefined : c.namespace)).catch((e) => explainForbidden(e, `list ${kind}s in ${c.namespace}`, 'slice-viewer'))).items;

async function getOne<T>(c: Ctx, kind: 'NetworkSlice' | 'SliceDecision', name: string): Promise<T> {
  try {
    return await c.client.get<T>(objectPath(kind, c.namespace, name));
  } catch (e) {
    if (isNotFound(e)) throw new PluginError(`${kind} ${JSON.stringify(name)} not found in namespace ${c.namespace}`);
    return explainForbidden(e, `get ${kind} ${name}`, 'slice-viewer');
  }
}

export async function get(c: Ctx): Promise<string> {
  // One after the other, so a missing permission is reported for the slices first, every time.
  const slices = await list<SliceObj>(c, 'NetworkSlice');
  const decisions = await list<DecisionObj>(c, 'SliceDecision');
  if (!slices.length) return `No NetworkSlices found in ${c.allNamespaces ? 'any namespace' : `namespace ${c.namespace}`}.`;
  return renderGet(slices, decisions, c.now, c.allNamespaces);
}

export async function explain(c: Ctx, name: string): Promise<string> {
  const slice = await getOne<SliceObj>(c, 'NetworkSlice', name);
  const decisions = await list<DecisionObj>(c, 'SliceDecision');
  return renderExplain(slice, decisions, c.now);
}

/** Who the user is, as the API server authenticated them (SelfSubjectReview), for the answer's message. */
async function whoAmI(c: Ctx): Promise<string> {
  const r = await c.client
    .request<{ status?: { userInfo?: { username?: string } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } })
    .catch(() => undefined);
  return r?.status?.userInfo?.username ?? 'unknown user';
}

/** Approves or denies a pending SliceDecision through its status subresource. */
export async function answer(c: Ctx, name: string, type: 'Approved' | 'Denied', reason: string | undefined): Promise<string> {
  const d = await getOne<DecisionObj>(c, 'SliceDecision', name);
  const state = decisionState(d, c.now);
  if (state === 'Expired') throw new PluginError(`SliceDecision ${name} expired at ${d.spec.expiresAt}: it will never be applied; the operator proposes again if the load still asks for it`);
  if (state !== 'Pending') throw new PluginError(`SliceDecision ${name} is already ${state}; an answer is final`);
  const user = await whoAmI(c);
  const message = `${type.toLowerCase()} by ${user}${reason ? `: ${reason}` : ''}`;
  const condition = { type, status: 'True', reason: type, message, lastTransitionTime: new Date(c.now).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const body = { apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'SliceDecision', metadata: { name }, status: { conditions: [condition] } };
  await c.client.apply(`${objectPath('SliceDecision', c.namespace, name)}/status`, body, 'kubectl-slice').catch((e) => explainForbidden(e, `${type === 'Approved' ? 'approve' : 'deny'} SliceDecisions in ${c.namespace}`, 'slice-approver'));
  return `SliceDecision ${name} ${type.toLowerCase()} (${d.spec.cnf} ${changeOf(d, ' -> ')}): ${message}`;
}

/** Pauses or resumes a slice's scaling and placement (the slicing.telco.dev/paused annotation). */
export async function pause(c: Ctx, name: string, paused: boolean): Promise<string> {
  await getOne<SliceObj>(c, 'NetworkSlice', name);
  await c.client
    .mergePatch(objectPath('NetworkSlice', c.namespace, name), { metadata: { annotations: { 'slicing.telco.dev/paused': paused ? 'true' : null } } })
    .catch((e) => explainForbidden(e, `${paused ? 'pause' : 'resume'} NetworkSlice ${name}`, 'slice-editor'));
  return `NetworkSlice ${name} ${paused ? 'paused: replicas and UPF sites are left as they are' : 'resumed: the operator scales and places it again'}`;
}
