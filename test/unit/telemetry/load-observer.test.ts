/**
 * The telemetry loop against a scripted Prometheus on loopback: bad answers flag a slice and keep
 * its last good load (the controller then holds capacity), history and backfill, the batched
 * forecast, the calibration warm-up, and slices added or removed while a cycle runs.
 */
import { ConformalCalibrator } from '../../../src/forecast/calibration.js';
import type { Forecast, SeriesInput } from '../../../src/forecast/contract.js';
import { CALIBRATION_WARMUP_STEPS, DEFAULT_HISTORY_STEPS } from '../../../src/telemetry/load-history.js';
import { LoadObserver } from '../../../src/telemetry/load-observer.js';
import { PrometheusClient } from '../../../src/telemetry/prometheus-client.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { ScriptedPrometheus, vector } from '../../fixtures/telemetry/scripted-prometheus.js';

/** A forecast as the model gives it, one step ahead. */
const forecastOf = (key: string, p50: number, p90: number, p99: number): Forecast => ({ key, source: 'onnx', model: 'm', stepSeconds: 3600, horizonSteps: 1, p50: [p50], p90: [p90], p99: [p99] });

const prom = new ScriptedPrometheus();
beforeAll(() => prom.start());
afterAll(() => prom.close());

describe('LoadObserver on bad telemetry', () => {
  it('keeps the last good load and flags the slice when answers turn bad, and recovers', async () => {
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, log: silentLogger });
    observer.upsert({ key: 'ns/s', query: 'q', defaultQuery: true, snssai: '1-000001', plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    prom.reply = { status: 200, body: vector('42') };
    await observer.cycle();
    expect(observer.get('ns/s')).toMatchObject({ current: 42 });
    expect(observer.get('ns/s')!.telemetryError).toBeUndefined();

    for (const bad of [vector('NaN'), vector('-3'), vector('+Inf')]) {
      prom.reply = { status: 200, body: bad };
      await observer.cycle();
      expect(observer.get('ns/s')!.telemetryError).toMatch(/invalid value/);
      expect(observer.get('ns/s')!.current).toBe(42);
    }
    prom.reply = { status: 200, body: '<html>oops</html>' };
    await observer.cycle();
    // (backfill answered, the instant query did not)
    expect(observer.lastError).toMatch(/non-JSON body/);
    expect(observer.get('ns/s')).toMatchObject({ current: 42, telemetryError: expect.stringMatching(/non-JSON/) });

    prom.reply = { status: 200, body: vector('50') };
    await observer.cycle();
    expect(observer.lastError).toBeUndefined();
    expect(observer.get('ns/s')).toMatchObject({ current: 50, telemetryError: undefined });
  });
});

describe('LoadObserver history', () => {
  it('keeps the last historySteps steps, NaN for hours with no sample, shifting in place once full', async () => {
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, historySteps: 4, log: silentLogger });
    observer.upsert({ key: 'ns/s', query: 'q', defaultQuery: true, snssai: '1-000001', plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    const hour = async (h: number) => {
      prom.reply = { status: 200, body: vector(String(10 + h)) };
      await observer.cycle(h * 3_600_000 + 1_800_000);
      return [...observer.historyOf('ns/s')];
    };
    expect(await hour(0)).toEqual([10]);
    for (let h = 1; h <= 4; h++) await hour(h);
    expect(await hour(5)).toEqual([12, 13, 14, 15]);
    // Hours 6 and 7 missing (the backfill's range query has nothing either).
    expect(await hour(8)).toEqual([15, NaN, NaN, 18]);
    expect(await hour(9)).toEqual([NaN, NaN, 18, 19]);
    // Past the whole window: only the new value.
    expect(await hour(20)).toEqual([30]);
    for (let h = 21; h <= 26; h++) expect((await hour(h)).length).toBe(Math.min(4, h - 19));
    expect([...observer.historyOf('ns/s')]).toEqual([33, 34, 35, 36]);
  });
});

