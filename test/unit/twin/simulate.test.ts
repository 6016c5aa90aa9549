/** Pods with a start-up delay, and one slice's replay through both policies. */
import { HPA_DEFAULTS } from '../../../src/twin/hpa-model.js';
import { Pods, prng } from '../../../src/twin/pods.js';
import { DEFAULT_TIMING, simulateSlice, type SliceInput } from '../../../src/twin/simulate.js';

describe('Pods', () => {
  test('a new pod is Ready after the delay plus jitter drawn in [delay, delay + jitter]', () => {
    const p = new Pods({ delaySeconds: 60, jitterSeconds: 30 }, prng(7), 2);
    p.scaleTo(5, 100);
    expect(p.readyCount(159)).toBe(2);
    expect(p.readyCount(190)).toBe(5);
  });
  test('a scale-down removes pods that are not Ready first', () => {
    const p = new Pods({ delaySeconds: 60, jitterSeconds: 0 }, prng(1), 3);
    p.scaleTo(6, 0);
    p.scaleTo(4, 30);
    expect(p.readyCount(30)).toBe(3);
    expect(p.readyCount(61)).toBe(4);
    p.scaleTo(2, 70);
    expect(p.readyCount(70)).toBe(2);
  });
});

/** Per-minute load: flat at 40, then a rise to 200 within 5 minutes (a flash crowd) in hour 3. */
function input(forecastAhead: boolean, delaySeconds: number): { input: SliceInput; timing: typeof DEFAULT_TIMING } {
  const minutes = (216 + 6) * 60;
  const rise = (216 + 3) * 60;
  const values = Float64Array.from({ length: minutes }, (_, m) => (m < rise ? 40 : m < rise + 5 ? 40 + (160 * (m - rise)) / 5 : 200));
  const peak = Float32Array.from({ length: 6 }, (_, k) => (forecastAhead && k >= 2 ? 200 : 40));
  const q = { peak, calib: new Float32Array(6).fill(1), next: peak, second: peak };
  return {
    input: {
      series: { startMs: 0, stepSeconds: 60, values },
      forecasts: { firstHour: 216, hours: 6, q: { p50: q, p90: q, p99: q }, source: 'test' },
      quantile: 'p99',
      operator: { mode: 'predictive', minReplicas: 1, maxReplicas: 20, perReplicaCapacity: 20, headroomPercent: 10, maxStep: 20, stepPeriodMs: 0, scaleDownStabilizationMs: 300_000 },
      hpa: { minReplicas: 1, maxReplicas: 20, targetAverageValue: 16, ...HPA_DEFAULTS },
    },
    timing: { ...DEFAULT_TIMING, readiness: { delaySeconds, jitterSeconds: 0 } },
  };
}

describe('simulateSlice', () => {
  test('a reactive HPA is under capacity on a ramp while new pods start; a forecast that saw it coming is not', () => {
    const { input: i, timing } = input(true, 120);
    const r = simulateSlice(i, timing);
    expect(r.hpa.violatingIntervals).toBeGreaterThan(0);
    expect(r.operator.violatingIntervals).toBe(0);
    expect(r.operator.intervals).toBe(36);
  });
  test('without the forecast the operator is reactive at its cycle and misses too', () => {
    const { input: i, timing } = input(false, 120);
    expect(simulateSlice(i, timing).operator.violatingIntervals).toBeGreaterThan(0);
  });
  test('with pods Ready at once, the HPA misses less', () => {
    const slow = simulateSlice(input(true, 120).input, input(true, 120).timing).hpa;
    const fast = simulateSlice(input(true, 0).input, input(true, 0).timing).hpa;
    expect(fast.underSamples).toBeLessThan(slow.underSamples);
  });
  test('replica-hours count pods that exist; scale actions count changes', () => {
    const r = simulateSlice(input(true, 60).input, input(true, 60).timing);
    expect(r.operator.replicaHours).toBeGreaterThan(r.operator.readyReplicaHours);
    expect(r.hpa.scaleActions).toBeGreaterThan(0);
  });
});
