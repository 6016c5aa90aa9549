// Classical point forecasters. They are the fallbacks when the ONNX model cannot be used and the
// yardsticks in tools/eval/eval.ts. All are pure: (history oldest-first, horizon) -> values.
// They expect finite histories; callers fill gaps first (see features.ts).

export const HOURS_PER_DAY = 24;
export const HOURS_PER_WEEK = 168;

/** Repeat the last observation. */
export function lastValue(history: readonly number[], horizon: number): number[] {
  const v = history.length ? history[history.length - 1]! : Number.NaN;
  return Array.from({ length: horizon }, () => v);
}

/**
 * Seasonal naive: the value one period earlier. For steps beyond one period the pattern repeats.
 * Falls back to the last value when the history is shorter than a period.
 */
export function seasonalNaive(history: readonly number[], horizon: number, period: number): number[] {
  const n = history.length;
  if (n < period) return lastValue(history, horizon);
  return Array.from({ length: horizon }, (_, k) => history[n - period + (k % period)]!);
}

export function sameHourYesterday(history: readonly number[], horizon: number): number[] {
  return seasonalNaive(history, horizon, HOURS_PER_DAY);
}

export function sameHourLastWeek(history: readonly number[], horizon: number): number[] {
  return seasonalNaive(history, horizon, HOURS_PER_WEEK);
}

/** Exponentially weighted moving average level; flat forecast. */
export function ewma(history: readonly number[], horizon: number, alpha = 0.3): number[] {
  if (history.length === 0) return Array.from({ length: horizon }, () => Number.NaN);
  let level = history[0]!;
  for (let i = 1; i < history.length; i++) level = alpha * history[i]! + (1 - alpha) * level;
  return Array.from({ length: horizon }, () => level);
}

export interface HoltWintersParams {
  /** level smoothing */ alpha: number;
  /** trend smoothing */ beta: number;
  /** season smoothing */ gamma: number;
}

/**
 * Grid searched by fitHoltWinters() per series. Small on purpose: it is refitted for every
 * forecast origin in the evaluation, and a coarse grid is what a practitioner would tune.
 */
export const HOLT_WINTERS_GRID: Readonly<{ alpha: number[]; beta: number[]; gamma: number[] }> = {
  alpha: [0.05, 0.1, 0.2, 0.4, 0.6],
  beta: [0, 0.01, 0.05],
  gamma: [0.05, 0.1, 0.2, 0.4],
};

interface HoltWintersRun {
  sse: number;
  level: number;
  trend: number;
  season: number[];
}

/**
 * Additive Holt-Winters with a daily season (period 24). Initial state: trend = (mean of 2nd
 * period - mean of 1st) / period when two periods exist, else 0; level = mean of the first period
 * moved to its last hour along the trend; season = first period minus that detrended line. Then the standard additive recursions; sse is the one-step-ahead SSE.
 */
function runHoltWinters(history: readonly number[], period: number, p: HoltWintersParams): HoltWintersRun {
  let level = 0;
  for (let i = 0; i < period; i++) level += history[i]!;
  level /= period;
  let trend = 0;
  if (history.length >= 2 * period) {
    let second = 0;
    for (let i = period; i < 2 * period; i++) second += history[i]!;
    trend = (second / period - level) / period;
  }
  // The first period's mean sits at its middle; move the level to its end and detrend the
  // initial season, otherwise a trending series starts half a period behind.
  const mid = (period - 1) / 2;
  const season = Array.from({ length: period }, (_, i) => history[i]! - (level + trend * (i - mid)));
  level += trend * mid;
  let sse = 0;
  for (let t = period; t < history.length; t++) {
    const s = season[t % period]!;
    const y = history[t]!;
    const err = y - (level + trend + s);
    sse += err * err;
    const prevLevel = level;
    level = p.alpha * (y - s) + (1 - p.alpha) * (level + trend);
    trend = p.beta * (level - prevLevel) + (1 - p.beta) * trend;
    season[t % period] = p.gamma * (y - level) + (1 - p.gamma) * s;
  }
  return { sse, level, trend, season };
}

/** Pick (alpha, beta, gamma) from HOLT_WINTERS_GRID by one-step-ahead SSE on the history. */
export function fitHoltWinters(history: readonly number[], period = HOURS_PER_DAY): HoltWintersParams {
  let best: { sse: number; p: HoltWintersParams } = { sse: Infinity, p: { alpha: 0.2, beta: 0, gamma: 0.1 } };
  for (const alpha of HOLT_WINTERS_GRID.alpha)
    for (const beta of HOLT_WINTERS_GRID.beta)
      for (const gamma of HOLT_WINTERS_GRID.gamma) {
        const { sse } = runHoltWinters(history, period, { alpha, beta, gamma });
        if (sse < best.sse) best = { sse, p: { alpha, beta, gamma } };
      }
  return best.p;
}

/**
 * Additive Holt-Winters forecast with a daily season. Parameters are fitted on the history unless
 * given. Needs two full periods; with less it degrades to seasonal naive.
 */
export function holtWinters(history: readonly number[], horizon: number, period = HOURS_PER_DAY, params?: HoltWintersParams): number[] {
  if (history.length < 2 * period) return seasonalNaive(history, horizon, period);
  const p = params ?? fitHoltWinters(history, period);
  const { level, trend, season } = runHoltWinters(history, period, p);
  const n = history.length;
  return Array.from({ length: horizon }, (_, k) => level + (k + 1) * trend + season[(n + k) % period]!);
}