describe('LoadObserver backfill', () => {
  afterEach(() => {
    prom.rangeAnswer = undefined;
    prom.rangeQueries.length = 0;
  });

  it('fills the history (the model window and the warm-up steps) for every slice in range queries of bounded size, oldest first', async () => {
    // Prometheus's matrix for the batched query: one series per slice, a point per hour, value = the hour.
    prom.rangeAnswer = (q) => {
      const points: [number, string][] = [];
      for (let t = Number(q.get('start')); t <= Number(q.get('end')); t += 3600) points.push([t, String(t / 3600)]);
      const result = ['1-000001', '1-000002'].map((snssai) => ({ metric: { snssai, plmnid: '00101' }, values: points }));
      return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
    };
    // At most 48 points per answer: 24 steps of the 2 slices.
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, backfillMaxPoints: 48, log: silentLogger });
    for (const n of [1, 2]) observer.upsert({ key: `ns/s${n}`, query: 'q', defaultQuery: true, snssai: `1-00000${n}`, plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    const result = ['1-000001', '1-000002'].map((snssai) => ({ metric: { snssai, plmnid: '00101' }, value: [1700000000, '7'] }));
    prom.reply = { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }) };
    const hour = 500_000;
    prom.rangeQueries.length = 0;
    await observer.cycle(hour * 3_600_000 + 1_800_000);
    // 216 steps before this one: 9 queries of 24 steps, in order, without overlap.
    const spans = prom.rangeQueries.map((q): [number, number] => [Number(q.get('start')) / 3600, Number(q.get('end')) / 3600]);
    expect(DEFAULT_HISTORY_STEPS).toBe(216);
    expect(spans.length).toBe(9);
    expect(spans[0]![0]).toBe(hour - 216);
    expect(spans.at(-1)![1]).toBe(hour - 1);
    for (let i = 0; i < spans.length; i++) {
      expect(spans[i]![1] - spans[i]![0] + 1).toBe(24);
      if (i) expect(spans[i]![0]).toBe(spans[i - 1]![1] + 1);
    }
    // The history: the backfilled hours, then this hour's instant value, and nothing else.
    const expected = [...Array.from({ length: 215 }, (_, i) => hour - 215 + i), 7];
    for (const n of [1, 2]) expect([...observer.historyOf(`ns/s${n}`)]).toEqual(expected);

    // With the default bound (60,000 points), 2 slices get theirs in one query.
    const roomy = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, log: silentLogger });
    for (const n of [1, 2]) roomy.upsert({ key: `ns/s${n}`, query: 'q', defaultQuery: true, snssai: `1-00000${n}`, plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    prom.rangeQueries.length = 0;
    await roomy.cycle(hour * 3_600_000 + 1_800_000);
    expect(prom.rangeQueries.map((q) => [Number(q.get('start')) / 3600, Number(q.get('end')) / 3600])).toEqual([[hour - 216, hour - 1]]);
    for (const n of [1, 2]) expect([...roomy.historyOf(`ns/s${n}`)]).toEqual(expected);
  });
});

describe('LoadObserver forecast', () => {
  it('a slice removed while the batched forecast runs is skipped, and the others get theirs', async () => {
    const result = ['1-000001', '1-000002'].map((snssai) => ({ metric: { snssai, plmnid: '00101' }, value: [1700000000, '7'] }));
    prom.reply = { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }) };
    let seen: number[][] = [];
    const forecaster = {
      async forecast(inputs: readonly SeriesInput[]): Promise<Forecast[]> {
        seen = inputs.map((i) => [...i.history]);
        // The deletion's reconcile runs while the model does.
        observer.remove('ns/s1');
        await new Promise((r) => setTimeout(r, 10));
        return inputs.map((i) => forecastOf(i.key, i.history.at(-1)!, 8, 9));
      },
    };
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), forecaster, stepSeconds: 3600, log: silentLogger });
    for (const n of [1, 2]) observer.upsert({ key: `ns/s${n}`, query: 'q', defaultQuery: true, snssai: `1-00000${n}`, plmnid: '00101', horizonSteps: 1, quantile: 'p90' });
    await expect(observer.cycle(10 * 3_600_000 + 1_800_000)).resolves.toEqual(['ns/s2']);
    expect(seen).toEqual([[7], [7]]);
    expect(observer.get('ns/s1')).toBeUndefined();
    expect(observer.get('ns/s2')?.forecast).toEqual({ source: 'onnx', model: 'm', p50: 7, p90: 8, p99: 9 });
    expect(observer.get('ns/s2')?.forecastPeak).toBe(8);
  });
});

