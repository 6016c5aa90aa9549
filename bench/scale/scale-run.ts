/**
 * The default mode: N slices to Ready with the operator running, its writes during no-op
 * resyncs, its reconcile latency, its memory with M slices, and after restarts (see variants.ts).
 */
import type { KubeClient } from '../../src/index.js';
import type { SupervisedProcess } from '../../tools/devcluster/process.js';
import { probeText, startCpuProbe } from '../cpu-probe.js';
import { conditionWatcher, type ConditionWatcher } from './conditions.js';
import { cpuSince, cpuSnapshot } from './cpu-time.js';
import { apiserverProfile, heapSnapshotUnderLimit } from './diagnostics.js';
import { memoryOverCycle } from './memory-sampling.js';
import { histogramQuantile, mib, reconcilesOf, scrape, writesOf } from './metrics.js';
import { keepOperatorLog, operatorNodePid, operatorPorts, type OperatorLauncher } from './operator.js';
import type { ScaleOptions } from './options.js';
import { pipelineStages } from './pipeline-stages.js';
import { cpuRows, memoryText, scaleBlock, writesPerSlice, type ScaleResults } from './report.js';
import type { Rig } from './rig.js';
import { applyNamespace, createSlices, slicesPath } from './slices.js';
import { restartVariants, variantsOf } from './variants.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 1. N slices created in bench-a and timed to Ready; where the time went, in CPU and in writes. */
async function readyPhase({ cluster, client }: Rig, o: ScaleOptions, port: number, operator: SupervisedProcess, ready: ConditionWatcher) {
  const components = [...cluster.processes(), { name: 'slice-operator', pid: operator.child.pid! }];
  const cpu0 = cpuSnapshot(components);
  const writes0 = await scrape(port);
  const probe = startCpuProbe();
  const t0 = Date.now();
  const profile = o.profileApiserver ? apiserverProfile(cluster, o.profileApiserver, o.profileSeconds) : undefined;
  await createSlices(client, 'bench-a', 0, o.slices);
  const created = Date.now() - t0;
  await ready.until(o.slices, 900_000);
  const readySeconds = (Date.now() - t0) / 1000;
  const speed = probe.stop();
  console.log(`CPU probe: ${probeText(speed)}`);
  const writeLines = writesPerSlice(writes0, await scrape(port), o.slices);
  await profile;
  const createSeconds = created / 1000;
  console.log(`${o.slices} slices Ready in ${readySeconds} s (created in ${createSeconds} s)`);
  // Truncated to whole seconds, like the timestamps the stages are read from.
  const stages = await pipelineStages(client, 'bench-a', Math.floor(t0 / 1000) * 1000);
  const cpuLines = cpuRows(cpuSince(components, cpu0), readySeconds);
  console.log([...stages, ...cpuLines, ...writeLines].join('\n'));
  return { readySeconds, createSeconds, speed, stages, cpuLines, writeLines };
}

/**
 * 2. No-op resyncs: with its default settings (as the chart runs it) the operator enqueues every
 * slice once per 60 s cycle; writes are counted over a window holding one full cycle.
 * 3. Reconcile latency over everything so far, and the RSS with N slices.
 */
async function resyncPhase(port: number) {
  await sleep(10_000); // let the last status writes land
  const before = await scrape(port);
  await sleep(65_000);
  const after = await scrape(port);
  const noopReconciles = reconcilesOf(after) - reconcilesOf(before);
  const noopWrites = writesOf(after) - writesOf(before);
  console.log(`no-op resync: ${noopReconciles} reconciles, ${noopWrites} API writes`);
  const ms = (q: number) => Math.round(histogramQuantile(after, 'controller_runtime_reconcile_time_seconds', q) * 10000) / 10;
  const latency = { reconcileP50ms: ms(0.5), reconcileP90ms: ms(0.9), reconcileP99ms: ms(0.99), reconciles: reconcilesOf(after) };
  console.log(`reconcile latency p50 ${latency.reconcileP50ms} ms, p90 ${latency.reconcileP90ms} ms, p99 ${latency.reconcileP99ms} ms`);
  return { noopReconciles, noopWrites, ...latency, rssMbAtN: mib(after, 'process_resident_memory_bytes') };
}

/** 4. M slices in total (the extra ones in bench-b parked: no site, no pod), then the memory over one full cycle. */
async function rssPhase(client: KubeClient, o: ScaleOptions, port: number, operator: SupervisedProcess, ready: ConditionWatcher) {
  const extra = Math.max(0, o.rssSlices - o.slices);
  const t1 = Date.now();
  await createSlices(client, 'bench-b', o.slices, o.rssSlices, true);
  await ready.until(extra, 1_800_000);
  const extraReadySeconds = (Date.now() - t1) / 1000;
  const bigLine = memoryText(await memoryOverCycle(port, operatorNodePid(operator.child.pid!)));
  console.log(
    `${o.rssSlices} slices: operator RSS min / median / max ${bigLine}; the extra ${extra} (parked) reached Degraded in ${extraReadySeconds} s`,
  );
  return { extraReadySeconds, bigLine };
}

/** The default mode on a running rig; returns the 'scale' block. */
export async function scaleRun(rig: Rig, launcher: OperatorLauncher, o: ScaleOptions): Promise<string> {
  const { cluster, client } = rig;
  const ports = await operatorPorts();
  const port = ports.metrics;
  const operator = launcher.start([...launcher.imageFlags, ...o.diagnostics], ports, launcher.imageEnv);
  const watchers: ConditionWatcher[] = [];
  try {
    await launcher.waitReady(ports);
    for (const ns of ['bench-a', 'bench-b']) await applyNamespace(client, ns);
    // Running slices become Ready; parked ones Degraded (NoSiteAvailable), the sign they were reconciled.
    watchers.push(await conditionWatcher(client, slicesPath('bench-a'), 'Ready'), await conditionWatcher(client, slicesPath('bench-b'), 'Degraded'));
    const [readyA, readyB] = watchers as [ConditionWatcher, ConditionWatcher];
    const ready = await readyPhase(rig, o, port, operator, readyA);
    const resync = await resyncPhase(port);
    const rss = await rssPhase(client, o, port, operator, readyB);
    if (o.heapSnapshot) await heapSnapshotUnderLimit(launcher, operator.child.pid!, o.heapSnapshot);
    await operator.stop();
    // The limit back as the chart sets it, if the snapshot raised it.
    launcher.cgroup?.setLimit(launcher.cgroup.limitBytes);
    const variantLines = await restartVariants(rig, launcher, variantsOf(o.rssVariants, launcher.imageTokens), o.rssSlices);
    const results: ScaleResults = { ...ready, ...resync, ...rss, variantLines };
    return scaleBlock(o, launcher, results);
  } catch (e) {
    console.error(`operator log kept: ${keepOperatorLog(cluster)}`);
    throw e;
  } finally {
    for (const w of watchers) await w.stop();
    await operator.stop();
  }
}
