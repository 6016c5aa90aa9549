import fc from 'fast-check';
import { ConformalCalibrator, conformalQuantile } from '../../../src/forecast/calibration.js';

// Deterministic pseudo-random stream (no Math.random: tests must not flake).
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('ConformalCalibrator', () => {
  test('warm-up scores set the factor as online scores do, and stay out of coverage', () => {
    const warmed = new ConformalCalibrator({ minSamples: 24 });
    const online = new ConformalCalibrator({ minSamples: 24 });
    const rnd = lcg(3);
    for (let i = 0; i < 48; i++) {
      const actual = 60 + 20 * rnd(); // a p99 of 100 that is too wide: ratios 0.6 to 0.8
      warmed.warm('a', 100, actual);
      online.observe('a', 100, actual);
    }
    expect(warmed.samples('a')).toBe(48);
    expect(warmed.factor('a')).toBeCloseTo(online.factor('a'), 10);
    expect(warmed.factor('a')).toBeGreaterThan(0.7);
    expect(warmed.factor('a')).toBeLessThanOrEqual(0.8);
    // Coverage is of capacity that was provisioned: hindcasts provisioned nothing.
    expect(warmed.coverage('a')).toBeUndefined();
    expect(online.coverage('a')).toBeGreaterThan(0);
    warmed.observe('a', 100, 90);
    expect(warmed.coverage('a')).toBe(0); // 90 > 100 x factor in force (< 0.8)
    expect(warmed.samples('a')).toBe(49);
    // Invalid pairs are ignored, and make no state.
    warmed.warm('b', Number.NaN, 1);
    warmed.warm('b', 1, -1);
    expect(warmed.samples('b')).toBe(0);
    expect(warmed.size).toBe(1);
  });

  test('coverage converges to the target on a stream whose quantile is too narrow', () => {
    const rnd = lcg(7);
    const c = new ConformalCalibrator({ target: 0.95, window: 500, minSamples: 24 });
    let late = 0;
    let lateCovered = 0;
    for (let i = 0; i < 4000; i++) {
      const predicted = 100; // a "p99" that is really ~p50 of the load
      const actual = 100 * (0.6 + 0.8 * rnd()); // uniform 60..140
      if (i >= 1000) {
        late++;
        if (actual <= c.capacity('a', predicted)) lateCovered++;
      }
      c.observe('a', predicted, actual);
    }
    expect(lateCovered / late).toBeGreaterThan(0.93);
    expect(lateCovered / late).toBeLessThan(0.98);
    expect(c.factor('a')).toBeGreaterThan(1.3);
    expect(c.factor('a')).toBeLessThan(1.42);
    expect(c.coverage('a')).toBeGreaterThan(0.9);
  });

  test('shrinks an over-wide quantile (factor < 1) and stays per key', () => {
    const rnd = lcg(3);
    const c = new ConformalCalibrator({ target: 0.98 });
    for (let i = 0; i < 400; i++) {
      c.observe('wide', 200, 100 * (0.9 + 0.2 * rnd()));
      c.observe('tight', 100, 100 * (0.9 + 0.2 * rnd()));
    }
    expect(c.factor('wide')).toBeLessThan(0.6);
    expect(c.factor('tight')).toBeGreaterThan(1.05);
    expect(c.factor('unknown')).toBe(1);
    expect(c.coverage('unknown')).toBeUndefined();
    c.forget('wide');
    expect(c.factor('wide')).toBe(1);
  });

  test('factor stays 1 until minSamples, ignores invalid pairs, is bounded and deterministic', () => {
    const c = new ConformalCalibrator({ minSamples: 5, window: 10, maxFactor: 3 });
    for (let i = 0; i < 4; i++) c.observe('k', 10, 50);
    expect(c.factor('k')).toBe(1);
    c.observe('k', Number.NaN, 1);
    c.observe('k', 10, -1);
    expect(c.headroom('k').samples).toBe(4);
    c.observe('k', 10, 50);
    expect(c.factor('k')).toBe(3); // 5x miss, clamped at maxFactor
    for (let i = 0; i < 100; i++) c.observe('k', 10, 10);
    expect(c.headroom('k').samples).toBe(10); // bounded window
    expect(c.factor('k')).toBe(1);
    const a = new ConformalCalibrator();
    const b = new ConformalCalibrator();
    for (let i = 0; i < 50; i++) {
      a.observe('x', 10, i % 17);
      b.observe('x', 10, i % 17);
    }
    expect(a.headroom('x')).toEqual(b.headroom('x'));
  });

  test('keeps exactly the last `window` scores while its buffer grows and then wraps', () => {
    // 100 scores: the buffer grows 32 -> 64 -> 100, then 50 more overwrite the oldest.
    const c = new ConformalCalibrator({ target: 0.9, window: 100, minSamples: 1, minFactor: 0.01, maxFactor: 100 });
    const ratios = Array.from({ length: 150 }, (_, i) => 1 + ((i * 37) % 150) / 100);
    ratios.forEach((r) => c.observe('k', 100, 100 * r));
    const last = ratios.slice(-100).sort((a, b) => a - b);
    const expected = last[Math.ceil(101 * 0.9) - 1]!;
    expect(c.headroom('k').samples).toBe(100);
    // Scores are kept as 16-bit steps of (maxFactor - minFactor) / 65535: within half a step.
    expect(Math.abs(c.factor('k') - expected)).toBeLessThanOrEqual((100 - 0.01) / 65535 / 2 + 1e-12);
    // Scores from before the window would have moved it: the largest of them is gone.
    expect(c.factor('k')).toBeLessThan(Math.max(...ratios.slice(0, 50)));
  });
});

describe('conformalQuantile', () => {
  const bySort = (v: Uint16Array, n: number, target: number): number => v.slice(0, n).sort()[Math.max(Math.min(Math.ceil((n + 1) * target), n), 1) - 1]!;
  test('is the ceil((n+1) x target)-th smallest, as a sort of the window finds it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 400 }), fc.double({ min: 0.01, max: 0.999, noNaN: true }), fc.integer({ min: 0, max: 50 }), (xs, target, cut) => {
        const v = Uint16Array.from(xs);
        const n = Math.max(1, xs.length - cut);
        return conformalQuantile(v, n, target) === bySort(v, n, target);
      }),
      { numRuns: 500 },
    );
  });
  test('the calibrator default (0.98 over two weeks): the 6th largest of 336', () => {
    const v = Uint16Array.from({ length: 336 }, (_, i) => (i * 7919) % 336);
    expect(conformalQuantile(v, 336, 0.98)).toBe(330);
  });
});
