/** @jest-environment ./test/support/ort-environment.cjs */
/**
 * The forecast model as a user-supplied file (--model-path): missing at start-up, the operator
 * still scales on fallback forecasts and the predictive slice says so (Degraded,
 * ForecastModelUnavailable); when the file appears it is loaded without a restart and the
 * condition clears; a corrupt update later is rejected and the good model keeps forecasting.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultModelPath } from '../../src/forecast/forecaster.js';
import { createForecasting } from '../../src/forecast/wiring.js';
import { aggregate, loadHourlySquares, milanCsvPath } from '../../tools/replayer/milan.js';
import { hourlyTrace } from '../../tools/replayer/trace.js';
import { createNamespace, eventually, installCrd, kubectl, repoRoot } from './support.js';
import { startTelemetryRig, type TelemetryRig } from './telemetry-rig.js';

const rows = loadHourlySquares(milanCsvPath(repoRoot));
const trace = hourlyTrace(aggregate(rows, [12, 17, 18, 23, 25]), 1);

describe('user model file: missing, appearing, corrupted', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slice-model-'));
  const modelPath = path.join(dir, 'forecaster.onnx');
  let rig: TelemetryRig;
  let ns: string;
  type Cond = { type: string; status: string; reason: string; message: string };
  const get = async () => JSON.parse((await kubectl(['get', '-n', ns, 'nsl', 'model-check', '-o', 'json'])).stdout) as { status?: { conditions?: Cond[]; forecast?: { source: string; fallbackReason?: string } } };
  const degraded = (s: Awaited<ReturnType<typeof get>>) => s.status?.conditions?.find((c) => c.type === 'Degraded');

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('model');
    const { forecaster, calibrator } = await createForecasting({ modelPath, reloadCheckMs: 1000 });
    expect(forecaster.modelStatus.loaded).toBe(false);
    rig = await startTelemetryRig({ slices: [{ snssai: '1-0000b1', plmnid: '00101', trace }], stepSeconds: 4, startHour: 744, forecaster, calibrator });
    const slice = {
      apiVersion: 'slicing.telco.dev/v1alpha1',
      kind: 'NetworkSlice',
      metadata: { name: 'model-check' },
      spec: {
        snssai: { sst: 1, sd: '0000b1' },
        plmn: { mcc: '001', mnc: '01' },
        serviceType: 'eMBB',
        cnfs: [{ name: 'upf', type: 'upf', image: 'upf:1', capacity: { sessions: 10 }, maxReplicas: 30 }],
        scaling: { mode: 'predictive', quantile: 'p90' },
      },
    };
    expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(slice))).stderr).toBe('');
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await rig?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('missing model: fallback forecasts, Degraded with the reason, replicas still follow the load', async () => {
    const s = await eventually('Degraded ForecastModelUnavailable', async () => {
      const x = await get();
      return degraded(x)?.reason === 'ForecastModelUnavailable' ? x : undefined;
    }, 30_000, 500);
    expect(degraded(s)!.status).toBe('True');
    expect(degraded(s)!.message).toContain(`model file not found: ${modelPath}`);
    expect(s.status!.forecast!.source).toMatch(/seasonal-naive|ewma/);
    const d = JSON.parse((await kubectl(['get', '-n', ns, 'deployment', 'model-check-upf', '-o', 'json'])).stdout);
    expect(d.spec.replicas).toBeGreaterThan(1); // ~50-90 sessions at 10 per replica
  });

  test('the model file appears: loaded without a restart, Degraded clears', async () => {
    copyFileSync(defaultModelPath(), modelPath);
    await eventually('onnx forecasts', async () => (await get()).status?.forecast?.source === 'onnx', 30_000, 500);
    await eventually('Degraded cleared', async () => degraded(await get())?.status === 'False', 15_000, 500);
  });

  test('a corrupt update is rejected: the good model keeps forecasting', async () => {
    writeFileSync(modelPath, 'definitely not ONNX');
    await new Promise((r) => setTimeout(r, 4000));
    const s = await get();
    expect(s.status!.forecast!.source).toBe('onnx');
    expect(degraded(s)!.status).toBe('False');
  });
});
