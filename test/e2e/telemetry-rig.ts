/**
 * The telemetry half of an e2e run: the Open5GS-style replayer, a real Prometheus holding a week
 * of backfilled history and scraping the replayer and the operator, and the operator's Manager
 * wired to both (in-process, against the shared e2e cluster).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Manager } from '../../src/controller/manager.js';
import { toSliceView } from '../../src/controller/view-from-api.js';
import type { LocalPrometheus } from '../../tools/devcluster/prometheus.js';
import { freePort } from '../../tools/devcluster/ports.js';
import type { BatchForecaster, Calibrator } from '../../src/forecast/contract.js';
import { HOUR_MS, MILAN_START_MS } from '../../tools/replayer/milan.js';
import type { ReplayClock, ReplayedSlice } from '../../tools/replayer/replayer.js';
import { startReplayedTelemetry } from '../../tools/replayer/replayed-telemetry.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { kubeConfig } from './support.js';

export interface TelemetryRig {
  clock: ReplayClock;
  prom: LocalPrometheus;
  manager: Manager;
  /** Stops the operator and starts a new one on the same cluster and telemetry (an operator restart). */
  restartOperator(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTelemetryRig(o: { slices: ReplayedSlice[]; stepSeconds: number; startHour: number; forecaster?: BatchForecaster; calibrator?: Calibrator }): Promise<TelemetryRig> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slice-telemetry-'));
  const wallStartMs = Date.now();
  const clock = { wallStartMs, startStep: o.startHour, stepSeconds: o.stepSeconds };
  const metricsPort = await freePort();
  const { prometheus: prom, stop: stopTelemetry } = await startReplayedTelemetry({
    slices: o.slices,
    clock,
    dir,
    // A week of history, as a Prometheus that has been scraping the SMF would hold.
    backfillSteps: 180,
    scrapeIntervalSeconds: 1,
    extraTargets: [{ job: 'slice-operator', target: `127.0.0.1:${metricsPort}` }],
  });
  const options = {
    kubeConfig: kubeConfig(),
    log: silentLogger,
    parse: toSliceView,
    leaderElect: false,
    leaseNamespace: 'default',
    // Plain HTTP (no metricsSecure): this Prometheus scrapes the operator without credentials.
    metricsBind: { host: '127.0.0.1', port: metricsPort },
    prometheusUrl: prom.url,
    forecaster: o.forecaster,
    calibrator: o.calibrator,
    stepSeconds: o.stepSeconds,
    cycleMs: 1000,
    clock: { wallStartMs, virtualStartMs: MILAN_START_MS + o.startHour * HOUR_MS },
  };
  const rig: TelemetryRig = {
    clock,
    prom,
    manager: new Manager(options),
    async restartOperator() {
      await rig.manager.stop();
      rig.manager = new Manager(options);
      await rig.manager.start();
    },
    async stop() {
      await rig.manager.stop();
      await stopTelemetry();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await rig.manager.start();
  return rig;
}
