// Quantile forecasts without the model. Used when the model is missing or broken, when a series
// is too young or too gappy for it, or when the model's output for a series is not finite. The
// spread comes from the series' own past errors of the same method (empirical quantiles), so a
// noisy series gets more headroom than a smooth one even in fallback.
import { ewma, HOURS_PER_DAY, HOURS_PER_WEEK, seasonalNaive } from './baselines.js';
import { fillGaps, isUsable } from './features.js';
import { quantile } from './stats.js';

export interface QuantileValues {
  p50: number[];
  p90: number[];
  p99: number[];
}

export interface FallbackResult extends QuantileValues {
  source: 'seasonal-naive' | 'ewma';
  model: string;
  /** Why the fallback itself is weak, appended to the caller's reason (e.g. "no usable history"). */
  note?: string;
}

/** Seasonal naive needs two days: one for the lag and one to measure its errors. */
export const SEASONAL_MIN_POINTS = 2 * HOURS_PER_DAY;
/** Residual window for the spread: two weeks is enough for stable p99 and still adapts. */
const SPREAD_WINDOW = 2 * HOURS_PER_WEEK;
const EWMA_ALPHA = 0.3;
/** With less than a day of errors, p90/p99 default to +50 % / +100 % of the level: over-provision when blind. */
const EWMA_MIN_RESIDUALS = HOURS_PER_DAY;

const clamp0 = (v: number) => (v > 0 ? v : 0);

function monotone(base: number[], up90: number, up99: number): QuantileValues {
  const p50 = base.map(clamp0);
  const p90 = p50.map((v) => v + Math.max(up90, 0));
  const p99 = p90.map((v) => v + Math.max(up99 - Math.max(up90, 0), 0));
  return { p50, p90, p99 };
}

function seasonal(filled: number[], horizon: number): FallbackResult {
  // A weekly lag captures weekday/weekend differences but needs two weeks to also measure errors.
  const period = filled.length >= 2 * HOURS_PER_WEEK ? HOURS_PER_WEEK : HOURS_PER_DAY;
  const base = seasonalNaive(filled, horizon, period);
  const residuals: number[] = [];
  for (let t = Math.max(period, filled.length - SPREAD_WINDOW); t < filled.length; t++) {
    residuals.push(filled[t]! - filled[t - period]!);
  }
  const q = monotone(base, quantile(residuals, 0.9), quantile(residuals, 0.99));
  return { ...q, source: 'seasonal-naive', model: period === HOURS_PER_WEEK ? 'same-hour-last-week' : 'same-hour-yesterday' };
}

function smoothed(filled: number[], horizon: number): FallbackResult {
  const base = ewma(filled, horizon, EWMA_ALPHA);
  const level = base[0]!;
  const residuals: number[] = [];
  let l = filled[0]!;
  for (let t = 1; t < filled.length; t++) {
    residuals.push(Math.abs(filled[t]! - l));
    l = EWMA_ALPHA * filled[t]! + (1 - EWMA_ALPHA) * l;
  }
  const blind = residuals.length < EWMA_MIN_RESIDUALS;
  const up90 = blind ? 0.5 * level : quantile(residuals, 0.9);
  const up99 = blind ? 1.0 * level : quantile(residuals, 0.99);
  return { ...monotone(base, up90, up99), source: 'ewma', model: `ewma-${EWMA_ALPHA}` };
}

/** Best available fallback for a raw history (oldest first, NaN = gap). */
export function fallbackForecast(history: readonly number[], horizon: number): FallbackResult {
  // Leading gaps carry no information; trailing ones are filled (sample not scraped yet).
  const firstUsable = history.findIndex(isUsable);
  if (firstUsable < 0) {
    const zeros = Array.from({ length: horizon }, () => 0);
    return { p50: zeros, p90: zeros.slice(), p99: zeros.slice(), source: 'ewma', model: 'none', note: 'no usable history, forecasting 0' };
  }
  const filled = fillGaps(history.slice(firstUsable));
  if (filled.length >= SEASONAL_MIN_POINTS) return seasonal(filled, horizon);
  return smoothed(filled, horizon);
}
