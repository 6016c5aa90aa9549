/** Scoring of the CNF fault evaluation: what counts as detected, as a false alarm, and the timings. */
import { score, scoreTable, type SliceRun } from '../../../../tools/eval/cnf-score.js';

const T = 1_000_000;
const run = (slice: string, o: Partial<SliceRun> = {}): SliceRun => ({ slice, alarms: [], ...o });

describe('CNF fault score', () => {
  const runs: SliceRun[] = [
    run('crash-0', { fault: 'crash loop after image change', onsetMs: T, alarms: [{ reason: 'CNFFailing', atMs: T + 500 }], repairedMs: T + 700, readyMs: T + 3000 }),
    run('crash-1', { fault: 'crash loop after image change', onsetMs: T, alarms: [{ reason: 'SiteUnhealthy', atMs: T + 900 }] }),
    run('pull-0', { fault: 'image pull failure after image change', onsetMs: T, alarms: [{ reason: 'CNFFailing', atMs: T + 1500 }], repairedMs: T + 1600 }),
    run('site-0', { fault: 'UPF pods unready on one site', onsetMs: T, alarms: [{ reason: 'SiteUnhealthy', atMs: T + 61_000 }], repairedMs: T + 61_000, readyMs: T + 64_000 }),
    run('clean-0', { alarms: [{ reason: 'CNFFailing', atMs: T + 10 }] }),
    run('clean-1'),
  ];
  const s = score(runs);
  const kind = (k: string) => s.kinds.find((x) => x.kind === k)!;

  it('a fault is detected by an alarm of its reason on its slice; other alarms are false', () => {
    // crash: 1 of 2 detected; CNFFailing alarms: crash-0, pull-0 right, clean-0 false.
    expect(kind('crash loop after image change')).toMatchObject({ injected: 2, detected: 1, falseAlarms: 1, recall: 0.5 });
    expect(kind('crash loop after image change').precision).toBeCloseTo(2 / 3);
    expect(kind('crash loop after image change').f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
    // SiteUnhealthy on crash-1 is false for the site kind.
    expect(kind('UPF pods unready on one site')).toMatchObject({ injected: 1, detected: 1, falseAlarms: 1, precision: 0.5, recall: 1 });
    expect(s).toMatchObject({ clean: 2, cleanAlarms: 1 });
  });

  it('delays and repairs are in seconds from onset', () => {
    expect(kind('crash loop after image change')).toMatchObject({ delays: [0.5], repairs: [0.7], recoveries: [3] });
    expect(kind('UPF pods unready on one site')).toMatchObject({ delays: [61], repairs: [61], recoveries: [64] });
    const table = scoreTable(s);
    expect(table).toContain('| crash loop after image change | CNFFailing | 2 | 1 | 0.500 | 0.667 | 0.571 | 0.5 / 0.5 | 0.7 / 0.7 | 3.0 / 3.0 |');
    expect(table).toContain('| image pull failure after image change | CNFFailing | 1 | 1 | 1.000 | 0.667 | 0.800 | 1.5 / 1.5 | 1.6 / 1.6 | - / - |');
    expect(table).toContain('Clean slices: 2, with 1 alarm.');
  });
});