describe('LoadObserver calibration warm-up', () => {
  const hour = 500_000;
  // Range queries: `steps` hourly points before `hour` whose value is 100 + (hour % 24), a daily shape.
  const history = (steps: number) => (q: URLSearchParams) => {
    const points: [number, string][] = [];
    for (let t = Math.max(Number(q.get('start')), (hour - steps) * 3600); t <= Number(q.get('end')); t += 3600) points.push([t, String(100 + ((t / 3600) % 24))]);
    return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { snssai: '1-000001', plmnid: '00101' }, values: points }] } });
  };
  // A forecaster whose p99 for the next step is 1.25 x the window's last value, and which keeps what it was asked.
  const asked: { length: number; last: number; endHour: number }[][] = [];
  const forecaster = {
    historyLength: 168,
    async forecast(inputs: readonly SeriesInput[]): Promise<Forecast[]> {
      asked.push(inputs.map((i) => ({ length: i.history.length, last: i.history.at(-1)!, endHour: i.endTime.getTime() / 3_600_000 })));
      return inputs.map((i) => forecastOf(i.key, i.history.at(-1)!, i.history.at(-1)!, 1.25 * i.history.at(-1)!));
    },
  };
  const observe = (steps: number, calibrator: ConformalCalibrator) => {
    prom.rangeAnswer = history(steps);
    prom.reply = { status: 200, body: vector('100') };
    asked.length = 0;
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), forecaster, calibrator, stepSeconds: 3600, log: silentLogger });
    observer.upsert({ key: 'ns/s', query: 'q', defaultQuery: true, snssai: '1-000001', plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    return observer;
  };
  afterAll(() => (prom.rangeAnswer = undefined));

  it('scores the last 48 backfilled steps, oldest first, and the first cycle scales calibrated', async () => {
    const calibrator = new ConformalCalibrator();
    const observer = observe(216, calibrator);
    await observer.cycle(hour * 3_600_000 + 1_800_000);
    // 48 hindcasts, then the cycle's own forecast.
    expect(asked.length).toBe(CALIBRATION_WARMUP_STEPS + 1);
    const hindcasts = asked.slice(0, -1).map((a) => a[0]!);
    // Each from the model's 168 steps before its target; the window ends the step before it.
    expect(hindcasts.every((h) => h.length === 168)).toBe(true);
    expect(hindcasts.map((h) => h.endHour)).toEqual(Array.from({ length: 48 }, (_, i) => hour - 49 + i));
    expect(hindcasts.map((h) => h.last)).toEqual(hindcasts.map((h) => 100 + (h.endHour % 24)));
    expect(calibrator.samples('ns/s')).toBe(48);
    // Actual / (1.25 x the step before): the worst is the daily shape's climb, at most 1.01 / 1.25.
    const load = observer.get('ns/s')!;
    expect(load.calibration).toBeGreaterThan(0.75);
    expect(load.calibration).toBeLessThan(0.82);
    expect(load.calibration).toBe(calibrator.factor('ns/s'));
    // Online coverage: nothing was provisioned with these scores yet.
    expect(load.coverage).toBeUndefined();

    // The next cycle in the same step: nothing missing, no warm-up again.
    asked.length = 0;
    await observer.cycle(hour * 3_600_000 + 1_900_000);
    expect(asked.length).toBe(1);
    expect(calibrator.samples('ns/s')).toBe(48);
  });

  it('forecasts the warm-up 1,024 slices at a time, the steps of each oldest first', async () => {
    const n = 1030;
    const sd = (i: number) => `1-${i.toString(16).padStart(6, '0')}`;
    prom.rangeAnswer = (q) => {
      const points: [number, string][] = [];
      for (let t = Number(q.get('start')); t <= Number(q.get('end')); t += 3600) points.push([t, String(100 + ((t / 3600) % 24))]);
      return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: Array.from({ length: n }, (_, i) => ({ metric: { snssai: sd(i), plmnid: '00101' }, values: points })) } });
    };
    prom.reply = { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: Array.from({ length: n }, (_, i) => ({ metric: { snssai: sd(i), plmnid: '00101' }, value: [1700000000, '100'] })) } }) };
    asked.length = 0;
    const calibrator = new ConformalCalibrator();
    // 1,030 series of 50 points in one answer: on a loaded 2-core machine it takes longer to build
    // and read than the client's default 5 s timeout, and a timed-out cycle forecasts nothing.
    const slowOk = new PrometheusClient({ url: prom.url, retries: 0, timeoutMs: 60_000 });
    const observer = new LoadObserver({ prometheus: slowOk, forecaster, calibrator, stepSeconds: 3600, log: silentLogger });
    for (let i = 0; i < n; i++) observer.upsert({ key: `ns/s${i}`, query: 'q', defaultQuery: true, snssai: sd(i), plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    await observer.cycle(hour * 3_600_000 + 1_800_000);
    // 48 forecasts of the first 1,024 slices, 48 of the other 6, then the cycle's own of all.
    expect(asked.map((a) => a.length)).toEqual([...Array(48).fill(1024), ...Array(48).fill(6), n]);
    expect(asked[0]![0]!.endHour).toBe(hour - 49);
    expect(asked[47]![0]!.endHour).toBe(hour - 2);
    for (const i of [0, 1023, 1024, n - 1]) expect(calibrator.samples(`ns/s${i}`)).toBe(48);
  });

  it('with less history than the model window plus 48, warms up from what there is; with none past the window, not at all', async () => {
    const some = new ConformalCalibrator();
    await observe(178, some).cycle(hour * 3_600_000 + 1_800_000);
    expect(some.samples('ns/s')).toBe(10);
    expect(some.factor('ns/s')).toBe(1); // fewer than the calibrator's 24: the raw quantile still
    const none = new ConformalCalibrator();
    await observe(168, none).cycle(hour * 3_600_000 + 1_800_000);
    expect(none.samples('ns/s')).toBe(0);
    expect(asked.length).toBe(1);
  });

  it('a slice the calibrator already knows is not warmed up again (an outage refill)', async () => {
    const calibrator = new ConformalCalibrator();
    calibrator.observe('ns/s', 100, 90);
    await observe(216, calibrator).cycle(hour * 3_600_000 + 1_800_000);
    expect(asked.length).toBe(1);
    expect(calibrator.samples('ns/s')).toBe(1);
  });

  it('a forecaster that fails during the warm-up leaves the cycle and its forecast intact', async () => {
    const calibrator = new ConformalCalibrator();
    const observer = observe(216, calibrator);
    let calls = 0;
    const real = forecaster.forecast.bind(forecaster);
    forecaster.forecast = async (inputs) => (++calls === 1 ? Promise.reject(new Error('model crashed')) : real(inputs));
    try {
      await expect(observer.cycle(hour * 3_600_000 + 1_800_000)).resolves.toEqual(['ns/s']);
    } finally {
      forecaster.forecast = real;
    }
    expect(calibrator.samples('ns/s')).toBe(0);
    expect(observer.get('ns/s')?.forecast?.p99).toBe(125);
    expect(observer.get('ns/s')?.telemetryError).toBeUndefined();
  });
});

