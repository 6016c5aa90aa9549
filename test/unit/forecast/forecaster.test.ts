/** @jest-environment ./test/support/ort-environment.cjs */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calendarFeatures } from '../../../src/forecast/calendar.js';
import { loadModelCard } from '../../../src/forecast/card.js';
import { bandWidening, defaultCardPath, defaultModelPath, Forecaster } from '../../../src/forecast/forecaster.js';
import type { SeriesInput } from '../../../src/forecast/contract.js';
import { allocateFloat32, ModelContractError, OnnxForecastModel } from '../../../src/forecast/model.js';

const fixtures = path.resolve('test/fixtures/models');
const tmp = mkdtempSync(path.join(tmpdir(), 'forecast-test-'));
const END = new Date('2024-03-04T10:00:00Z'); // a Monday

function daily(n: number, level = 50, phase = 0): number[] {
  return Array.from({ length: n }, (_, t) => level * (1 + 0.5 * Math.sin((2 * Math.PI * (t + phase)) / 24)));
}

const forecasters: Forecaster[] = [];
async function make(opts: Parameters<typeof Forecaster.create>[0]): Promise<Forecaster> {
  const f = await Forecaster.create(opts);
  forecasters.push(f);
  return f;
}
afterAll(async () => {
  for (const f of forecasters) await f.close();
});

describe('model contract', () => {
  test.each([
    ['wrong-name', /no input 'history'/],
    ['wrong-history-shape', /'history' has shape \[N,24\], expected \[N,168\]/],
    ['fixed-batch', /fixed batch dimension/],
    ['wrong-output-shape', /'quantiles' has shape \[N,6,2\], expected \[N,6,3\]/],
  ])('rejects %s with ModelContractError', async (name, message) => {
    const card = await loadModelCard(defaultCardPath());
    const p = OnnxForecastModel.load(path.join(fixtures, `${name}.onnx`), card);
    await expect(p).rejects.toBeInstanceOf(ModelContractError);
    await expect(OnnxForecastModel.load(path.join(fixtures, `${name}.onnx`), card)).rejects.toThrow(message);
  });

  test('the committed model satisfies its card', async () => {
    const card = await loadModelCard(defaultCardPath());
    const m = await OnnxForecastModel.load(defaultModelPath(), card);
    expect(m.historyLength).toBe(168);
    expect(m.horizonSteps).toBe(6);
    await m.release();
    // The card describes this file, and the file stays small enough to ship in the image.
    const size = statSync(defaultModelPath()).size;
    expect(card.sizeBytes).toBe(size);
    expect(size).toBeLessThan(5 * 1024 * 1024);
  });

  test('a batch larger than maxBatchRows is run in chunks with the same result as one run', async () => {
    const card = await loadModelCard(defaultCardPath());
    const whole = await OnnxForecastModel.load(defaultModelPath(), card);
    const chunked = await OnnxForecastModel.load(defaultModelPath(), card, { maxBatchRows: 7 });
    const n = 23; // three full chunks of 7 and one of 2
    const history = allocateFloat32(n * whole.historyLength).map((_, i) => 0.5 + 0.4 * Math.sin(i / 5 + (i % 13)));
    const calendar = allocateFloat32(n * 4).map((_, i) => (i % 4) / 4);
    const a = (await whole.run(history, calendar, n)).quantiles;
    const b = (await chunked.run(history, calendar, n)).quantiles;
    // The matrix kernels block rows differently by batch size, so the last bit may differ.
    const maxDiff = (x: Float32Array, y: Float32Array) => Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
    expect(b).toHaveLength(n * 6 * 3);
    expect(maxDiff(b, a)).toBeLessThan(1e-5);
    // Rows are independent: the last chunk's rows match their own single-row run.
    const last = (await whole.run(history.subarray(22 * 168), calendar.subarray(22 * 4), 1)).quantiles;
    expect(maxDiff(b.subarray(22 * 18), last)).toBeLessThan(1e-5);
    // A chunk boundary that put rows in the wrong place would differ by far more.
    expect(maxDiff(b.subarray(0, 18), last)).toBeGreaterThan(1e-3);
    await expect(OnnxForecastModel.load(defaultModelPath(), card, { maxBatchRows: 0 })).rejects.toThrow(/maxBatchRows must be a positive integer/);
    await whole.release();
    await chunked.release();
  });

  test('the committed model is monotone in its own outputs, and an extreme row changes no other row', async () => {
    const card = await loadModelCard(defaultCardPath());
    const m = await OnnxForecastModel.load(defaultModelPath(), card);
    const L = m.historyLength;
    // Rows: ordinary daily shapes, all zeros, a spike 1,000x the window's level in the last
    // hour, a window far below its scale (what a level drop looks like after scaling).
    const shapes = [
      (j: number) => 1 + 0.5 * Math.sin((2 * Math.PI * j) / 24),
      () => 0,
      (j: number) => (j === L - 1 ? 1000 : 0.01),
      (j: number) => (j < L - 24 ? 1.2 : 0.001),
      (j: number) => 1 + 0.5 * Math.cos((2 * Math.PI * j) / 24),
    ];
    const n = shapes.length;
    const history = allocateFloat32(n * L).map((_, i) => shapes[Math.floor(i / L)]!(i % L));
    const calendar = allocateFloat32(n * 4).map((_, i) => [0.5, -0.87, 0.78, 0.62][i % 4]!);
    const { quantiles } = await m.run(history, calendar, n);
    for (let i = 0; i < quantiles.length; i += 3) {
      expect(Number.isFinite(quantiles[i]!) && Number.isFinite(quantiles[i + 1]!) && Number.isFinite(quantiles[i + 2]!)).toBe(true);
      expect(quantiles[i + 1]!).toBeGreaterThanOrEqual(quantiles[i]!);
      expect(quantiles[i + 2]!).toBeGreaterThanOrEqual(quantiles[i + 1]!);
    }
    // The ordinary rows forecast the same alone as beside the extreme ones.
    for (const r of [0, 4]) {
      const alone = (await m.run(history.subarray(r * L, (r + 1) * L), calendar.subarray(r * 4, (r + 1) * 4), 1)).quantiles;
      const beside = quantiles.subarray(r * 18, (r + 1) * 18);
      expect(Math.max(...alone.map((v, k) => Math.abs(v - beside[k]!)))).toBeLessThan(1e-5);
    }
    await m.release();
  });

  test('a wrong-shape model puts the forecaster in fallback mode with the contract error', async () => {
    const f = await make({ modelPath: path.join(fixtures, 'wrong-history-shape.onnx') });
    expect(f.modelStatus.loaded).toBe(false);
    expect(f.modelStatus.error).toMatch(/ModelContractError/);
  });

  test('an invalid card is rejected without throwing from create()', async () => {
    const card = path.join(tmp, 'bad.card.json');
    writeFileSync(card, JSON.stringify({ schemaVersion: 1, name: 'x', version: '1', contract: { inputs: [] } }));
    const f = await make({ cardPath: card });
    expect(f.modelStatus.loaded).toBe(false);
    expect(f.modelStatus.error).toMatch(/invalid model card/);
    const [fc] = await f.forecast([{ key: 'a', history: daily(200), endTime: END }]);
    expect(fc!.source).toBe('seasonal-naive');
    expect(fc!.horizonSteps).toBe(6);
  });
});

