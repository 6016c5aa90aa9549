/**
 * `--telemetry`: the operator's memory with M slices that all have telemetry, as in production
 * (see telemetry-source.ts). The operator runs with --prometheus-url, the real ONNX forecaster
 * and calibrator, and its production defaults: hourly steps (--step-seconds 3600, the replay in
 * real time) and a 60 s cycle. At start-up it backfills a week of every slice's load, then it
 * reads and forecasts all of them every cycle. The slices are static and parked on a site no node
 * has, so kwok runs no pods: the figure is the operator's.
 *
 * Faster replays do not measure production: at one hour every few seconds every slice's load
 * changes each step, a status write per slice every few seconds that a small control plane
 * cannot take, and the operator spends the run saturated.
 */
import type { KubeClient } from '../../src/index.js';
import type { SupervisedProcess } from '../../tools/devcluster/process.js';
import { peakRssBytes } from '../proc-memory.js';
import { conditionWatcher } from './conditions.js';
import { heapSnapshotUnderLimit } from './diagnostics.js';
import { memoryOverCycle, memorySample, spread, type MemorySample } from './memory-sampling.js';
import { reconcilesOf, scrape, telemetryCycles, writesOf } from './metrics.js';
import { keepOperatorLog, operatorNodePid, operatorPorts, type OperatorLauncher } from './operator.js';
import type { ScaleOptions } from './options.js';
import { telemetryBlock, type StatusSummary } from './report.js';
import type { Rig } from './rig.js';
import { applyNamespace, createSlices, slicesPath } from './slices.js';
import { HISTORY, promVersion, telemetrySource } from './telemetry-source.js';

const NS = 'bench-t';

/**
 * The slices and their children exist before the measured operator starts, as when it restarts
 * in a running cluster: an operator without telemetry creates them first (creation is what the
 * default mode measures).
 */
async function createReadySlices({ client }: Rig, launcher: OperatorLauncher, n: number): Promise<void> {
  await applyNamespace(client, NS);
  const t0 = Date.now();
  await createSlices(client, NS, 0, n, true);
  const ready = await conditionWatcher(client, slicesPath(NS), 'Degraded');
  try {
    const creator = launcher.start(launcher.imageFlags, await operatorPorts(), launcher.imageEnv);
    try {
      await ready.until(n, 1_800_000);
    } finally {
      await creator.stop();
    }
  } finally {
    await ready.stop();
  }
  console.log(`${n} slices created and reconciled (parked: Degraded) in ${(Date.now() - t0) / 1000} s`);
}

/** The operator's memory every 5 s for `minutes`, from its metrics; progress every minute. */
async function sampleFor(port: number, minutes: number): Promise<(MemorySample & { t: number })[]> {
  const t1 = Date.now();
  const samples: (MemorySample & { t: number })[] = [];
  for (;;) {
    const m = await scrape(port);
    const last = { t: Date.now() - t1, ...memorySample(m) };
    samples.push(last);
    if (samples.length % 12 === 1) {
      const c = telemetryCycles(m);
      console.log(
        `${Math.round(last.t / 1000)} s: RSS ${last.rss} MB (heap used ${last.used}, committed ${last.committed} MB), telemetry cycles ${c.ok} ok / ${c.failed} failed, ${reconcilesOf(m)} reconciles, ${writesOf(m)} writes`,
      );
    }
    if (Date.now() >= t1 + minutes * 60_000) return samples;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

/** Each field's maximum over the samples; undefined for none. */
function maxOf(samples: MemorySample[]): MemorySample | undefined {
  if (!samples.length) return undefined;
  const max = (k: keyof MemorySample) => Math.max(...samples.map((x) => x[k]));
  return { rss: max('rss'), used: max('used'), committed: max('committed') };
}

/**
 * What the slices say: load and forecast in status (one list at the end); where the forecasts
 * came from (a slice without its backfilled week is on a fallback) and the calibration factors
 * (1 where the calibrator has too few scores).
 */
async function statusSummary(client: KubeClient): Promise<StatusSummary> {
  const list = await client.request<{
    items: { status?: { currentLoad?: unknown; forecast?: { source?: string; calibration?: number } } }[];
  }>('GET', slicesPath(NS));
  const sources = new Map<string, number>();
  for (const x of list.items)
    if (x.status?.forecast?.source) sources.set(x.status.forecast.source, (sources.get(x.status.forecast.source) ?? 0) + 1);
  const factors = list.items.map((x) => x.status?.forecast?.calibration).filter((x): x is number => x !== undefined);
  return {
    total: list.items.length,
    withLoad: list.items.filter((x) => x.status?.currentLoad).length,
    withForecast: list.items.filter((x) => x.status?.forecast).length,
    sources,
    ...(factors.length ? { factors: spread(factors) } : {}),
  };
}

/** The --telemetry mode on a running rig; returns the 'telemetry' block. */
export async function telemetryRun(rig: Rig, launcher: OperatorLauncher, o: ScaleOptions): Promise<string> {
  const M = o.rssSlices;
  await createReadySlices(rig, launcher, M);
  const source = await telemetrySource(rig.cluster, NS, M, o.stepSeconds, o.telemetryMinutes);
  const ports = await operatorPorts();
  const port = ports.metrics;
  let operator: SupervisedProcess | undefined;
  try {
    await source.prometheus.start();
    console.log(
      `Prometheus ${source.prometheus.url} with ${HISTORY} backfilled steps of ${M} series; exporter 127.0.0.1:${source.exporterPort}`,
    );
    operator = launcher.start([...launcher.imageFlags, ...o.diagnostics], ports, launcher.imageEnv, [
      `--prometheus-url=${source.prometheus.url}`,
      `--step-seconds=${o.stepSeconds}`,
      source.replayClockFlag,
    ]);
    await launcher.waitReady(ports);
    const t1 = Date.now();
    const samples = await sampleFor(port, o.telemetryMinutes);
    // The last minute, as the default mode samples it; the peak over the whole run from the kernel.
    const pid = operatorNodePid(operator.child.pid!);
    const end = await memoryOverCycle(port, pid);
    const peakMb = Math.round(peakRssBytes(pid) / 2 ** 20);
    const m = await scrape(port);
    const seconds = (Date.now() - t1) / 1000;
    const block = telemetryBlock(o, launcher, {
      prometheusVersion: promVersion(),
      end,
      startup: maxOf(samples.filter((x) => x.t <= 120_000))!,
      rest: maxOf(samples.filter((x) => x.t > 120_000)),
      peakMb,
      cycles: telemetryCycles(m),
      seconds,
      status: await statusSummary(rig.client),
      reconciles: reconcilesOf(m),
      writes: writesOf(m),
    });
    if (o.heapSnapshot) await heapSnapshotUnderLimit(launcher, operator.child.pid!, o.heapSnapshot);
    return block;
  } catch (e) {
    console.error(`operator log kept: ${keepOperatorLog(rig.cluster)}`);
    throw e;
  } finally {
    await operator?.stop();
    await source.stop();
  }
}
