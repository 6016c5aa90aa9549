import { decideReplicas, type ScalingPolicy } from '../../../src/controller/scaling.js';

const policy: ScalingPolicy = {
  mode: 'reactive',
  minReplicas: 1,
  maxReplicas: 10,
  perReplicaCapacity: 100,
  headroomPercent: 20,
  maxStep: 3,
  stepPeriodMs: 0,
  scaleDownStabilizationMs: 300_000,
};
const now = 1_000_000;

describe('decideReplicas', () => {
  test('reactive: ceil(load * (1 + headroom) / capacity)', () => {
    const d = decideReplicas(policy, 1, { current: 240 }, [], now);
    expect(d.recommended).toBe(3); // 240 * 1.2 = 288 -> 3
    expect(d.replicas).toBe(3);
    expect(d.reason).toBe('ReactiveScaleUp');
  });

  test('predictive uses the forecast peak when higher than now', () => {
    const d = decideReplicas({ ...policy, mode: 'predictive' }, 2, { current: 150, forecastPeak: 400 }, [], now);
    expect(d.replicas).toBe(5); // 480/100 -> 5, step 3 from 2 allows 5
    expect(d.reason).toBe('ForecastScaleUp');
  });

  test('a lead-time observation is carried as the decision\'s leadTime, only when predictive', () => {
    const d = decideReplicas({ ...policy, mode: 'predictive' }, 2, { current: 150, forecastPeak: 260, calibration: 1, leadSeconds: 120 }, [], now);
    expect(d.leadTime).toEqual({ seconds: 120, load: 260 });
    expect(d.message).toMatch(/^load in 120 s 260\.0/);
    expect(decideReplicas(policy, 2, { current: 150, forecastPeak: 260, calibration: 1, leadSeconds: 120 }, [], now).leadTime).toBeUndefined();
    expect(decideReplicas({ ...policy, mode: 'predictive' }, 2, { current: 150, forecastPeak: 260 }, [], now).leadTime).toBeUndefined();
  });

  test('step limit', () => {
    const d = decideReplicas(policy, 1, { current: 900 }, [], now);
    expect(d.replicas).toBe(4);
    expect(d.reason).toBe('StepLimited');
  });

  test('bounded by max and min', () => {
    expect(decideReplicas(policy, 10, { current: 5000 }, [], now)).toMatchObject({ replicas: 10, reason: 'BoundedByMax' });
    expect(decideReplicas(policy, 1, { current: 0 }, [], now)).toMatchObject({ replicas: 1, reason: 'BoundedByMin' });
  });

  test('scale-down waits for the stabilisation window', () => {
    const history = [
      { at: now - 100_000, replicas: 6 },
      { at: now - 400_000, replicas: 9 }, // outside the window
    ];
    const d = decideReplicas(policy, 6, { current: 100 }, history, now);
    expect(d.recommended).toBe(2);
    expect(d.replicas).toBe(6);
    expect(d.reason).toBe('ScaleDownStabilized');
    const later = decideReplicas(policy, 6, { current: 100 }, [{ at: now - 400_000, replicas: 6 }], now);
    expect(later.replicas).toBe(3); // step-limited scale-down once the window passed
  });

  test('missing or garbage telemetry holds capacity, never scales to zero', () => {
    for (const obs of [{}, { current: NaN }, { current: -5 }, { current: Infinity }, { telemetryDown: true, current: 0 }]) {
      const d = decideReplicas({ ...policy, minReplicas: 0 }, 7, obs, [], now);
      expect(d.replicas).toBe(7);
      expect(d.reason).toBe('HoldNoTelemetry');
    }
  });

  test('static mode keeps replicas within bounds', () => {
    expect(decideReplicas({ ...policy, mode: 'static' }, 12, { current: 1 }, [], now).replicas).toBe(10);
    expect(decideReplicas({ ...policy, mode: 'static', minReplicas: 2 }, 0, {}, [], now).replicas).toBe(2);
  });
});

describe('decideReplicas: the step limit is a rate over its period', () => {
  const periodic = { ...policy, maxStep: 4, stepPeriodMs: 15_000 };
  test('a second decision within the period cannot chain another step', () => {
    const first = decideReplicas(periodic, 1, { current: 1000 }, [], now);
    expect(first).toMatchObject({ replicas: 5, reason: 'StepLimited' });
    const events = [{ at: now, from: 1, to: 5 }];
    expect(decideReplicas(periodic, 5, { current: 1000 }, [], now + 1000, events)).toMatchObject({ replicas: 5, reason: 'StepLimited' });
    // The next period allows the next step.
    expect(decideReplicas(periodic, 5, { current: 1000 }, [], now + 15_001, events)).toMatchObject({ replicas: 9 });
  });
  test('a period of 0 limits each decision alone', () => {
    expect(decideReplicas({ ...periodic, stepPeriodMs: 0 }, 5, { current: 1000 }, [], now + 1000, [{ at: now, from: 1, to: 5 }]).replicas).toBe(9);
  });
});

describe('decideReplicas: stabilisation says until when it holds', () => {
  test('the hold ends one window after the last recommendation of the held count', () => {
    const d = decideReplicas(policy, 6, { current: 100 }, [{ at: now - 100_000, replicas: 6 }], now);
    expect(d).toMatchObject({ replicas: 6, reason: 'ScaleDownStabilized', heldUntil: now - 100_000 + 300_000, needed: 2 });
    expect(d.message).toContain(`held until ${new Date(now + 200_000).toISOString()}`);
  });
});

describe('decideReplicas under a load anomaly', () => {
  test('a surge scales to the observed load past the step limit, within maxReplicas', () => {
    expect(decideReplicas(policy, 1, { current: 700 }, [], now)).toMatchObject({ replicas: 4, reason: 'StepLimited' });
    expect(decideReplicas(policy, 1, { current: 700, anomaly: 'Surge' }, [], now)).toMatchObject({ replicas: 9, reason: 'SurgeScaleUp' });
    expect(decideReplicas(policy, 1, { current: 5000, anomaly: 'Surge' }, [], now)).toMatchObject({ replicas: 10, reason: 'BoundedByMax' });
  });

  test('an outage holds capacity instead of scaling to the floor', () => {
    expect(decideReplicas({ ...policy, scaleDownStabilizationMs: 0 }, 6, { current: 0 }, [], now)).toMatchObject({ replicas: 3, reason: 'StepLimited' });
    const d = decideReplicas({ ...policy, scaleDownStabilizationMs: 0 }, 6, { current: 0, anomaly: 'Outage' }, [], now);
    expect(d).toMatchObject({ replicas: 6, reason: 'HoldOutage' });
    expect(d.message).toContain('suspected outage');
  });
});
