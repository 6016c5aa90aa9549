/**
 * The telemetry every rig, the demo and the scale benchmark run on: the replayer's Open5GS-style
 * exporter on loopback and a real Prometheus scraping it, seeded with the replay's earlier hours.
 * The backfilled series carry the same `job` and `instance` labels as the live scrape, so that
 * Prometheus holds one series per slice across the seam (queries such as the operator's
 * `sum(...)` would otherwise see two series, and a rate over the seam would break).
 */
import { LocalPrometheus, type ScrapeTarget } from '../devcluster/prometheus.js';
import { openMetricsHistory, ReplayerServer, type ReplayClock, type ReplayedSlice } from './replayer.js';

/** The job the exporter is scraped as (the name an Open5GS ServiceMonitor would give it). */
export const EXPORTER_JOB = 'open5gs';

export interface ReplayedTelemetry {
  replayer: ReplayerServer;
  exporterPort: number;
  prometheus: LocalPrometheus;
  /** Stops Prometheus (if started), then the exporter. */
  stop(): Promise<void>;
}

export interface ReplayedTelemetryOptions {
  slices: ReplayedSlice[];
  clock: ReplayClock;
  /** Prometheus' data directory. */
  dir: string;
  /** Replayed steps before `clock.startStep` written into Prometheus before it starts. */
  backfillSteps: number;
  scrapeIntervalSeconds: number;
  /** Further loopback targets (the operator's metrics). */
  extraTargets?: ScrapeTarget[];
  retention?: string;
  /** Start Prometheus now (default); false leaves that to the caller (`prometheus.start()`). */
  startPrometheus?: boolean;
}

export async function startReplayedTelemetry(o: ReplayedTelemetryOptions): Promise<ReplayedTelemetry> {
  const replayer = new ReplayerServer(o.slices, o.clock);
  const exporterPort = await replayer.start();
  const target = `127.0.0.1:${exporterPort}`;
  const prometheus = new LocalPrometheus({
    dir: o.dir,
    targets: [{ job: EXPORTER_JOB, target }, ...(o.extraTargets ?? [])],
    scrapeIntervalSeconds: o.scrapeIntervalSeconds,
    ...(o.retention ? { retention: o.retention } : {}),
    backfill: openMetricsHistory(o.slices, o.clock, o.backfillSteps, o.clock.wallStartMs, { job: EXPORTER_JOB, instance: target }),
  });
  const stop = async (): Promise<void> => {
    await prometheus.stop();
    await replayer.stop();
  };
  if (o.startPrometheus !== false) {
    try {
      await prometheus.start();
    } catch (e) {
      await stop();
      throw e;
    }
  }
  return { replayer, exporterPort, prometheus, stop };
}
