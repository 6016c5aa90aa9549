// Turning a raw hourly series into model input: decide whether the model may be used, fill the
// few gaps it tolerates, and scale as the card prescribes (mean of the input window).
import { HOURS_PER_DAY } from './baselines.js';
import { mean } from './stats.js';

/** More missing hours than this in the model's input window and we do not trust the model. */
export const MAX_GAP_SHARE = 0.1;

/** Finite and non-negative: load cannot be negative, so negative samples count as gaps too. */
export function isUsable(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

export function countGaps(values: ArrayLike<number>): number {
  let gaps = 0;
  for (let i = 0; i < values.length; i++) if (!isUsable(values[i]!)) gaps++;
  return gaps;
}

/**
 * Fill gaps: same hour of the previous day when that is known (keeps the daily shape), else the
 * previous usable value, else (leading gaps) the first usable value. All-gap input stays NaN.
 */
export function fillGaps(values: ArrayLike<number>): number[] {
  const out = Array.from(values);
  let last = Number.NaN;
  for (let i = 0; i < out.length; i++) {
    if (isUsable(out[i]!)) {
      last = out[i]!;
      continue;
    }
    const day = i >= HOURS_PER_DAY ? out[i - HOURS_PER_DAY]! : Number.NaN;
    out[i] = isUsable(day) ? day : last;
  }
  const first = out.find(isUsable);
  if (first !== undefined) for (let i = 0; i < out.length && !isUsable(out[i]!); i++) out[i] = first;
  return out;
}

/** Scaling rule "mean" from the card: mean of the window, or 1 when (nearly) zero. */
export function scaleOf(window: ArrayLike<number>, epsilon: number): number {
  const s = mean(window);
  return s >= epsilon ? s : 1;
}

/**
 * A short history (fewer than `length` points, gaps already filled) padded at the front to
 * `length`: with a day or more known, each unknown hour takes the value of the same hour a day
 * later (the known days tiled backwards, keeping the daily shape); with less, the mean of the
 * known values. The model was trained on windows padded this way (training/features.py pad_short).
 */
export function padShortHistory(known: ArrayLike<number>, length: number): number[] {
  const n = known.length;
  if (n >= length) return Array.from(known).slice(n - length);
  const out = new Array<number>(length);
  const first = length - n;
  for (let i = 0; i < n; i++) out[first + i] = known[i]!;
  if (n >= HOURS_PER_DAY) {
    for (let i = first - 1; i >= 0; i--) out[i] = out[i + HOURS_PER_DAY]!;
  } else {
    out.fill(mean(known), 0, first);
  }
  return out;
}