describe('LoadObserver slices added during a cycle', () => {
  afterAll(() => (prom.rangeAnswer = undefined));

  it('a slice added while the cycle waits for its backfill gets its history in the next cycle, not one value', async () => {
    const hour = 500_000;
    const slice = (n: number) => ({ key: `ns/s${n}`, query: 'q', defaultQuery: true, snssai: `1-00000${n}`, plmnid: '00101', horizonSteps: 1, quantile: 'p99' as const });
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, log: silentLogger });
    // The second slice's reconcile runs while the first slice's backfill is being answered.
    prom.rangeAnswer = (q) => {
      observer.upsert(slice(2));
      const points: [number, string][] = [];
      for (let t = Number(q.get('start')); t <= Number(q.get('end')); t += 3600) points.push([t, String(t / 3600)]);
      const result = ['1-000001', '1-000002'].map((snssai) => ({ metric: { snssai, plmnid: '00101' }, values: points }));
      return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
    };
    const result = ['1-000001', '1-000002'].map((snssai) => ({ metric: { snssai, plmnid: '00101' }, value: [1700000000, '7'] }));
    prom.reply = { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }) };
    observer.upsert(slice(1));
    await expect(observer.cycle(hour * 3_600_000 + 1_800_000)).resolves.toEqual(['ns/s1']);
    expect(observer.historyOf('ns/s1').length).toBe(DEFAULT_HISTORY_STEPS);
    // Not in this cycle: no value without its history, and no 'no sample' error either.
    expect(observer.get('ns/s2')).toBeUndefined();
    await observer.cycle(hour * 3_600_000 + 1_900_000);
    expect(observer.historyOf('ns/s2').length).toBe(DEFAULT_HISTORY_STEPS);
    expect(observer.historyOf('ns/s2').at(0)).toBe(hour - DEFAULT_HISTORY_STEPS + 1);
    expect(observer.get('ns/s2')?.current).toBe(7);
  });

  it('a slice removed while the cycle waits for its backfill leaves no state behind', async () => {
    const hour = 500_000;
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, log: silentLogger });
    prom.rangeAnswer = (q) => {
      observer.remove('ns/s1');
      const values: [number, string][] = [[Number(q.get('start')), '5']];
      return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { snssai: '1-000001', plmnid: '00101' }, values }] } });
    };
    prom.reply = { status: 200, body: vector('7') };
    observer.upsert({ key: 'ns/s1', query: 'q', defaultQuery: true, snssai: '1-000001', plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    await expect(observer.cycle(hour * 3_600_000 + 1_800_000)).resolves.toEqual([]);
    expect(observer.get('ns/s1')).toBeUndefined();
    expect(observer.historyOf('ns/s1').length).toBe(0);
  });
});

