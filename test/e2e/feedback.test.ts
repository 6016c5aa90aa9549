/** @jest-environment ./test/support/ort-environment.cjs */
/**
 * The telemetry loop end to end: a real Prometheus (Debian's package) scrapes an Open5GS-style
 * exporter replaying real Milan traffic (ODbL, Telecom Italia) and the operator's own /metrics;
 * the operator backfills a week of history with query_range, forecasts with the embedded ONNX
 * model and scales. Two slices see the same trace in the same run, one predictive and one
 * reactive: the predictive UPF is scaled before the Monday-morning ramp arrives. Then Prometheus
 * is stopped: replicas hold, slices go Degraded, and recover by themselves when it returns.
 */
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import type { LocalPrometheus } from '../../tools/devcluster/prometheus.js';
import { defaultCardPath } from '../../src/forecast/forecaster.js';
import { createForecasting } from '../../src/forecast/wiring.js';
import { PrometheusClient } from '../../src/telemetry/prometheus-client.js';
import { aggregate, loadHourlySquares, milanCsvPath } from '../../tools/replayer/milan.js';
import { stepAt, type ReplayClock, type ReplayedSlice } from '../../tools/replayer/replayer.js';
import { hourlyTrace } from '../../tools/replayer/trace.js';
import { createNamespace, eventually, installCrd, kubeConfig, kubectl, repoRoot, upfSlice } from './support.js';
import { startTelemetryRig, type TelemetryRig } from './telemetry-rig.js';

const STEP_SECONDS = 4; // one trace hour every 4 s (900x)
const START_HOUR = 744; // 2013-12-02 00:00 CET, a Monday in the held-out weeks
const PER_REPLICA = 10;

// Real traffic: the sum of the held-out distinct squares (never seen in training), / 10 -> sessions.
const rows = loadHourlySquares(milanCsvPath(repoRoot));
const card = JSON.parse(readFileSync(defaultCardPath(), 'utf8')) as { training: { split: { heldOutSquares: number[] } } };
const heldOut = card.training.split.heldOutSquares.filter((i) => (rows[i]?.length ?? 0) >= 1100);
const trace = hourlyTrace(aggregate(rows, heldOut), 0.1);

const sliceManifest = (name: string, sd: string, mode: 'predictive' | 'reactive') =>
  upfSlice(name, sd, { perReplica: PER_REPLICA, maxReplicas: 30, scaling: { mode, quantile: 'p90', headroomPercent: 10, scaleDownStabilizationSeconds: 0, maxStep: 6 } });

