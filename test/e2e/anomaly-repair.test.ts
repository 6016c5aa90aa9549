/** @jest-environment ./test/support/ort-environment.cjs */
/**
 * Anomaly detection and repair on the real control plane, with a real Prometheus and the real
 * forecaster: one slice's traffic surges x4, another's drops to zero (an outage), both on Milan
 * traffic replayed at 10 s a replayed hour. The surge is detected and repaired past the step limit
 * before the next forecast step; the outage holds capacity past the scale-down stabilisation
 * (without the repair, a reactive slice would scale down to its floor) and its metric fires the
 * chart's NetworkSliceOutage alert (promtool against the rendered rules).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { createForecasting } from '../../src/forecast/wiring.js';
import { aggregate, loadHourlySquares, milanCsvPath } from '../../tools/replayer/milan.js';
import { hourlyTrace, type Trace } from '../../tools/replayer/trace.js';
import { conditionOf, createNamespace, e2eEnv, eventually, getSlice, installCrd, kubectl, repoRoot, upfSlice } from './support.js';
import { startTelemetryRig, type TelemetryRig } from './telemetry-rig.js';

const STEP_SECONDS = 10;
const START_HOUR = 744;
/** The anomalies start 4 replayed hours in and last 3. */
const ONSET = START_HOUR + 4;
const rows = loadHourlySquares(milanCsvPath(repoRoot));
const base = hourlyTrace(aggregate(rows, [12, 17, 18, 23, 25]), 1);
const during = (f: (v: number) => number): Trace => ({ length: base.length, at: (s) => (s >= ONSET && s < ONSET + 3 ? f(base.at(s)) : base.at(s)) });

