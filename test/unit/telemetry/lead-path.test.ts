/** The LeadTime path the telemetry loop keeps per slice from its forecasts (telemetry/lead-path.ts). */
import type { Forecast } from '../../../src/forecast/contract.js';
import { leadTimeLoad } from '../../../src/forecast/lead-time.js';
import { updateLeadPath } from '../../../src/telemetry/lead-path.js';
import { LoadHistory } from '../../../src/telemetry/load-history.js';
import type { ObservedSlice } from '../../../src/telemetry/slice-load.js';
import { StepClock } from '../../../src/telemetry/step-clock.js';

const clock = new StepClock({ stepSeconds: 60 });
const slice = (o: Partial<ObservedSlice> = {}): ObservedSlice => ({ key: 'ns/s', query: 'q', defaultQuery: true, snssai: '1-000001', plmnid: '00101', horizonSteps: 1, quantile: 'p90', leadTime: true, ...o });
const forecast = (p50: number[], p90: number[]): Forecast => ({ key: 'ns/s', source: 'onnx', model: 'm', stepSeconds: 3600, horizonSteps: p50.length, p50, p90, p99: p90 });

function setup() {
  const history = new LoadHistory(16);
  const l = history.ensure('ns/s');
  return { history, l };
}

describe('updateLeadPath', () => {
  test('a slice that does not provision at a lead time keeps nothing', () => {
    const { history, l } = setup();
    history.record(l, 10, 100);
    l.current = 100;
    updateLeadPath(history, clock, 60_000, l, slice({ leadTime: false }), 10, forecast([110, 120], [130, 140]));
    expect(l.leadPath).toBeUndefined();
    expect(l.leadNext).toBeUndefined();
  });

  test('before a forecast for this step exists, the path starts at the load now and runs through the next two steps', () => {
    const { history, l } = setup();
    history.record(l, 10, 100);
    l.current = 100;
    updateLeadPath(history, clock, 30_000, l, slice(), 10, forecast([110, 120], [130, 125]));
    expect(l.leadPath).toEqual({ hourStartMs: clock.wallOfStep(11), stepMs: 60_000, lagMs: 30_000, previous: 100, p50: [110, 120], upper: [130, 125] });
  });

  test('a step later the path runs through the last complete step, the forecast made for this step, and the new next step', () => {
    const { history, l } = setup();
    history.record(l, 10, 100);
    l.current = 100;
    updateLeadPath(history, clock, 60_000, l, slice(), 10, forecast([110, 120], [130, 140]));
    // Several cycles in step 11: the forecast made in step 10 for step 11 stays this step's.
    history.record(l, 11, 108);
    l.current = 108;
    updateLeadPath(history, clock, 60_000, l, slice(), 11, forecast([115, 118], [135, 150]));
    updateLeadPath(history, clock, 60_000, l, slice(), 11, forecast([116, 118], [136, 150]));
    expect(l.leadPath).toEqual({ hourStartMs: clock.wallOfStep(11), stepMs: 60_000, lagMs: 60_000, previous: 100, p50: [110, 116], upper: [130, 136] });
    // What it provisions for half a step in, 30 s ahead: the median from 110 (11.5) to 116 (12.5) adds 3; spread 20 x sqrt(0.5).
    const now = clock.wallOfStep(11) + 30_000;
    expect(leadTimeLoad(108, now, 30, l.leadPath!)).toBeCloseTo(108 + 3 + 20 * Math.sqrt(0.5), 6);
  });

  test('a quantile below the median (a faulty model output) is raised to it; non-finite forecasts leave no path', () => {
    const { history, l } = setup();
    history.record(l, 10, 100);
    l.current = 100;
    updateLeadPath(history, clock, 60_000, l, slice(), 10, forecast([110, 120], [90, 100]));
    expect(l.leadPath?.upper).toEqual([110, 120]);
    updateLeadPath(history, clock, 60_000, l, slice(), 10, forecast([NaN], [NaN]));
    expect(l.leadPath).toBeUndefined();
  });
});