describe('LoadObserver: one slice query is one fault domain', () => {
  const bad = 'sum(rate(fivegs_x{snssai="1-000009"}[5m]';
  const failing = 'sum(broken_metric)';
  const custom = (key: string, query: string) => ({ key, query, defaultQuery: false, snssai: '1-000009', plmnid: '00101', horizonSteps: 1, quantile: 'p90' as const });
  const batched = { key: 'ns/good', query: 'q', defaultQuery: true, snssai: '1-000001', plmnid: '00101', horizonSteps: 1, quantile: 'p90' as const };
  afterEach(() => {
    prom.answer = undefined;
    prom.unparsable.clear();
  });

  it('a query that does not parse flags its slice alone, is checked once and not run', async () => {
    prom.unparsable.add(bad);
    prom.reply = { status: 200, body: vector('42') };
    prom.parsed.length = 0;
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, log: silentLogger });
    observer.upsert(batched);
    observer.upsert(custom('ns/bad', bad));
    await observer.cycle(10 * 3_600_000);
    await observer.cycle(10 * 3_600_000 + 60_000);
    expect(observer.get('ns/good')).toMatchObject({ current: 42, telemetryError: undefined });
    expect(observer.get('ns/bad')).toMatchObject({ telemetryReason: 'TelemetryQueryInvalid', telemetryError: expect.stringContaining('spec.telemetry.loadQuery is not valid PromQL') });
    expect(observer.get('ns/bad')?.telemetryError).toContain(bad);
    expect(observer.lastError).toBeUndefined();
    expect(prom.parsed).toEqual([bad]);
    expect(prom.rangeQueries.some((q) => q.get('query') === bad)).toBe(false);
  });

  it('a query that fails at Prometheus flags its slice alone; the batched slices keep their load', async () => {
    prom.answer = (q) => (q.get('query') === failing ? { status: 422, body: JSON.stringify({ status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' }) } : undefined);
    prom.reply = { status: 200, body: vector('42') };
    const logged: Record<string, unknown>[] = [];
    const log = { ...silentLogger, warn: (_m: string, f?: Record<string, unknown>) => void logged.push(f ?? {}) };
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), stepSeconds: 3600, log });
    observer.upsert(batched);
    observer.upsert(custom('ns/failing', failing));
    await observer.cycle(10 * 3_600_000);
    await observer.cycle(10 * 3_600_000 + 60_000);
    expect(observer.get('ns/good')).toMatchObject({ current: 42, telemetryError: undefined });
    expect(observer.get('ns/failing')).toMatchObject({ telemetryReason: 'TelemetryQueryFailed', telemetryError: expect.stringMatching(/many-to-many.*\(query: sum\(broken_metric\)\)/) });
    // Logged once, naming the slice, not every cycle.
    expect(logged).toEqual([expect.objectContaining({ slice: 'ns/failing', reason: 'TelemetryQueryFailed' })]);
  });

  it('Prometheus down is an outage of every slice, not a fault of the first slice asked', async () => {
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: 'http://127.0.0.1:9', retries: 0, timeoutMs: 500 }), stepSeconds: 3600, log: silentLogger });
    observer.upsert(custom('ns/a', 'sum(a)'));
    observer.upsert(custom('ns/b', 'sum(b)'));
    await observer.cycle(10 * 3_600_000);
    expect(observer.lastError).toMatch(/unreachable/);
    expect(observer.get('ns/a')).toMatchObject({ telemetryReason: 'TelemetryUnavailable' });
    expect(observer.get('ns/b')).toMatchObject({ telemetryReason: 'TelemetryUnavailable' });
  });
});

