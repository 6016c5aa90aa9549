import type { KubeClient } from '../../src/runtime/kube-client.js';
import { networkSliceCrd } from '../../src/api/crd.js';
import { GROUP, VERSION } from '../../src/api/limits.js';
import { sliceDecisionCrd } from '../../src/api/slicedecision-crd.js';

/** Server-side applies the NetworkSlice and SliceDecision CRDs and waits until the API server serves the group. */
export async function installNetworkSliceCrd(client: KubeClient, fieldManager: string, timeoutMs = 30_000): Promise<void> {
  for (const crd of [networkSliceCrd(), sliceDecisionCrd()] as { metadata: { name: string } }[]) {
    await client.apply(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, crd, fieldManager);
  }
  const deadline = Date.now() + timeoutMs;
  while (!(await client.request('GET', `/apis/${GROUP}/${VERSION}`).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`the API server did not serve ${GROUP}/${VERSION} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