describe('anomaly detection and repair (real control plane, Prometheus, forecaster)', () => {
  let rig: TelemetryRig;
  let ns: string;
  let stopped = false;
  const samples: { t: number; n: number }[] = [];
  // Sessions per replica: the usual load needs about 3 replicas, the surge about 12.
  const perReplica = Math.ceil(base.at(ONSET) / 3);

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('anomaly');
    const { forecaster, calibrator } = await createForecasting({});
    const slices = [
      { snssai: '1-0000c1', plmnid: '00101', trace: during((v) => 4 * v) },
      { snssai: '1-0000c2', plmnid: '00101', trace: during(() => 0) },
    ];
    rig = await startTelemetryRig({ slices, stepSeconds: STEP_SECONDS, startHour: START_HOUR, forecaster, calibrator });
    const reactive = { mode: 'reactive', headroomPercent: 0 };
    const manifests = [
      // Without the repair, one replica more per 5 minutes.
      upfSlice('surging', '0000c1', { perReplica, maxReplicas: 30, scaling: { ...reactive, maxStep: 1, stepPeriodSeconds: 300 } }),
      // Without the repair, the floor 20 s into the outage.
      upfSlice('silent', '0000c2', { perReplica, maxReplicas: 30, scaling: { ...reactive, maxStep: 10, scaleDownStabilizationSeconds: 20 } }),
    ];
    for (const m of manifests) expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
    // The outage slice's replicas over the whole run, read while the surge test runs.
    void (async () => {
      while (!stopped) {
        samples.push({ t: Date.now(), n: await replicas('silent') });
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
  });

  afterAll(async () => {
    stopped = true;
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await rig?.stop();
  });

  const replicas = async (name: string) => Number((await kubectl(['get', '-n', ns, 'deploy', `${name}-upf`, '-o', 'jsonpath={.spec.replicas}'])).stdout || 0);
  const onsetWallMs = () => rig.clock.wallStartMs + (ONSET - START_HOUR) * STEP_SECONDS * 1000;

  test('a surge is detected and capacity follows it past the step limit before the next forecast step', async () => {
    const before = await eventually('surging settled', async () => {
      const n = await replicas('surging');
      return Date.now() < onsetWallMs() - 2000 && n >= 2 ? n : undefined;
    }, 60_000, 500);
    const s = await eventually('Anomalous Surge', async () => {
      const x = await getSlice(ns, 'surging');
      return conditionOf(x, 'Anomalous')?.reason === 'Surge' ? x : undefined;
    }, 60_000, 250);
    expect(conditionOf(s, 'Anomalous')!.message).toMatch(/load [\d.]+ against forecast p50 [\d.]+, upper [\d.]+ \([\d.]+x p50\), since .*; scaling to the observed load past the step limit/);
    const raised = await eventually('replicas up by more than maxStep', async () => ((await replicas('surging')) > before + 1 ? Date.now() : undefined), 30_000, 250);
    process.stderr.write(`[anomaly] surging: ${before} -> ${await replicas('surging')} replicas ${((raised - onsetWallMs()) / 1000).toFixed(1)} s after onset (a forecast step is ${STEP_SECONDS} s)\n`);
    expect(raised - onsetWallMs()).toBeLessThan(STEP_SECONDS * 1000);
    const events = JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=surging', '-o', 'json'])).stdout) as { items: { reason: string }[] };
    expect(events.items.map((e) => e.reason)).toEqual(expect.arrayContaining(['AnomalyDetected', 'SurgeScaleUp']));
  });

  test('an outage holds capacity past the stabilisation window and fires the NetworkSliceOutage alert', async () => {
    await eventually('the outage is over', async () => Date.now() > onsetWallMs() + 28_000, 60_000, 500);
    const before = samples.filter((x) => x.t < onsetWallMs()).at(-1)!.n;
    expect(before).toBeGreaterThanOrEqual(2);
    // The outage lasts 30 s; stabilisation is 20 s: past it, replicas are still held.
    const during = samples.filter((x) => x.t >= onsetWallMs() && x.t < onsetWallMs() + 28_000).map((x) => x.n);
    process.stderr.write(`[anomaly] silent: ${before} replicas before the outage, during it ${JSON.stringify([...new Set(during)])}\n`);
    expect(new Set(during)).toEqual(new Set([before]));
    const events = JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=silent,reason=AnomalyDetected', '-o', 'json'])).stdout) as { items: { message: string }[] };
    expect(events.items.map((e) => e.message).join('\n')).toMatch(/Outage: load 0 against forecast p50 [\d.]+, upper [\d.]+: near zero for 2 cycles, since .*; holding capacity/);
    // The operator's metric, as the rig's Prometheus scraped it.
    const q = await fetch(`${rig.prom.url}/api/v1/query?query=${encodeURIComponent('slice_operator_slice_anomalous{kind="Outage"}')}`).then((r) => r.json() as Promise<{ data: { result: { metric: Record<string, string> }[] } }>);
    const series = q.data.result.find((r) => r.metric.slice === 'silent');
    expect(series?.metric).toMatchObject({ namespace: ns, slice: 'silent', kind: 'Outage' });
    await expect(outageAlertFires(ns)).resolves.toContain('SUCCESS');
  });
});

/** promtool's rule unit test on the chart's rendered rules: that series for 3 minutes fires NetworkSliceOutage after 2. */
async function outageAlertFires(ns: string): Promise<string> {
  const { binDir } = e2eEnv();
  const chart = path.join(repoRoot, 'charts', 'slice-operator');
  const rendered = await new Promise<string>((resolve, reject) =>
    execFile(path.join(binDir, 'helm'), ['template', 'x', chart, '--api-versions', 'monitoring.coreos.com/v1/PrometheusRule', '--set', 'metrics.prometheusRule.enabled=true'], { env: { ...process.env, HELM_CACHE_HOME: '/tmp/helm-e2e/cache', HELM_CONFIG_HOME: '/tmp/helm-e2e/config', HELM_DATA_HOME: '/tmp/helm-e2e/data' } }, (err, out) => (err ? reject(err) : resolve(out))),
  );
  const rule = parseAllDocuments(rendered)
    .map((d) => d.toJSON())
    .find((o) => o?.kind === 'PrometheusRule' && JSON.stringify(o.spec).includes('NetworkSliceOutage'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slice-outage-rule-'));
  try {
    writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
    const labels = `{namespace="${ns}", slice="silent", kind="Outage"}`;
    writeFileSync(
      path.join(dir, 'test.yaml'),
      stringify({
        rule_files: ['rules.yaml'],
        evaluation_interval: '30s',
        tests: [
          {
            interval: '30s',
            input_series: [{ series: `slice_operator_slice_anomalous${labels}`, values: '1x6' }],
            alert_rule_test: [
              { eval_time: '1m', alertname: 'NetworkSliceOutage', exp_alerts: [] },
              { eval_time: '3m', alertname: 'NetworkSliceOutage', exp_alerts: [
                  {
                    exp_labels: { severity: 'critical', namespace: ns, slice: 'silent' },
                    exp_annotations: { summary: `Slice ${ns}/silent: load dropped to near zero against its forecast (suspected outage); capacity is held` },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const r = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stdout + r.stderr);
    return r.stdout + r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
