// Forecast accuracy and provisioning metrics used by eval.ts and the tests. Everything is
// computed over paired arrays (forecast f, actual y) of the same length.

export function mae(f: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(f[i]! - y[i]!);
  return s / y.length;
}

/** Symmetric MAPE in %, 0 for points where both forecast and actual are 0. */
export function smape(f: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = Math.abs(f[i]!) + Math.abs(y[i]!);
    if (d > 0) s += (2 * Math.abs(f[i]! - y[i]!)) / d;
  }
  return (100 * s) / y.length;
}

/** MAPE in %, over points with a non-zero actual (used for slice aggregates, never near zero). */
export function mape(f: readonly number[], y: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0) {
      s += Math.abs(f[i]! - y[i]!) / Math.abs(y[i]!);
      n++;
    }
  }
  return n ? (100 * s) / n : Number.NaN;
}

/** In-sample one-step naive MAE: the MASE denominator (Hyndman & Koehler 2006, m = 1). */
export function naiveScale(insample: readonly number[]): number {
  let s = 0;
  for (let i = 1; i < insample.length; i++) s += Math.abs(insample[i]! - insample[i - 1]!);
  return s / Math.max(1, insample.length - 1);
}

export interface CapacityMetrics {
  /** Share of intervals with actual > capacity, in %. */
  underProvisionedPct: number;
  /** sum(max(c - y, 0)) / sum(y), in %. */
  overProvisioningPct: number;
}

export function capacityMetrics(capacity: readonly number[], y: readonly number[]): CapacityMetrics {
  let under = 0;
  let over = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! > capacity[i]!) under++;
    over += Math.max(capacity[i]! - y[i]!, 0);
    total += y[i]!;
  }
  return { underProvisionedPct: (100 * under) / y.length, overProvisioningPct: total > 0 ? (100 * over) / total : Number.NaN };
}
