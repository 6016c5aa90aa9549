import { hourly, renderReport, summarize, type Tick } from '../../../../tools/demo/report.js';

// Two replayed hours, four ticks each; 10 sessions per replica.
const ticks: Tick[] = [
  { step: 10.0, load: 15, replicas: 2, forecast: 30 },
  { step: 10.25, load: 18, replicas: 2 },
  { step: 10.5, load: 19, replicas: 2, forecast: 35 },
  { step: 10.75, load: 20, replicas: 2 },
  { step: 11.0, load: 24, replicas: 2 }, // 20 < 24: violation in hour 11
  { step: 11.25, load: 28, replicas: 3 },
  { step: 11.5, load: 29, replicas: 3 },
  { step: 11.75, load: 30, replicas: 4 },
];

describe('demo report', () => {
  it('finds SLA-violating hours, replica-hours and the forecast made for each hour', () => {
    const rows = hourly(ticks, 10, 10, 12);
    expect(rows.map((r) => [r.hour, r.violated, r.peakLoad, r.minCapacity])).toEqual([
      [10, false, 20, 20],
      [11, true, 30, 20],
    ]);
    expect(rows[0]!.forecast).toBeUndefined(); // nothing was forecast during hour 9
    expect(rows[1]!.forecast).toBe(35); // the last forecast shown during hour 10
    const s = summarize(ticks, rows, 10);
    expect(s).toEqual({ hours: 2, violatingHours: 1, replicaHours: 5, overProvisioningPercent: expect.any(Number), underProvisionedTicksPercent: 12.5 });
    // over = (5+2+1+0 + 0+2+1+10) / (15+18+19+20+24+28+29+30)
    expect(s.overProvisioningPercent).toBeCloseTo(Math.round((21 / 183) * 1000) / 10, 5);
  });

  it('renders a table row per policy and one SVG per slice', () => {
    const { markdown, svgs } = renderReport(
      [{ name: 's1', serviceType: 'eMBB', perReplica: 10, squares: [1, 2], operator: { mode: 'predictive', ticks }, reactive: { ticks } }],
      { startedAt: 'now', replayedFrom: 'then', hours: 2, stepSeconds: 3, serverVersion: 'v1.34.4', attribution: 'ODbL', hourLabel: (h) => `h${h}` },
      10,
      12,
    );
    expect(markdown).toContain('| s1 | eMBB | operator (predictive) | 1 / 2 | 5 |');
    expect(markdown).toContain('| | | reactive | 1 / 2 | 5 |');
    expect(svgs.s1).toMatch(/^<svg[\s\S]*operator capacity[\s\S]*<\/svg>$/);
  });
});
