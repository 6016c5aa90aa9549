/** The demo's equal-SLA tuning and frontier: the twin at the demo's time scale, each policy's cheapest setting that meets the SLA. */
import path from 'node:path';
import { repoRoot } from '../../../../tools/devcluster/binaries.js';
import { sliceViewsFromFile } from '../../../../src/twin/manifests.js';
import type { PreparedSlice } from '../../../../src/twin/whatif.js';
import { frontier, HPA_TARGETS, OPERATOR_HEADROOMS, OPERATOR_QUANTILES, simulateSetting, tune } from '../../../../tools/demo/tuning.js';
import { rigParams } from '../../../../tools/twin/validation.js';

const view = sliceViewsFromFile(path.join(repoRoot(), 'examples', 'embb.yaml'))[0]!;
const p = rigParams(30, 24);
const HOURS = 24;

/** A daily wave on minute steps, with forecasts that know the next two hours (p90/p99 wider by 10/20 %). */
function prepared(): PreparedSlice {
  const minutes = (216 + HOURS) * 60;
  const values = Float64Array.from({ length: minutes }, (_, m) => 120 + 100 * Math.sin((2 * Math.PI * m) / 1440));
  const hourlyMean = (h: number) => values.subarray(h * 60, h * 60 + 60).reduce((a, b) => a + b, 0) / 60;
  const hourlyPeak = (h: number) => Math.max(...values.subarray(h * 60, h * 60 + 60));
  const q = (k: number) => ({
    peak: Float32Array.from({ length: HOURS }, (_, j) => hourlyPeak(216 + j) * k),
    calib: new Float32Array(HOURS).fill(1),
    next: Float32Array.from({ length: HOURS }, (_, j) => hourlyMean(216 + j) * k),
    second: Float32Array.from({ length: HOURS }, (_, j) => hourlyMean(217 + j) * k),
  });
  return { name: 'wave', view, series: { startMs: 0, stepSeconds: 60, values }, forecasts: { firstHour: 216, hours: HOURS, q: { p50: q(1), p90: q(1.1), p99: q(1.2) }, source: 'test' } };
}

describe('demo tuning', () => {
  const s = prepared();
  const points = frontier(s, view, p);

  test('the frontier holds every setting of both grids over the window, in 10-minute intervals', () => {
    expect(points.filter((x) => x.setting.policy === 'operator')).toHaveLength(OPERATOR_QUANTILES.length * OPERATOR_HEADROOMS.length);
    expect(points.filter((x) => x.setting.policy === 'hpa')).toHaveLength(HPA_TARGETS.length);
    expect(new Set(points.map((x) => x.point.intervals))).toEqual(new Set([HOURS * 6]));
    // More headroom never costs less; a lower target utilisation never costs less.
    const op = (q: string, h: number) => points.find((x) => x.point.label === `lead time, ${q} +${h} %`)!.point;
    expect(op('p90', 30).replicaHours).toBeGreaterThanOrEqual(op('p90', 0).replicaHours);
    const hpa = (u: number) => points.find((x) => x.point.label === `target ${Math.round(u * 100)} %`)!.point;
    expect(hpa(0.5).replicaHours).toBeGreaterThan(hpa(1).replicaHours);
    // The point is what one simulation of that setting gives.
    const r = simulateSetting(s, view, p, { policy: 'hpa', targetUtilization: 0.5 });
    expect(hpa(0.5)).toMatchObject({ replicaHours: r.replicaHours, violatingIntervals: r.violatingIntervals });
  });

  test("tune picks each policy's cheapest setting that meets the SLA", () => {
    for (const policy of ['operator', 'hpa'] as const) {
      const t = tune(points, policy, 100);
      // At a 100 % "SLA" every setting meets it: the cheapest of all wins.
      const cheapest = Math.min(...points.filter((x) => x.setting.policy === policy).map((x) => x.point.replicaHours));
      expect(t).toMatchObject({ meets: true, point: { replicaHours: cheapest } });
    }
    const strict = tune(points, 'hpa', 1);
    for (const x of points.filter((y) => y.setting.policy === 'hpa' && y.point.violatingPercent <= 1)) expect(x.point.replicaHours).toBeGreaterThanOrEqual(strict.point.replicaHours);
  });

  test('with no setting meeting the SLA, tune takes the fewest violations', () => {
    const worse = points.map((x) => ({ ...x, point: { ...x.point, violatingIntervals: x.point.violatingIntervals + 50, violatingPercent: 100 } }));
    const t = tune(worse, 'hpa', 1);
    expect(t.meets).toBe(false);
    expect(t.point.violatingIntervals).toBe(Math.min(...worse.filter((x) => x.setting.policy === 'hpa').map((x) => x.point.violatingIntervals)));
    expect(() => tune([], 'operator')).toThrow(/no operator settings/);
  });
});
