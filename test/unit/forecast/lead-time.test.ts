import { leadTimeLoad, type HourPath } from '../../../src/forecast/lead-time.js';

const H = 3_600_000;
const path = (o: Partial<HourPath> = {}): HourPath => ({ hourStartMs: 10 * H, previous: 100, p50: [100, 200, 200], upper: [100, 200, 200], ...o });

describe('leadTimeLoad', () => {
  test('a flat forecast with no spread provisions for the load now', () => {
    expect(leadTimeLoad(120, 10 * H, 120, path({ p50: [100, 100], upper: [100, 100] }))).toBe(120);
  });
  test('a rising median adds its change over the lead to the load now', () => {
    // Median from 100 at 10:30 to 200 at 11:30: 100 per hour; 10:30 + 6 min adds 10.
    expect(leadTimeLoad(130, 10.5 * H, 360, path())).toBeCloseTo(140, 6);
  });
  test('between the last hour and step 0 the path starts at the observed mean', () => {
    // previous 50 at 09:30, p50[0] 150 at 10:30: at 10:00 rising 100 per hour.
    expect(leadTimeLoad(100, 10 * H, 1800, path({ previous: 50, p50: [150, 150], upper: [150, 150] }))).toBeCloseTo(150, 6);
  });
  test('a falling median never provisions below the load now', () => {
    expect(leadTimeLoad(200, 10.5 * H, 1800, path({ p50: [200, 100], upper: [200, 100] }))).toBe(200);
  });
  test('the spread is scaled by the square root of the lead in hours', () => {
    const p = path({ p50: [100, 100], upper: [140, 140] });
    expect(leadTimeLoad(100, 10 * H, 900, p)).toBeCloseTo(100 + 40 * 0.5, 6);
    expect(leadTimeLoad(100, 10 * H, 3600, p)).toBeCloseTo(140, 6);
  });
  test('bad inputs fall back to the load now', () => {
    expect(leadTimeLoad(100, 10 * H, -5, path())).toBe(100);
    expect(leadTimeLoad(100, 10 * H, 60, path({ p50: [NaN, NaN], upper: [NaN, NaN] }))).toBe(100);
    expect(leadTimeLoad(100, 10 * H, 60, path({ p50: [], upper: [] }))).toBe(100);
  });
});

describe('leadTimeLoad: step length', () => {
  test('an accelerated replay measures the lead in its own steps', () => {
    // Steps of 60 s: a lead of 30 s is half a step, as 1800 s is of an hour.
    const hour = leadTimeLoad(100, 10 * H, 1800, path({ previous: 50, p50: [150, 150], upper: [150, 150] }));
    const fast = leadTimeLoad(100, 600_000, 30, path({ hourStartMs: 600_000, stepMs: 60_000, previous: 50, p50: [150, 150], upper: [150, 150] }));
    expect(fast).toBeCloseTo(hour, 6);
  });
});
