import { attributionOf, INPUT_GROUPS, occludedRows } from '../../../src/forecast/attribution.js';

describe('occlusion attribution', () => {
  const L = 168;
  const history = Float32Array.from({ length: L }, (_, i) => 2 + i / L);
  const calendar = Float32Array.from([0.5, -0.5, 0.25, 0.75]);

  it('row 0 is the input; each other row neutralises exactly its group', () => {
    const r = occludedRows(history, calendar, L);
    expect(r.n).toBe(1 + INPUT_GROUPS.length);
    expect(Array.from(r.history.subarray(0, L))).toEqual(Array.from(history));
    INPUT_GROUPS.forEach((g, i) => {
      const row = Array.from(r.history.subarray((i + 1) * L, (i + 2) * L));
      const changed = row.flatMap((v, j) => (v !== history[j] ? [L - j] : []));
      expect(changed.sort((a, b) => a - b)).toEqual([...(g.hoursBack ?? [])].sort((a, b) => a - b));
      const cal = Array.from(r.calendar.subarray((i + 1) * 4, (i + 2) * 4));
      expect(cal).toEqual(g.calendar ? [0, 0, 0, 0] : Array.from(calendar));
    });
  });

  it('ranks the groups by the size of their effect, in percent of the forecast, top three', () => {
    // stride 3 (one step, three quantiles); q = 2 (p99): full 100, then each occluded row.
    const out = [0, 0, 100, 0, 0, 60, 0, 0, 105, 0, 0, 90, 0, 0, 100];
    expect(attributionOf(out, 3, 2)).toEqual([
      { factor: 'same hour yesterday', percent: 40 },
      { factor: 'last 3 h trend', percent: 10 },
      { factor: 'same hour last week', percent: -5 },
    ]);
    expect(attributionOf([0, 0, 0, 0, 0, 1], 3, 2)).toEqual([]);
  });
});
