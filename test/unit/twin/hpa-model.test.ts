/**
 * The HPA model against the documented Kubernetes behaviour (HPA docs "Algorithm details",
 * "Support for configurable scaling behavior"; k8s.io/kubernetes v1.34.4
 * pkg/controller/podautoscaler) and KEDA's use of it.
 */
import { hpaSync, metricAt, metricProposal, milli, newHpaState, HPA_DEFAULTS, type HpaConfig } from '../../../src/twin/hpa-model.js';

const cfg = (o: Partial<HpaConfig> = {}): HpaConfig => ({ minReplicas: 1, maxReplicas: 100, targetAverageValue: 10, ...HPA_DEFAULTS, ...o });

/** Syncs every 15 s from t0 with a constant metric, returning the replicas after each. */
function run(c: HpaConfig, replicas: number, usage: (t: number) => number, syncs: number, t0 = 0): number[] {
  const s = newHpaState(replicas);
  const out: number[] = [];
  for (let i = 0; i < syncs; i++) out.push(hpaSync(c, s, t0 + i * c.syncPeriodSeconds, usage(t0 + i * c.syncPeriodSeconds)));
  return out;
}

describe('metric proposal (External metric, AverageValue target)', () => {
  test('desired = ceil(usage / target) when the ratio leaves the 10 % tolerance', () => {
    expect(metricProposal(cfg(), 4, 60)).toBe(6); // ratio 1.5
    expect(metricProposal(cfg(), 4, 25)).toBe(3); // ratio 0.625
  });
  test('within the tolerance the count stays, on both sides and at the bounds', () => {
    expect(metricProposal(cfg(), 4, 44)).toBe(4); // ratio 1.1: inside (<=)
    expect(metricProposal(cfg(), 4, 36)).toBe(4); // ratio 0.9: inside (>=)
    expect(metricProposal(cfg(), 4, 44.1)).toBe(5); // ratio 1.1025
    expect(metricProposal(cfg(), 4, 35.9)).toBe(4); // ceil(3.59) = 4 even outside
    expect(metricProposal(cfg(), 10, 85)).toBe(9);
  });
  test('the ratio is over status.replicas (pods that exist), not Ready ones', () => {
    expect(metricProposal(cfg(), 2, 41)).toBe(5);
  });
  test('quantities are milli-units rounded up', () => {
    expect(milli(1.1)).toBe(1100);
    expect(milli(0.0001)).toBe(1);
    expect(milli(-3)).toBe(0);
  });
});

describe('without behaviour (what KEDA creates by default)', () => {
  test('scale-up limited to max(2 x current, 4) per sync', () => {
    expect(run(cfg(), 1, () => 1000, 4)).toEqual([4, 8, 16, 32]);
  });
  test('scale-down waits for the 5-minute stabilisation window: the highest recommendation in it', () => {
    const r = run(cfg(), 10, () => 20, 24); // wants 2
    // Recommendations at t=0 (initial 10 and 2) ... the initial 10 leaves the window after 300 s.
    expect(r.slice(0, 20).every((x) => x === 10)).toBe(true);
    expect(r[20]).toBe(10); // t = 300: the initial recommendation is exactly at the cutoff, still counted
    expect(r[21]).toBe(2); // t = 315
  });
  test('a dip shorter than the window does not scale down', () => {
    const r = run(cfg(), 5, (t) => (t >= 60 && t < 120 ? 10 : 50), 40);
    expect(Math.min(...r)).toBe(5);
  });
  test('min and max bound the count; below min it is raised without metrics', () => {
    expect(run(cfg({ maxReplicas: 6 }), 1, () => 1000, 3)).toEqual([4, 6, 6]);
    expect(run(cfg({ minReplicas: 3 }), 1, () => 0, 1)).toEqual([3]);
    expect(run(cfg({ minReplicas: 2 }), 0, () => 1000, 1)).toEqual([0]); // scaling disabled at zero
  });
  test('the downscale stabilisation flag sets the window', () => {
    const r = run(cfg({ downscaleStabilizationSeconds: 60 }), 10, () => 20, 8);
    expect(r.slice(0, 4)).toEqual([10, 10, 10, 10]);
    expect(r[5]).toBe(2);
  });
});

describe('with behaviour (defaults completed as the API server does)', () => {
  test('default scale-up: the larger of +4 pods and +100 % per 15 s', () => {
    expect(run(cfg({ behavior: {} }), 1, () => 1000, 4)).toEqual([5, 10, 20, 40]);
  });
  test('a Pods policy counts changes within its period from the replicas at its start', () => {
    const c = cfg({ behavior: { scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } } });
    // +2 at t=0; t=15..45 still within 60 s of it: no more; t=60: the event is no longer newer than the cutoff.
    expect(run(c, 1, () => 1000, 6)).toEqual([3, 3, 3, 3, 5, 5]);
  });
  test('selectPolicy Min picks the smallest change; Disabled stops that direction', () => {
    const min = cfg({ behavior: { scaleUp: { selectPolicy: 'Min' } } });
    expect(run(min, 8, () => 1000, 2)).toEqual([12, 16]);
    const off = cfg({ behavior: { scaleDown: { selectPolicy: 'Disabled' } } });
    expect(run(off, 8, () => 1, 40).every((x) => x === 8)).toBe(true);
  });
  test('scale-down policy Percent 50 per 60 s after a 0 s window', () => {
    const c = cfg({ behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } } });
    expect(run(c, 16, () => 10, 9)).toEqual([8, 8, 8, 8, 4, 4, 4, 4, 2]);
  });
  test('a scale-up stabilisation window uses the lowest recommendation in it', () => {
    const c = cfg({ behavior: { scaleUp: { stabilizationWindowSeconds: 30 } } });
    // The initial recommendation (2, at t=0) holds the count while it is strictly newer than
    // now - 30 s; at t=30 it no longer is, and the rate limit allows max(2 + 4, 2 x 2) = 6.
    const r = run(c, 2, () => 100, 4);
    expect(r).toEqual([2, 2, 6, 10]);
  });
  test('the default scale-down window is the controller flag (300 s), strictly newer than the cutoff', () => {
    const r = run(cfg({ behavior: {} }), 10, () => 20, 22);
    expect(r[19]).toBe(10); // t = 285
    expect(r[20]).toBe(2); // t = 300: the sample at 0 is not newer than the cutoff
  });
});

describe('KEDA metric freshness', () => {
  const load = (t: number): number => t;
  test('by default the HPA reads Prometheus afresh: the last scrape', () => {
    expect(metricAt(cfg(), 15, 44, load)).toBe(30);
  });
  test('with useCachedMetrics it reads KEDA\'s last poll', () => {
    expect(metricAt(cfg({ useCachedMetrics: true, pollingIntervalSeconds: 30 }), 15, 59, load)).toBe(30);
    expect(metricAt(cfg({ useCachedMetrics: true, pollingIntervalSeconds: 30 }), 15, 60, load)).toBe(60);
  });
});
