// Turning a raw hourly series into model input: decide whether the model may be used, fill the
// few gaps it tolerates, and scale as the card prescribes (mean of the input window).
import { HOURS_PER_DAY, HOURS_PER_WEEK } from './baselines.js';
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
 * How a short history is padded (the card's `shortHistory.padding`). `weekly-profile` carries
 * the card's profile (168 values by local hour of the week, 0 = Monday 00:00) and the local hour
 * of the week of the padded window's first (oldest) point.
 */
export type Padding = { kind: 'daily-tile' } | { kind: 'weekly-profile'; profile: ArrayLike<number>; firstHourOfWeek: number };

/**
 * A short history (fewer than `length` points, gaps already filled) padded at the front to
 * `length`, as training pads it (training/features.py pad_short):
 * - `weekly-profile`: each unknown hour j gets the known level times the profile at its hour
 *   (level = mean of the known values / mean of the profile at their hours); with a day or more
 *   known, averaged with the same hour of the first known day after j rescaled by the profile's
 *   ratio between the two hours (the slice's own daily shape, the population's weekly one);
 * - `daily-tile` (cards before 2.2.0): with a day or more known, each unknown hour takes the
 *   value of the same hour a day later; with less, the mean of the known values.
 */
export function padShortHistory(known: ArrayLike<number>, length: number, padding: Padding = { kind: 'daily-tile' }): number[] {
  const n = known.length;
  if (n >= length) return Array.from(known).slice(n - length);
  const out = new Array<number>(length);
  const first = length - n;
  for (let i = 0; i < n; i++) out[first + i] = known[i]!;
  if (padding.kind === 'weekly-profile') {
    const { profile, firstHourOfWeek } = padding;
    const p = (j: number): number => profile[(((firstHourOfWeek + j) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK]!;
    let knownProfile = 0;
    for (let j = first; j < length; j++) knownProfile += p(j);
    const m = mean(known);
    const level = knownProfile / n > 1e-9 ? m / (knownProfile / n) : m;
    for (let j = 0; j < first; j++) {
      out[j] = level * p(j);
      // The same hour on the first known day after j.
      const ref = j + HOURS_PER_DAY * Math.ceil((first - j) / HOURS_PER_DAY);
      if (n >= HOURS_PER_DAY && p(ref) > 1e-9) out[j] = 0.5 * (out[j]! + (out[ref]! * p(j)) / p(ref));
    }
  } else if (n >= HOURS_PER_DAY) {
    for (let i = first - 1; i >= 0; i--) out[i] = out[i + HOURS_PER_DAY]!;
  } else {
    out.fill(mean(known), 0, first);
  }
  return out;
}
