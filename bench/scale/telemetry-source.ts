/**
 * For --telemetry: the telemetry every slice has, as in production. An Open5GS-style exporter
 * replays real Milan traffic for every slice (one grid square per slice, round robin) and a real
 * Prometheus scrapes it, holding the history the operator backfills at start-up.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_HISTORY_STEPS, packageRoot, snssaiLabel } from '../../src/index.js';
import type { LocalCluster } from '../../tools/devcluster/cluster.js';
import type { LocalPrometheus } from '../../tools/devcluster/prometheus.js';
import { HOUR_MS, loadHourlySquares, MILAN_START_MS, milanCsvPath } from '../../tools/replayer/milan.js';
import type { ReplayedSlice } from '../../tools/replayer/replayer.js';
import { startReplayedTelemetry } from '../../tools/replayer/replayed-telemetry.js';
import { hourlyTrace } from '../../tools/replayer/trace.js';
import { slice } from './slices.js';

/** The operator's history and its calibration warm-up, and two steps more (as the demo). */
export const HISTORY = DEFAULT_HISTORY_STEPS + 2;
/** The replayed hour at the start: that history before the operator starts, then the live steps. */
const START_STEP = HISTORY + 2;

/** The version Prometheus reports (`prometheus --version`'s first line). */
export function promVersion(): string {
  return /version (\S+)/.exec(execFileSync('prometheus', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
}

/** The bench's slices 0..n-1 of `ns` as the exporter labels them, each with a square's traffic. */
function replayedSlices(ns: string, n: number, liveSteps: number): ReplayedSlice[] {
  // Squares with data over the whole replay (some rows of the file are shorter).
  const rows = loadHourlySquares(milanCsvPath(packageRoot())).filter((r) => r.length >= START_STEP + liveSteps + 24);
  return Array.from({ length: n }, (_, i) => {
    const spec = slice(ns, i, true).spec;
    return {
      snssai: snssaiLabel(spec.snssai.sst, spec.snssai.sd),
      plmnid: `${spec.plmn.mcc}${spec.plmn.mnc}`,
      trace: hourlyTrace(rows[i % rows.length]!),
    };
  });
}

export interface TelemetrySource {
  prometheus: LocalPrometheus;
  exporterPort: number;
  /** The operator's --replay-clock: the replay's start in wall time and in the data's own time. */
  replayClockFlag: string;
  /** Stops Prometheus (started or not) and the exporter. */
  stop(): Promise<void>;
}

/**
 * Starts the exporter for slices 0..n-1 of `ns` at one replayed hour every `stepSeconds`, enough
 * hours for `minutes` of measurement; Prometheus is made with its backfill but not started.
 */
export async function telemetrySource(
  cluster: LocalCluster,
  ns: string,
  n: number,
  stepSeconds: number,
  minutes: number,
): Promise<TelemetrySource> {
  const replayed = replayedSlices(ns, n, Math.ceil((minutes * 60 + 120) / stepSeconds));
  const wallStartMs = Date.now();
  const clock = { wallStartMs, startStep: START_STEP, stepSeconds };
  const t = await startReplayedTelemetry({
    slices: replayed,
    clock,
    dir: path.join(cluster.details.dir, 'telemetry'),
    backfillSteps: HISTORY,
    scrapeIntervalSeconds: 15,
    // A week of hourly history is older than the default retention.
    retention: '15d',
    startPrometheus: false,
  });
  return {
    prometheus: t.prometheus,
    exporterPort: t.exporterPort,
    replayClockFlag: `--replay-clock=${wallStartMs}:${MILAN_START_MS + START_STEP * HOUR_MS}`,
    stop: t.stop,
  };
}
