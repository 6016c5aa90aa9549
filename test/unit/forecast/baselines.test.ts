import { readFileSync } from 'node:fs';
import {
  ewma,
  fitHoltWinters,
  holtWinters,
  lastValue,
  sameHourLastWeek,
  sameHourYesterday,
  seasonalNaive,
} from '../../../src/forecast/baselines.js';
import { fillGaps, padShortHistory, scaleOf } from '../../../src/forecast/features.js';
import { fallbackForecast } from '../../../src/forecast/fallback.js';
import { capacityMetrics, mae, mape, naiveScale, smape } from '../../../tools/eval/metrics.js';
import { quantile } from '../../../src/forecast/stats.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('baselines (hand-checked)', () => {
  test('last value repeats the last point', () => {
    expect(lastValue([1, 2, 3], 3)).toEqual([3, 3, 3]);
  });

  test('seasonal naive takes the value one period back and repeats the period', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5], 3, 2)).toEqual([4, 5, 4]);
    expect(seasonalNaive([7], 2, 3)).toEqual([7, 7]); // shorter than a period: last value
    const day = range(48, (i) => i);
    expect(sameHourYesterday(day, 2)).toEqual([24, 25]);
    const week = range(200, (i) => i);
    expect(sameHourLastWeek(week, 1)).toEqual([32]);
  });

  test('EWMA level', () => {
    // 0.5*4 + 0.5*(0.5*2 + 0.5*0) = 2.5
    expect(ewma([0, 2, 4], 1, 0.5)).toEqual([2.5]);
  });

  test('Holt-Winters reproduces an exact daily pattern with a linear trend', () => {
    const pattern = range(24, (h) => 10 + 5 * Math.sin((2 * Math.PI * h) / 24));
    const series = range(24 * 7, (t) => pattern[t % 24]! + 0.1 * t);
    const f = holtWinters(series, 3);
    for (let k = 0; k < 3; k++) {
      const t = series.length + k;
      // Not exact: the initial season absorbs the first day's trend; within 1 unit of ~27.
      expect(Math.abs(f[k]! - (pattern[t % 24]! + 0.1 * t))).toBeLessThan(1);
    }
    const p = fitHoltWinters(series);
    expect(p.alpha).toBeGreaterThan(0);
  });

  test('metrics', () => {
    expect(mae([1, 2], [2, 4])).toBe(1.5);
    expect(smape([0, 2], [0, 2])).toBe(0);
    expect(mape([110], [100])).toBeCloseTo(10);
    expect(naiveScale([1, 3, 2])).toBe(1.5);
    expect(capacityMetrics([10, 10], [5, 20])).toEqual({ underProvisionedPct: 50, overProvisioningPct: (100 * 5) / 25 });
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.9)).toBeCloseTo(9);
  });

  test('gap filling and scaling', () => {
    const day = range(30, (i) => i);
    day[25] = Number.NaN; // filled from the same hour yesterday
    expect(fillGaps(day)[25]).toBe(1);
    expect(fillGaps([Number.NaN, 2, Number.NaN])).toEqual([2, 2, 2]);
    expect(scaleOf([0, 0], 1e-6)).toBe(1);
    expect(scaleOf([2, 4], 1e-6)).toBe(3);
  });

  test('a short history is padded with the weekly profile as training pads it (training/features.py pad_short)', () => {
    // test/fixtures/models/padding.json: pad_short's output for known 6..167 hours at several origins.
    const fx = JSON.parse(readFileSync('test/fixtures/models/padding.json', 'utf8')) as {
      profile: number[];
      cases: { known: number[]; firstHourOfWeek: number; padded: number[] }[];
    };
    expect(fx.cases.length).toBeGreaterThan(4);
    for (const c of fx.cases) {
      const padded = padShortHistory(c.known, 168, { kind: 'weekly-profile', profile: fx.profile, firstHourOfWeek: c.firstHourOfWeek });
      expect(padded).toHaveLength(168);
      padded.forEach((v, i) => expect(v).toBeCloseTo(c.padded[i]!, 9));
    }
    // A flat profile: less than a day known is filled with its mean; a day or more averages the
    // mean with the same hour of the first known day.
    const flat = { kind: 'weekly-profile' as const, profile: new Array<number>(168).fill(1), firstHourOfWeek: 5 };
    expect(padShortHistory([2, 4, 6, 8, 10, 12], 10, flat)).toEqual([7, 7, 7, 7, 2, 4, 6, 8, 10, 12]);
    const day = range(24, (i) => i);
    expect(padShortHistory(day, 30, flat).slice(0, 6)).toEqual([14.75, 15.25, 15.75, 16.25, 16.75, 17.25]);
  });

  test('a card before 2.2.0 pads a short history by tiling the known days (daily-tile)', () => {
    // A day or more: the known days tiled backwards, hour for hour.
    const known = range(30, (i) => i);
    const padded = padShortHistory(known, 168);
    expect(padded).toHaveLength(168);
    expect(padded.slice(-30)).toEqual(known);
    expect(padded[137]).toBe(padded[161]); // one day before the first known hour...
    expect(padded[161]).toBe(known[23]); // ...is the same hour a day later
    for (let i = 0; i < 138; i++) expect(padded[i]).toBe(padded[i + 24]);
    // Less than a day: the mean of what is known.
    expect(padShortHistory([2, 4, 6, 8, 10, 12], 10)).toEqual([7, 7, 7, 7, 2, 4, 6, 8, 10, 12]);
    // Long enough already: the last values.
    expect(padShortHistory([1, 2, 3], 2)).toEqual([2, 3]);
  });

  test('fallback quantiles are monotone and wider for noisier series', () => {
    const smooth = range(72, (t) => 10 + 5 * Math.sin((2 * Math.PI * t) / 24));
    const noisy = smooth.map((v, t) => v + (t % 3 === 0 ? 6 : -3));
    const a = fallbackForecast(smooth, 6);
    const b = fallbackForecast(noisy, 6);
    expect(a.source).toBe('seasonal-naive');
    for (const f of [a, b]) for (let h = 0; h < 6; h++) expect(f.p50[h]! <= f.p90[h]! && f.p90[h]! <= f.p99[h]!).toBe(true);
    expect(b.p99[0]! - b.p50[0]!).toBeGreaterThan(a.p99[0]! - a.p50[0]!);
    const short = fallbackForecast([5, 6, 7], 6);
    expect(short.source).toBe('ewma');
    expect(short.p99[0]).toBeGreaterThan(short.p50[0]!);
  });
});