describe('Forecaster', () => {
  test('embedded model: one forecast per input, in order, monotone quantiles in series units', async () => {
    const f = await make({});
    expect(f.modelStatus).toEqual({ name: expect.stringMatching(/@/), loaded: true });
    const inputs: SeriesInput[] = Array.from({ length: 50 }, (_, i) => ({
      key: `s${i}`,
      history: daily(168, 10 + 20 * i, i),
      endTime: END,
    }));
    inputs.splice(7, 0, { key: 'short', history: daily(30), endTime: END });
    const out = await f.forecast(inputs);
    expect(out.map((o) => o.key)).toEqual(inputs.map((i) => i.key));
    for (const o of out) {
      expect(o.p50).toHaveLength(6);
      expect(o.stepSeconds).toBe(3600);
      for (let h = 0; h < 6; h++) expect(o.p50[h]! <= o.p90[h]! && o.p90[h]! <= o.p99[h]!).toBe(true);
    }
    expect(out.filter((o) => o.source === 'onnx')).toHaveLength(51);
    // Scale equivariance of the contract: a 20x larger series gets a ~20x larger forecast.
    const small = out.find((o) => o.key === 's0')!;
    const big = (await f.forecast([{ key: 'b', history: daily(168, 200, 0), endTime: END }]))[0]!;
    expect(big.p50[0]! / small.p50[0]!).toBeCloseTo(20, 3);
    // The level is right: next value of the daily pattern within 30 %.
    const next = 10 * (1 + 0.5 * Math.sin((2 * Math.PI * 168) / 24));
    expect(Math.abs(small.p50[0]! - next) / next).toBeLessThan(0.3);
  });

  test('a short history is forecast by the model with wider bands; below minPoints it falls back', async () => {
    const f = await make({});
    const short = f.card!.contract.shortHistory!;
    expect(short.minPoints).toBe(6);
    const full = daily(168);
    const [a, b, c] = await f.forecast([
      { key: 'day2', history: full.slice(-60), endTime: END },
      { key: 'week', history: full, endTime: END },
      { key: 'hour5', history: [3, 4, 5, 4, 5], endTime: END },
    ]);
    expect(a!.source).toBe('onnx');
    expect(a!.fallbackReason).toBeUndefined();
    // Two days of a clean daily pattern: about what a week of it gives.
    expect(Math.abs(a!.p50[0]! - b!.p50[0]!) / b!.p50[0]!).toBeLessThan(0.15);
    // Bands of a short history are wider than the week's, by the card's factors for 60 h.
    const w = bandWidening(short.bands, 60);
    expect(w.p99).toBeGreaterThanOrEqual(1);
    expect((a!.p99[0]! - a!.p50[0]!) / a!.p50[0]!).toBeGreaterThan((b!.p99[0]! - b!.p50[0]!) / b!.p50[0]!);
    expect(c!.source).toBe('ewma');
    expect(c!.fallbackReason).toBe('history too short for the model: 5 of 6 hourly points');
  });

  test('a card without shortHistory (an older or a user model) leaves short histories to the fallback', async () => {
    const card = JSON.parse(readFileSync(defaultCardPath(), 'utf8'));
    delete card.contract.shortHistory;
    const cardPath = path.join(tmp, 'no-short.card.json');
    writeFileSync(cardPath, JSON.stringify(card));
    const f = await make({ cardPath });
    const [a] = await f.forecast([{ key: 'day2', history: daily(60), endTime: END }]);
    expect(a!.source).toBe('seasonal-naive');
    expect(a!.fallbackReason).toBe('history too short for the model: 60 of 168 hourly points');
  });

  test('a short history is padded with the card\'s weekly profile at the local hour of the week', async () => {
    // nan-output.onnx returns log(history[0] - 0.5) in scaled units: it reads the oldest padded value.
    const card = JSON.parse(readFileSync(defaultCardPath(), 'utf8'));
    const profile = new Array<number>(168).fill(1);
    // END is Monday 10:00 UTC = 11:00 in Rome; the first step is Monday 12:00, the oldest point of a
    // 168 h window a week before it: local hour of the week 12.
    profile[12] = 3;
    card.contract.shortHistory.padding = 'weekly-profile';
    card.contract.shortHistory.profile = profile;
    const cardPath = path.join(tmp, 'profile.card.json');
    writeFileSync(cardPath, JSON.stringify(card));
    const f = await make({ modelPath: path.join(fixtures, 'nan-output.onnx'), cardPath });
    const [a] = await f.forecast([{ key: 'young', history: new Array<number>(30).fill(10), endTime: END }]);
    // Oldest point: 0.5 * (level 10 x 3 + same hour of the first known day, 10, x 3 / 1) = 30.
    const scale = (30 + 167 * 10) / 168;
    expect(a!.source).toBe('onnx');
    expect(a!.p50[0]).toBeCloseTo(scale * Math.log(30 / scale - 0.5), 4);

    delete card.contract.shortHistory.profile;
    writeFileSync(cardPath, JSON.stringify(card));
    const broken = await make({ modelPath: path.join(fixtures, 'nan-output.onnx'), cardPath });
    expect(broken.modelStatus.loaded).toBe(false);
    expect(broken.modelStatus.error).toContain('contract.shortHistory.profile: padding weekly-profile needs a profile of 168 values');
  });

  test('a card with daily-tile padding (before 2.2.0) still forecasts a short history with the model', async () => {
    const card = JSON.parse(readFileSync(defaultCardPath(), 'utf8'));
    card.contract.shortHistory.padding = 'daily-tile';
    delete card.contract.shortHistory.profile;
    const cardPath = path.join(tmp, 'daily-tile.card.json');
    writeFileSync(cardPath, JSON.stringify(card));
    const f = await make({ cardPath });
    const [a] = await f.forecast([{ key: 'day2', history: daily(60), endTime: END }]);
    expect(a!.source).toBe('onnx');
  });

  test('bandWidening picks the bucket of the known points, else the widest', () => {
    const bands = [
      { fromPoints: 6, toPoints: 24, p90Factor: 1.5, p99Factor: 2 },
      { fromPoints: 24, toPoints: 168, p90Factor: 1.1, p99Factor: 1.2 },
    ];
    expect(bandWidening(bands, 6)).toEqual({ p90: 1.5, p99: 2 });
    expect(bandWidening(bands, 23)).toEqual({ p90: 1.5, p99: 2 });
    expect(bandWidening(bands, 24)).toEqual({ p90: 1.1, p99: 1.2 });
    expect(bandWidening(bands, 3)).toEqual({ p90: 1.5, p99: 2 });
  });

  test('too many gaps falls back; a few gaps are filled and use the model', async () => {
    const f = await make({});
    const gappy = daily(168);
    for (let i = 0; i < 30; i++) gappy[i * 5] = Number.NaN;
    const few = daily(168);
    few[100] = Number.NaN;
    few[167] = Number.NaN;
    const [a, b] = await f.forecast([
      { key: 'gappy', history: gappy, endTime: END },
      { key: 'few', history: few, endTime: END },
    ]);
    expect(a!.source).toBe('seasonal-naive');
    expect(a!.fallbackReason).toMatch(/too many gaps for the model: 30 of the last 168/);
    expect(b!.source).toBe('onnx');
    expect(b!.p50.every(Number.isFinite)).toBe(true);
  });

  test('missing model file: create() does not throw, everything falls back with the reason', async () => {
    const f = await make({ modelPath: path.join(tmp, 'nope.onnx') });
    expect(f.modelStatus.loaded).toBe(false);
    expect(f.modelStatus.error).toMatch(/not found/);
    const [o] = await f.forecast([{ key: 'a', history: daily(400), endTime: END }]);
    expect(o!.source).toBe('seasonal-naive');
    expect(o!.model).toBe('same-hour-last-week');
    expect(o!.fallbackReason).toMatch(/not loaded: model file not found/);
  });

  test('corrupt model file: fallback mode with the load error as reason', async () => {
    const bad = path.join(tmp, 'corrupt.onnx');
    writeFileSync(bad, Buffer.from('this is not an onnx protobuf \u0000\u0001\u0002'));
    const f = await make({ modelPath: bad });
    expect(f.modelStatus.loaded).toBe(false);
    expect(f.modelStatus.error).toBeTruthy();
    const [o] = await f.forecast([{ key: 'a', history: daily(200), endTime: END }]);
    expect(o!.source).toBe('seasonal-naive');
    expect(o!.fallbackReason).toMatch(/^model .* not loaded: /);
  });

  test('non-finite model output falls back for that series only', async () => {
    const f = await make({ modelPath: path.join(fixtures, 'nan-output.onnx') });
    expect(f.modelStatus.loaded).toBe(true);
    const ok = daily(168); // first scaled value 1.0 -> finite output
    const bad = daily(168);
    bad[0] = 0; // first scaled value 0 -> log(-0.5) = NaN
    const [a, b] = await f.forecast([
      { key: 'ok', history: ok, endTime: END },
      { key: 'bad', history: bad, endTime: END },
    ]);
    expect(a!.source).toBe('onnx');
    expect(b!.source).toBe('seasonal-naive');
    expect(b!.fallbackReason).toBe('model returned non-finite values for this series');
    expect(b!.p50.every(Number.isFinite)).toBe(true);
  });

  test('empty input and all-gap input', async () => {
    const f = await make({});
    expect(await f.forecast([])).toEqual([]);
    const [o] = await f.forecast([{ key: 'x', history: [Number.NaN, Number.NaN], endTime: END }]);
    expect(o!.p99).toEqual([0, 0, 0, 0, 0, 0]);
    expect(o!.fallbackReason).toMatch(/no usable history/);
  });

  test('calendar features use local time of the first forecast step (Europe/Rome, Monday = 0)', () => {
    // 2013-11-04 is a Monday; 00:00 CET = 23:00 UTC the day before.
    const [hs, hc, ds, dc] = calendarFeatures(new Date('2013-11-03T23:00:00Z'), 'Europe/Rome');
    expect(hs).toBeCloseTo(0);
    expect(hc).toBeCloseTo(1);
    expect(ds).toBeCloseTo(0);
    expect(dc).toBeCloseTo(1);
    // Summer time: 12:00 CEST = 10:00 UTC.
    const [s, c] = calendarFeatures(new Date('2024-07-01T10:00:00Z'), 'Europe/Rome');
    expect(s).toBeCloseTo(Math.sin(Math.PI));
    expect(c).toBeCloseTo(-1);
  });
});