describe('LoadObserver load anomalies', () => {
  it("judges each cycle against the band forecast for its step; a young outage enters history as p50 and is no calibration score", async () => {
    // The model always forecasts p50 100, p99 130 for the next hour.
    const forecaster = { forecast: async (inputs: readonly SeriesInput[]) => inputs.map((i) => forecastOf(i.key, 100, 120, 130)) };
    const calibrator = new ConformalCalibrator({ target: 0.98 });
    const observer = new LoadObserver({ prometheus: new PrometheusClient({ url: prom.url, retries: 0 }), forecaster, calibrator, calibrationWarmupSteps: 0, stepSeconds: 3600, log: silentLogger });
    observer.upsert({ key: 'ns/s', query: 'q', defaultQuery: true, snssai: '1-000001', plmnid: '00101', horizonSteps: 1, quantile: 'p99' });
    const at = async (hour: number, minute: number, load: number) => {
      prom.reply = { status: 200, body: vector(String(load)) };
      await observer.cycle(hour * 3_600_000 + minute * 60_000);
      return observer.get('ns/s')!;
    };
    // Hour 10: no band yet for this step (the first forecast is for hour 11): nothing judged.
    expect((await at(10, 0, 0)).anomaly).toBeUndefined();
    expect((await at(10, 1, 0)).anomaly).toBeUndefined();
    expect((await at(11, 0, 100)).anomaly).toBeUndefined();
    const scored = calibrator.samples('ns/s');
    // Two cycles near zero against p50 100: an outage, from the first of them.
    await at(11, 1, 0);
    const l = await at(11, 2, 0);
    expect(l.anomaly).toMatchObject({ kind: 'Outage', sinceMs: 11 * 3_600_000 + 60_000 });
    // The hour's value in history is the forecast's p50, not the outage's zero.
    expect([...observer.historyOf('ns/s')].at(-1)).toBe(100);
    // Hour 12's score against the outage is skipped while the outage lasts.
    await at(12, 0, 0);
    expect(calibrator.samples('ns/s')).toBe(scored);
    // Back to normal: three calm cycles clear it, and the load goes into history again.
    for (const m of [1, 2]) expect((await at(12, m, 101)).anomaly?.kind).toBe('Outage');
    expect((await at(12, 3, 101)).anomaly).toBeUndefined();
    expect([...observer.historyOf('ns/s')].at(-1)).toBe(101);
  });
});
