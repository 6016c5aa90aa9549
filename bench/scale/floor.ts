import { priorityClass, type KubeClient, type KubeObject } from '../../src/index.js';
import { startCpuProbe } from '../cpu-probe.js';
import { conditionWatcher } from './conditions.js';
import { cpuSince, cpuSnapshot } from './cpu-time.js';
import { applyAsOperator, FloorPlanner } from './floor-plan.js';
import { pipelineStages } from './pipeline-stages.js';
import { cpuRows, floorBlock } from './report.js';
import type { Rig } from './rig.js';
import { applyNamespace, CREATE_CONCURRENCY, pool, range, slice, slicesPath } from './slices.js';

/** Creates slice `i` and applies its children, one after the other, as the operator would. */
async function createWithChildren(client: KubeClient, ns: string, i: number, planner: FloorPlanner): Promise<void> {
  const created = await client.request<KubeObject>('POST', slicesPath(ns), { body: slice(ns, i) });
  for (const o of planner.plan(created)) await applyAsOperator(client, o);
}

/**
 * `--floor`: how long the control plane alone takes for the same work. Each slice is created, and
 * the bench itself applies the objects the operator would (see FloorPlanner), with no operator
 * running. Ready means every UPF Deployment Available. The time left between this and the
 * operator's figure is the operator's own doing. Returns the 'floor' block.
 */
export async function floorRun({ cluster, client }: Rig, n: number): Promise<string> {
  const ns = 'bench-a';
  await applyNamespace(client, ns);
  const planner = await FloorPlanner.load(client);
  const available = await conditionWatcher(client, `/apis/apps/v1/namespaces/${ns}/deployments`, 'Available');
  await applyAsOperator(client, priorityClass('custom'));
  const components = cluster.processes();
  const cpu0 = cpuSnapshot(components);
  const probe = startCpuProbe();
  const t0 = Date.now();
  try {
    await pool(range(0, n), CREATE_CONCURRENCY, (i) => createWithChildren(client, ns, i, planner));
    const createdSeconds = (Date.now() - t0) / 1000;
    await available.until(n, 900_000);
    const seconds = (Date.now() - t0) / 1000;
    const speed = probe.stop();
    const stages = await pipelineStages(client, ns, Math.floor(t0 / 1000) * 1000);
    return floorBlock(n, { seconds, createdSeconds, speed, stages, cpuLines: cpuRows(cpuSince(components, cpu0), seconds) });
  } finally {
    probe.stop();
    await available.stop();
  }
}
