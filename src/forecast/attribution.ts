/**
 * A forecast's attribution a person can read, by occlusion of the model's input groups: the
 * model runs once on the series as it is and once per group with that group replaced by a
 * neutral value (the window's mean, 1 after scaling, for history; 0 for the calendar's sin/cos
 * features), and each group's share is how much the next-step forecast at the slice's quantile
 * drops without it, in percent of the forecast. Cheap for the small MLP: one batch of 1 + 4 rows.
 */
import { CALENDAR_FEATURES } from './card.js';
import type { Attribution } from './contract.js';

export interface InputGroup {
  factor: string;
  /** History positions counted back from the last point (1 = the last hour). */
  hoursBack?: number[];
  calendar?: boolean;
}

/** The groups: the history points a person reasons with, and the calendar. */
export const INPUT_GROUPS: readonly InputGroup[] = [
  // The forecast step is one hour after the last point: its hour yesterday is 23 points back.
  { factor: 'same hour yesterday', hoursBack: [22, 23, 24] },
  { factor: 'same hour last week', hoursBack: [166, 167, 168] },
  { factor: 'last 3 h trend', hoursBack: [1, 2, 3] },
  { factor: 'calendar (hour, weekday)', calendar: true },
];

export const QUANTILE_INDEX = { p50: 0, p90: 1, p99: 2 } as const satisfies Record<string, number>;

/** Rows for one series: the scaled history and calendar as they are, then one row per group occluded. */
export function occludedRows(history: Float32Array, calendar: Float32Array, length: number): { history: Float32Array; calendar: Float32Array; n: number } {
  const n = 1 + INPUT_GROUPS.length;
  const h = new Float32Array(n * length);
  const c = new Float32Array(n * CALENDAR_FEATURES);
  for (let r = 0; r < n; r++) {
    h.set(history.subarray(0, length), r * length);
    c.set(calendar.subarray(0, CALENDAR_FEATURES), r * CALENDAR_FEATURES);
    const g = INPUT_GROUPS[r - 1];
    if (!g) continue;
    for (const back of g.hoursBack ?? []) if (back <= length) h[r * length + length - back] = 1;
    if (g.calendar) c.fill(0, r * CALENDAR_FEATURES, (r + 1) * CALENDAR_FEATURES);
  }
  return { history: h, calendar: c, n };
}

/**
 * The top three groups by the size of their effect, from the model's output for the rows of one
 * series (`stride` values a row: horizon x quantiles), at quantile index `q` of the first step.
 */
export function attributionOf(quantiles: ArrayLike<number>, stride: number, q: number): Attribution[] {
  const at = (row: number) => quantiles[row * stride + q]!;
  const full = at(0);
  if (!Number.isFinite(full) || Math.abs(full) < 1e-9) return [];
  const effects = INPUT_GROUPS.map((g, i) => ({ factor: g.factor, percent: Math.round(((full - at(i + 1)) / Math.abs(full)) * 1000) / 10 }));
  return effects
    .filter((e) => Number.isFinite(e.percent))
    .sort((a, b) => Math.abs(b.percent) - Math.abs(a.percent))
    .slice(0, 3);
}

