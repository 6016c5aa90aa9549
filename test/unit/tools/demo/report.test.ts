import { hourly, renderReport, summarize, type PolicyRun, type Tick } from '../../../../tools/demo/report.js';
import type { FrontierPoint } from '../../../../src/twin/whatif.js';

// Two replayed hours, four ticks each; 10 sessions per replica. Capacity is what is Ready.
const ticks: Tick[] = [
  { step: 10.0, load: 15, replicas: 2, ready: 2, forecast: 30 },
  { step: 10.25, load: 18, replicas: 2, ready: 2 },
  { step: 10.5, load: 19, replicas: 3, ready: 2, forecast: 35 },
  { step: 10.75, load: 20, replicas: 3, ready: 3 },
  { step: 11.0, load: 24, replicas: 3, ready: 2 }, // 20 Ready < 24: a violation, though 3 are asked for
  { step: 11.25, load: 28, replicas: 3, ready: 3 },
  { step: 11.5, load: 29, replicas: 3, ready: 3 },
  { step: 11.75, load: 30, replicas: 4, ready: 3 },
];

const point = (policy: 'operator' | 'hpa', label: string, replicaHours: number, violatingIntervals: number): FrontierPoint => ({ policy, label, replicaHours, violatingIntervals, intervals: 8, violatingPercent: (100 * violatingIntervals) / 8 });

describe('demo report', () => {
  it('reads hours from Ready capacity and the forecast made for each hour', () => {
    const rows = hourly(ticks, 10, 10, 12);
    expect(rows.map((r) => [r.hour, r.peakLoad, r.minCapacity, r.meanReplicas])).toEqual([
      [10, 20, 20, 2.5],
      [11, 30, 20, 3.25],
    ]);
    expect(rows[0]!.forecast).toBeUndefined(); // nothing was forecast during hour 9
    expect(rows[1]!.forecast).toBe(35); // the last forecast shown during hour 10
  });

  it('counts SLA intervals with Ready capacity below the load, and pays for replicas asked for', () => {
    // Quarter-hour intervals: one tick each; only 11:00-11:15 is under capacity.
    const s = summarize(ticks, 10, 10, 12, 4);
    expect(s).toEqual({ intervals: 8, violatingIntervals: 1, replicaHours: 5.8, overProvisioningPercent: expect.any(Number), underProvisionedTicksPercent: 12.5 });
    // over = (5+2+1+10 + 0+2+1+0) / (15+18+19+20+24+28+29+30)
    expect(s.overProvisioningPercent).toBeCloseTo(Math.round((21 / 183) * 1000) / 10, 5);
    // Hourly intervals: hour 11 is the one.
    expect(summarize(ticks, 10, 10, 12, 1)).toMatchObject({ intervals: 2, violatingIntervals: 1 });
    // Ticks outside the window are left out.
    expect(summarize(ticks, 10, 11, 12, 4)).toMatchObject({ intervals: 4, violatingIntervals: 1, replicaHours: 3.3 });
  });

  it('renders a row per policy with the tuned setting and the twin, a plot and a frontier per slice', () => {
    const run = (label: string, policy: 'operator' | 'hpa'): PolicyRun => ({ label, ticks, tuned: { point: point(policy, label, 40, 0), meets: policy === 'operator' }, predicted: point(policy, label, 6, 1) });
    const { markdown, svgs } = renderReport(
      [{ name: 's1', serviceType: 'eMBB', perReplica: 10, squares: [1, 2], operator: run('lead time, p90 +5 %', 'operator'), hpa: run('target 80 %', 'hpa'), frontier: [point('operator', 'lead time, p90 +5 %', 6, 1), point('hpa', 'target 80 %', 6, 1)] }],
      { startedAt: 'now', replayedFrom: 'then', hours: 2, stepSeconds: 30, serverVersion: 'v1.34.4', attribution: 'ODbL', hourLabel: (h) => `h${h}`, startup: { delaySeconds: 2, jitterSeconds: 1 }, periodSeconds: 1, tuningFrom: '2013-11-26', slaPercent: 1, intervalMinutes: 15 },
      10,
      12,
    );
    expect(markdown).toContain('| s1 | eMBB | operator | lead time, p90 +5 % | 1 / 8 | 5.8 | 11.5 % | 12.5 % | 1 / 8, 6.0 rh | 0 / 8, 40.0 rh |');
    expect(markdown).toContain('| | | KEDA/HPA | target 80 % | 1 / 8 | 5.8 | 11.5 % | 12.5 % | 1 / 8, 6.0 rh | 0 / 8, 40.0 rh (no setting met the SLA: fewest violations) |');
    // 2-3 s of start-up at 30 s per hour: 4 to 6 minutes of replayed time.
    expect(markdown).toContain('Ready 2-3 s after it is created (kwok Stages): 4 min to 6 min of replayed time');
    expect(svgs.s1).toMatch(/^<svg[\s\S]*operator Ready capacity[\s\S]*<\/svg>$/);
    expect(svgs['s1-frontier']).toMatch(/^<svg[\s\S]*this run: KEDA\/HPA[\s\S]*<\/svg>$/);
    expect(markdown).toContain('![s1 frontier](s1-frontier.svg)');
  });
});
