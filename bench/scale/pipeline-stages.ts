import type { KubeClient } from '../../src/index.js';
import { conditionTime, type Conditioned } from './conditions.js';

/** Offset (s) from t0 at which fraction q of the timestamps had passed; timestamps are whole seconds. */
export function stageAt(times: number[], t0: number, q: number): string {
  if (!times.length) return '-';
  const sorted = [...times].sort((a, b) => a - b);
  return String(Math.max(0, Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! - t0) / 1000)));
}

/**
 * Where the time to Ready goes: when each step of every slice's pipeline happened, from the
 * objects' own timestamps (whole seconds), so measuring costs the API server nothing meanwhile.
 * A table, then a line on ReplicaSets.
 */
export async function pipelineStages(client: KubeClient, ns: string, t0: number): Promise<string[]> {
  const list = async (p: string) => (await client.request<{ items: Conditioned[] }>('GET', p)).items;
  const [slices, deps, pods, replicaSets] = await Promise.all([
    list(`/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`),
    list(`/apis/apps/v1/namespaces/${ns}/deployments`),
    list(`/api/v1/namespaces/${ns}/pods`),
    list(`/apis/apps/v1/namespaces/${ns}/replicasets`),
  ]);
  const ts = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  const stages: [string, number[]][] = [
    ['slice created', ts(slices.map((s) => Date.parse(s.metadata.creationTimestamp)))],
    ['UPF Deployment created (operator; with --floor, the benchmark)', ts(deps.map((d) => Date.parse(d.metadata.creationTimestamp)))],
    ['pod created (ReplicaSet controller)', ts(pods.map((p) => Date.parse(p.metadata.creationTimestamp)))],
    ['pod scheduled (scheduler)', ts(pods.map((p) => conditionTime(p, 'PodScheduled')))],
    ['pod Ready (kwok)', ts(pods.map((p) => conditionTime(p, 'Ready')))],
    ['Deployment Available (deployment controller)', ts(deps.map((d) => conditionTime(d, 'Available')))],
    ['slice Ready (operator)', ts(slices.map((s) => conditionTime(s, 'Ready')))],
  ];
  return [
    '| step (count) | 50 % done at | 90 % done at | all done at |',
    '|---|---|---|---|',
    ...stages
      .filter(([, xs]) => xs.length)
      .map(([name, xs]) => `| ${name} (${xs.length}) | ${stageAt(xs, t0, 0.5)} s | ${stageAt(xs, t0, 0.9)} s | ${stageAt(xs, t0, 1)} s |`),
    '',
    // A Deployment whose pod template changed after creation (a UPF moved) leaves a second ReplicaSet.
    `ReplicaSets: ${replicaSets.length} for ${deps.length} Deployments.`,
  ];
}
