// Calibration warm-up from backfilled history.
import type { BatchForecaster, Calibrator, Forecast, SeriesInput } from '../forecast/contract.js';
import { isUsable } from '../forecast/features.js';
import type { CycleContext } from './context.js';
import { MODEL_HISTORY_STEPS } from './load-history.js';
import type { ObservedSlice } from './slice-load.js';

/**
 * Slices per warm-up forecast: the warm-up's inputs and answers for all slices at once would
 * raise the operator's peak memory at start-up at 10,000 slices.
 */
const WARMUP_CHUNK = 1024;

export interface WarmUpOptions {
  calibrator: Calibrator;
  forecaster: BatchForecaster;
  /** Steps back to hindcast per slice. */
  steps: number;
}

/**
 * A slice the calibrator knows nothing of (a new slice, or any slice after the operator starts:
 * the calibrator lives in memory) would scale on the model's raw quantile until a day of online
 * scores is in. Its backfilled history already holds what that day would teach: for each of the
 * last `steps` steps, forecast it from the model's window just before it and score the forecast
 * against what was observed, as the online loop does a step later. One batched forecast per step
 * back for WARMUP_CHUNK slices at a time, oldest step first, the order online scores come in. A
 * slice with less history than the model's window plus one step learns online only.
 */
export async function warmUpCalibration(ctx: CycleContext, o: WarmUpOptions, filled: ObservedSlice[]): Promise<void> {
  if (o.steps <= 0) return;
  const L = o.forecaster.historyLength ?? MODEL_HISTORY_STEPS;
  const all = filled.filter((s) => ctx.current(s) && o.calibrator.samples(s.key) === 0 && (ctx.history.get(s.key)?.length ?? 0) > L);
  for (let c = 0; c < all.length; c += WARMUP_CHUNK) {
    if (!(await warmUpChunk(ctx, o, all.slice(c, c + WARMUP_CHUNK), L))) return;
  }
}

/** Hindcast inputs for the step `back` steps before each slice's last, with the observed values. */
function hindcastInputs(ctx: CycleContext, todo: ObservedSlice[], back: number, L: number): { inputs: SeriesInput[]; actuals: Map<string, number> } {
  const inputs: SeriesInput[] = [];
  const actuals = new Map<string, number>();
  for (const s of todo) {
    const l = ctx.history.get(s.key);
    const t = l ? l.length - back : -1; // the target step's cell
    if (!l || t < L) continue;
    const actual = ctx.history.at(l, t);
    if (!isUsable(actual)) continue;
    // The window's last point is the step before the target.
    inputs.push({ key: s.key, history: ctx.history.view(l, t - L, t), endTime: ctx.clock.calendarTime(ctx.clock.wallOfStep(l.lastStep - back)) });
    actuals.set(s.key, actual);
  }
  return { inputs, actuals };
}

/** The warm-up of some slices: all their steps back, oldest first. False when the forecaster failed. */
async function warmUpChunk(ctx: CycleContext, o: WarmUpOptions, todo: ObservedSlice[], L: number): Promise<boolean> {
  const bySlice = new Map(todo.map((s) => [s.key, s]));
  for (let back = o.steps; back >= 1; back--) {
    const { inputs, actuals } = hindcastInputs(ctx, todo, back, L);
    if (!inputs.length) continue;
    let results: Forecast[];
    try {
      results = await o.forecaster.forecast(inputs);
    } catch (e) {
      ctx.log.error('calibration warm-up failed; slices calibrate online', { error: String(e) });
      return false;
    }
    for (const f of results) {
      // A slice removed while the forecast ran is skipped.
      const s = bySlice.get(f.key);
      const cur = s && ctx.current(s);
      const predicted = cur ? f[cur.quantile][0] : undefined;
      if (cur && predicted !== undefined) o.calibrator.warm(cur.key, predicted, actuals.get(cur.key)!);
    }
  }
  return true;
}
