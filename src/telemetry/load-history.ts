// Per-slice load history and the state the telemetry loop keeps beside it.
import { Rows } from '../runtime/rows.js';
import type { DetectorState, LoadBand } from './load-anomaly.js';
import type { SliceLoad } from './slice-load.js';

/** Steps of history the embedded model reads (its card's contract), when the forecaster does not say. */
export const MODEL_HISTORY_STEPS = 168;
/**
 * Hindcasts that warm up a new slice's calibration (see warm-up.ts): two days of hourly scores,
 * more than the 24 the calibrator needs before it trusts them.
 */
export const CALIBRATION_WARMUP_STEPS = 48;
/**
 * History kept per slice: the model's window, and before it the steps the warm-up's first
 * windows start at (192 bytes a slice more than the model's window alone, as Float32).
 */
export const DEFAULT_HISTORY_STEPS = MODEL_HISTORY_STEPS + CALIBRATION_WARMUP_STEPS;

/** One step's forecast: its median and the provisioning quantile's value. */
export interface StepForecast {
  step: number;
  p50: number;
  upper: number;
}

/** What the loop keeps of a slice; LoadObserver.get() hands it out as a SliceLoad. */
export interface SliceState extends SliceLoad {
  /** The slice's row in the history rows: one value per step, oldest first, NaN for gaps. */
  row: number;
  /** Steps of history held (the row's first `length` cells); the last is `lastStep`. */
  length: number;
  lastStep: number;
  /** Forecast made at a step for the next one, to score against the actual (calibration). */
  pendingStep?: number;
  pendingValue?: number;
  /** The band forecast for the next step, and the one for the current step (load-anomaly.ts). */
  nextBand?: LoadBand & { step: number };
  band?: LoadBand & { step: number };
  detector?: DetectorState;
  /** LeadTime slices: the forecast for the next step and the one for the current step, at p50 and the slice's quantile. */
  leadNext?: StepForecast;
  leadNow?: StepForecast;
  /** The step the attribution was computed at (once a step). */
  attributionStep?: number;
}

/**
 * Load history of every slice, as Float32 (what the model reads) in rows outside the V8 heap: a
 * week of hourly doubles in a JS array costs about 1,360 bytes of heap a slice, 13.6 MB at 10,000.
 */
export class LoadHistory {
  private readonly states = new Map<string, SliceState>();
  private readonly rows: Rows<Float32ArrayConstructor>;

  constructor(steps = DEFAULT_HISTORY_STEPS) {
    this.rows = new Rows(steps, Float32Array);
  }

  /** Steps a row holds. */
  get width(): number {
    return this.rows.width;
  }

  get(key: string): SliceState | undefined {
    return this.states.get(key);
  }

  /** The slice's state, made (with an empty row) if it has none. */
  ensure(key: string): SliceState {
    let s = this.states.get(key);
    if (!s) {
      s = { row: this.rows.alloc(), length: 0, lastStep: -Infinity, calibration: 1 };
      this.states.set(key, s);
    }
    return s;
  }

  /** Forgets a slice and frees its row. */
  drop(key: string): void {
    const s = this.states.get(key);
    if (!s) return;
    this.rows.release(s.row);
    this.states.delete(key);
  }

  /**
   * Cells [start, end) of a slice's row, oldest first, NaN for gaps: a view, not a copy. It
   * stays this slice's data while a forecast reads it: rows are handed out again only by
   * ensure(), which the loop calls between forecasts, never during one.
   */
  view(s: SliceState, start = 0, end = s.length): Float32Array {
    return this.rows.view(s.row, start, end);
  }

  /** The value at cell `i` of a slice's row. */
  at(s: SliceState, i: number): number {
    return this.rows.get(s.row, i);
  }

  /** Records the value of a step: appends (gaps between become NaN), or overwrites a held step. */
  record(s: SliceState, step: number, value: number): void {
    const h = this.rows;
    const maxLen = h.width;
    if (!Number.isFinite(s.lastStep) || step - s.lastStep > maxLen) {
      h.set(s.row, 0, value);
      s.length = 1;
      s.lastStep = step;
    } else if (step > s.lastStep) {
      const n = step - s.lastStep;
      // Past the end of the row: the oldest steps shift out, in place.
      const shift = Math.max(0, s.length + n - maxLen);
      if (shift) h.copyWithin(s.row, 0, shift, s.length);
      const end = s.length - shift + n;
      h.fillCells(s.row, NaN, s.length - shift, end - 1);
      h.set(s.row, end - 1, value);
      s.length = end;
      s.lastStep = step;
    } else {
      const idx = s.length - 1 - (s.lastStep - step);
      if (idx >= 0) h.set(s.row, idx, value);
    }
  }
}