describe('Prometheus feedback loop (real Prometheus, real Milan traffic)', () => {
  const slices: ReplayedSlice[] = ['1-0000a1', '1-0000a2'].map((snssai) => ({ snssai, plmnid: '00101', trace }));
  let rig: TelemetryRig;
  let clock: ReplayClock;
  let wallStartMs: number;
  let prom: LocalPrometheus;
  let ns: string;
  let apps: k8s.AppsV1Api;
  const samples: { t: number; load: number; predictive: number; reactive: number }[] = [];
  let sampling: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('feedback');
    apps = kubeConfig().makeApiClient(k8s.AppsV1Api);
    const { forecaster, calibrator } = await createForecasting();
    expect(forecaster.modelStatus.loaded).toBe(true);
    rig = await startTelemetryRig({ slices, stepSeconds: STEP_SECONDS, startHour: START_HOUR, forecaster, calibrator });
    ({ clock, prom } = rig);
    wallStartMs = clock.wallStartMs;
    for (const [name, sd, mode] of [['ramp-predictive', '0000a1', 'predictive'], ['ramp-reactive', '0000a2', 'reactive']] as const) {
      expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(sliceManifest(name, sd, mode)))).stderr).toBe('');
    }
    const replicas = async (name: string) => (await apps.readNamespacedDeployment({ name: `${name}-upf`, namespace: ns }).catch(() => undefined))?.spec?.replicas ?? 0;
    sampling = setInterval(() => {
      const t = Date.now();
      void Promise.all([replicas('ramp-predictive'), replicas('ramp-reactive')]).then(([p, r]) => samples.push({ t, load: trace.at(stepAt(clock, t)), predictive: p, reactive: r }));
    }, 250);
  });

  afterAll(async () => {
    if (sampling) clearInterval(sampling);
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await rig?.stop();
  });

  const slice = async (name: string) => JSON.parse((await kubectl(['get', '-n', ns, 'nsl', name, '-o', 'json'])).stdout);
  const degraded = (s: { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } }) => s.status?.conditions?.find((c) => c.type === 'Degraded');

  test('history is backfilled from Prometheus and the ONNX model forecasts', async () => {
    const s = await eventually('a model forecast in status', async () => {
      const x = await slice('ramp-predictive');
      return x.status?.forecast?.source === 'onnx' ? x : undefined;
    }, 30_000, 500);
    expect(s.status.forecast.model).toMatch(/^milan-quantile-mlp@/);
    expect(s.status.forecast.p90).toBeGreaterThan(0);
    expect(s.status.forecast.fallbackReason).toBeUndefined();
    expect(degraded(s)?.status).toBe('False');
  });

  test('the predictive UPF is scaled before the morning ramp arrives; the reactive one lags', async () => {
    // Until 10:00 on the replayed Monday.
    const end = wallStartMs + 10 * STEP_SECONDS * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));
    const live = samples.filter((s) => s.t >= wallStartMs + 4 * STEP_SECONDS * 1000 && s.t <= end); // 04:00 .. 10:00
    expect(live.length).toBeGreaterThan(60);
    const under = (k: 'predictive' | 'reactive') => live.filter((s) => s[k] * PER_REPLICA < s.load).length;
    // The load at 08:00, and when each policy first had capacity for it.
    const target = trace.at(START_HOUR + 8);
    const firstAt = (k: 'predictive' | 'reactive' | 'load') => live.find((s) => (k === 'load' ? s.load : s[k] * PER_REPLICA) >= target)?.t ?? Infinity;
    const report = { samples: live.length, underPredictive: under('predictive'), underReactive: under('reactive'), loadArrivesMs: firstAt('load') - wallStartMs, predictiveReadyMs: firstAt('predictive') - wallStartMs, reactiveReadyMs: firstAt('reactive') - wallStartMs };
    process.stderr.write(`[feedback] ramp 04:00-10:00 (1 h = ${STEP_SECONDS} s): ${JSON.stringify(report)}\n`);
    // Capacity for the 08:00 load was in place at least one replayed hour before that load came,
    // and before the reactive policy (which only has its headroom to lead with) got there.
    expect(firstAt('load') - firstAt('predictive')).toBeGreaterThanOrEqual(STEP_SECONDS * 1000);
    expect(firstAt('predictive')).toBeLessThan(firstAt('reactive'));
    expect(under('predictive')).toBeLessThanOrEqual(under('reactive'));
    // The operator's own metrics made it into the same Prometheus.
    const client = new PrometheusClient({ url: prom.url, timeoutMs: 5000 });
    const f = await client.query(`slice_operator_forecast{slice="ramp-predictive",quantile="p90"}`, new Date());
    expect(f.length).toBe(1);
    const rec = await client.query('sum(controller_runtime_reconcile_total{controller="networkslice"})', new Date());
    expect(rec[0]!.value).toBeGreaterThan(10);
  });

  test('Prometheus down: replicas hold, slices go Degraded, and recover when it returns', async () => {
    const cycles = async () => {
      const m = await rig.manager.registry.getSingleMetric('slice_operator_telemetry_cycles_total')!.get();
      const of = (result: string) => m.values.find((v) => v.labels.result === result)?.value ?? 0;
      return { success: of('success'), error: of('error') };
    };
    const healthy = await cycles();
    expect(healthy.success).toBeGreaterThan(0);
    expect(healthy.error).toBe(0);
    await prom.stop();
    const before = { p: samples.at(-1)!.predictive, r: samples.at(-1)!.reactive };
    for (const name of ['ramp-predictive', 'ramp-reactive']) {
      const s = await eventually(`${name} Degraded`, async () => {
        const x = await slice(name);
        return degraded(x)?.status === 'True' ? x : undefined;
      }, 30_000, 500);
      expect(degraded(s)!.reason).toBe('TelemetryUnavailable');
      expect(degraded(s)!.message).toMatch(/holding current capacity/);
    }
    const outageStart = Date.now();
    await new Promise((r) => setTimeout(r, 3 * STEP_SECONDS * 1000)); // three replayed hours of outage
    const during = samples.filter((s) => s.t > outageStart);
    expect(during.length).toBeGreaterThan(20);
    expect(during.every((s) => s.predictive === before.p && s.reactive === before.r && s.predictive > 0)).toBe(true);
    // The outage is counted, so it can be alerted on.
    const down = await cycles();
    expect(down.error).toBeGreaterThanOrEqual(3);

    await prom.start();
    for (const name of ['ramp-predictive', 'ramp-reactive']) {
      await eventually(`${name} recovered`, async () => degraded(await slice(name))?.status === 'False', 60_000, 500);
    }
    // Load is read again (and the gap backfilled): the status load follows the trace.
    await eventually('fresh load in status', async () => {
      const s = await slice('ramp-predictive');
      return Math.abs(s.status.currentLoad.sessions - trace.at(stepAt(clock, Date.now()))) < 15;
    }, 30_000, 500);
    expect((await cycles()).success).toBeGreaterThan(down.success);
  });
});
