/** The twin validation's pure half: trace-time scaling of the rig's parameters, the trace copy, and the agreement measure. */
import { hourlyTrace } from '../../../../tools/replayer/trace.js';
import { loadAt } from '../../../../src/twin/history.js';
import { agreement, factorOf, onRigClock, seriesOf, twinHpa, twinOperator, twinTiming, type RigParams, type RigSample, type SliceManifest } from '../../../../tools/twin/validation.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../../../tools/devcluster/binaries.js';

const p: RigParams = {
  stepSeconds: 30,
  hours: 2,
  settleHours: 1,
  scrapeSeconds: 1,
  cycleSeconds: 1,
  hpaSyncSeconds: 2,
  pollingSeconds: 1,
  readiness: { delaySeconds: 2, jitterSeconds: 1 },
  targetUtilization: 0.8,
  hpaBehavior: {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 1 }] },
    scaleDown: { stabilizationWindowSeconds: 10, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }] },
  },
};

describe('rig parameters in trace time', () => {
  test('every period is stretched by 3600 / stepSeconds', () => {
    expect(factorOf(p)).toBe(120);
    const t = twinTiming(p);
    expect(t).toMatchObject({ operatorCycleSeconds: 120, scrapeIntervalSeconds: 120, slaIntervalSeconds: 120, readiness: { delaySeconds: 240, jitterSeconds: 120 } });
    const h = twinHpa(p, 20, 1, 12);
    expect(h).toMatchObject({ targetAverageValue: 16, syncPeriodSeconds: 240, downscaleStabilizationSeconds: 1200, pollingIntervalSeconds: 120, useCachedMetrics: false, tolerance: 0.1 });
    expect(h.behavior!.scaleUp!.policies![0]!.periodSeconds).toBe(120);
    expect(h.behavior!.scaleDown!.stabilizationWindowSeconds).toBe(1200);
    const op = twinOperator(p, { mode: 'predictive', minReplicas: 1, maxReplicas: 12, perReplicaCapacity: 20, headroomPercent: 0, maxStep: 4, stepPeriodMs: 1000, scaleDownStabilizationMs: 10_000 });
    expect(op).toMatchObject({ stepPeriodMs: 120_000, scaleDownStabilizationMs: 1_200_000, maxStep: 4 });
  });
});

describe('onRigClock', () => {
  test('a LeadTime slice with the rig\'s start-up and windows in wall seconds; the manifest read is left as it was', () => {
    const m = parse(readFileSync(path.join(repoRoot(), 'examples', 'embb.yaml'), 'utf8')) as SliceManifest;
    const before = structuredClone(m);
    const r = onRigClock(m, p, { quantile: 'p90', headroomPercent: 0 });
    expect(m).toEqual(before);
    expect(r.manifest.spec.scaling).toMatchObject({ mode: 'predictive', capacityBasis: 'LeadTime', scaleDownStabilizationSeconds: 10, stepPeriodSeconds: 1, quantile: 'p90', headroomPercent: 0, maxStep: 4 });
    expect(r.view.scaling).toMatchObject({ capacityBasis: 'LeadTime', scaleDownStabilizationMs: 10_000, stepPeriodMs: 1000, quantile: 'p90', headroomPercent: 0 });
    expect(r.view.cnfs.map((c) => c.startupSeconds)).toEqual(r.view.cnfs.map(() => 3));
    expect(() => onRigClock(m, p, { quantile: 'p42' })).toThrow(/embb-video as the rig runs it is invalid/);
  });
});

describe('seriesOf', () => {
  test("the twin's load follows the replayer's linear interpolation between trace hours", () => {
    const trace = hourlyTrace([100, 200, 140, 140, 400]);
    const s = seriesOf(trace, 1, 3, 0);
    expect(s.stepSeconds).toBe(60);
    expect(s.values.length).toBe(180);
    // Half-way through trace hour 1 (between 200 and 140) and a quarter into hour 2 (flat 140),
    // within the rounding to whole sessions the replayer exports too.
    expect(Math.abs(loadAt(s, 1800) - 170)).toBeLessThanOrEqual(1);
    expect(loadAt(s, 4500)).toBe(140);
    expect(Math.abs(loadAt(s, 9000) - 270)).toBeLessThanOrEqual(1);
  });
});

describe('agreement', () => {
  const sample = (sec: number, operator: number, hpa: number): RigSample => ({ wallMs: 10_000 + sec * 1000 + 300, step: 0, load: 0, operator, hpa });
  test('each sample is compared with the twin at the last whole second before it', () => {
    const twin = { operator: [2, 3, 4, 6], hpa: [2, 2, 5, 5] };
    // Second 1 -> twin index 0, second 2 -> 1, ...; second 0 (before the first twin value) and 5 (after the last) are left out.
    const a = agreement([sample(0, 9, 9), sample(1, 2, 3), sample(2, 3, 2), sample(3, 6, 2), sample(4, 6, 5), sample(5, 1, 1)], 10_000, twin);
    expect(a.samples).toBe(4);
    expect(a.operatorExact).toBe(0.75);
    expect(a.operatorWithinOne).toBe(0.75);
    expect(a.operatorMaxDiff).toBe(2);
    expect(a.hpaExact).toBe(0.5);
    expect(a.hpaWithinOne).toBe(0.75);
    expect(a.hpaMaxDiff).toBe(3);
  });
});
