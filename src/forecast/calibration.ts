// Online feedback: split-conformal calibration of the capacity headroom, per series key.
//
// The model's p99 is calibrated on training squares; a given slice may be smoother (aggregates
// of many cells) or burstier than that. For every interval we get (forecast quantile for the
// step, actual load) and keep the ratio score s = actual / forecast in a bounded window. The
// multiplicative factor is the conformal quantile of those scores: with n scores, the
// ceil((n + 1) * target)-th smallest. Then capacity = forecast * factor covers the target share
// of intervals if the scores are exchangeable (Vovk et al.; Angelopoulos & Bates 2021). The factor
// may be < 1: an over-wide quantile is shrunk, which is where the over-provisioning savings are.
//
// Pure and deterministic (no clocks, no randomness), O(window) memory per key: 2 bytes per score,
// allocated as scores arrive (bench/calibrator-memory.ts measures the bytes per key with a full
// two-week window).
import type { Calibrator } from './contract.js';

export interface CalibratorOptions {
  /** Share of intervals the calibrated capacity should cover. */
  target?: number;
  /** Scores kept per key (ring buffer). 336 = two weeks of hourly intervals. */
  window?: number;
  /** Below this many scores the factor stays 1: trust the model's own quantile. */
  minSamples?: number;
  /** Bounds on the factor so one odd window can neither zero out nor explode capacity. */
  minFactor?: number;
  maxFactor?: number;
}

export interface Headroom {
  /** capacity = forecast * multiplier */
  multiplier: number;
  samples: number;
  /** Share of recorded intervals covered by the calibrated capacity in force at the time. */
  coverage: number | undefined;
  /** Share of recorded intervals covered by the raw forecast quantile. */
  rawCoverage: number | undefined;
}

/**
 * A score as 16 bits: clamped to [minFactor, maxFactor], then a step of (maxFactor - minFactor)
 * / 65535 (3.8e-5 with the defaults; status reports the factor to 2 decimals). Clamping first
 * changes no factor: clamping is monotone, so the k-th smallest clamped score is the clamped k-th
 * smallest score, and the factor is clamped anyway. The operator keeps a two-week window per
 * slice, so at 10,000 slices the width of a score is megabytes: 16 bits is half of Float32, at a
 * step far below what status shows.
 */
class ScoreCodec {
  private readonly step: number;
  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.step = (max - min) / 65535;
  }
  encode(score: number): number {
    return this.step > 0 ? Math.round((Math.min(Math.max(score, this.min), this.max) - this.min) / this.step) : 0;
  }
  decode(code: number): number {
    return code === 65535 ? this.max : this.min + code * this.step;
  }
}

/**
 * Scores of one key, encoded (ScoreCodec), in one window: the factor needs nothing else per
 * score. The buffer grows with the scores up to the window, so a new slice does not hold two
 * weeks' worth of zeros.
 */
class KeyState {
  ratios: Uint16Array;
  next = 0;
  size = 0;
  observed = 0;
  covered = 0;
  rawCovered = 0;
  cache: { multiplier: number } | undefined;

  constructor(window: number) {
    this.ratios = new Uint16Array(Math.min(window, 32));
  }

  push(score: number, window: number): void {
    if (this.size === this.ratios.length && this.size < window) {
      const grown = new Uint16Array(Math.min(window, this.ratios.length * 2));
      grown.set(this.ratios);
      this.ratios = grown;
    }
    this.ratios[this.next] = score;
    this.next = (this.next + 1) % window;
    this.size = Math.min(this.size + 1, window);
  }
}

/** Largest rank from the top that conformalQuantile finds without sorting. */
const TOP_MAX = 32;
const top = new Int32Array(TOP_MAX);

/**
 * The ceil((n+1)*target)-th smallest of the first n values (the max when that exceeds n). With
 * a high target that is one of the few largest values: it keeps those in a small descending
 * list in one pass instead of sorting the window (a what-if replay asks after every score of
 * every slice). A low target sorts.
 */
export function conformalQuantile(values: Uint16Array, n: number, target: number): number {
  const k = Math.max(Math.min(Math.ceil((n + 1) * target), n), 1);
  const m = n - k + 1; // the answer is the m-th largest
  if (m > TOP_MAX) return values.slice(0, n).sort()[k - 1]!; // typed arrays sort numerically
  top.fill(-1, 0, m);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v <= top[m - 1]!) continue;
    let j = m - 1;
    while (j > 0 && top[j - 1]! < v) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = v;
  }
  return top[m - 1]!;
}

export class ConformalCalibrator implements Calibrator {
  readonly target: number;
  readonly window: number;
  readonly minSamples: number;
  readonly minFactor: number;
  readonly maxFactor: number;
  private readonly keys = new Map<string, KeyState>();
  private readonly codec: ScoreCodec;

  constructor(o: CalibratorOptions = {}) {
    this.target = o.target ?? 0.98;
    this.window = o.window ?? 336;
    this.minSamples = o.minSamples ?? 24;
    this.minFactor = o.minFactor ?? 0.5;
    this.maxFactor = o.maxFactor ?? 3;
    if (!(this.target > 0 && this.target < 1)) throw new RangeError('target must be in (0, 1)');
    if (!(this.window >= 1 && this.minSamples >= 1 && this.minFactor > 0 && this.maxFactor >= this.minFactor)) {
      throw new RangeError('invalid calibrator options');
    }
    this.codec = new ScoreCodec(this.minFactor, this.maxFactor);
  }

  /** Record the forecast quantile made for an interval and the load actually observed. */
  observe(key: string, predicted: number, actual: number): void {
    const s = this.stateFor(key, predicted, actual);
    if (!s) return;
    // Coverage is scored with the headroom that was in force BEFORE seeing this actual: that is
    // what the operator provisioned with, so it is the honest online figure.
    const h = this.headroomOf(s);
    s.observed++;
    if (actual <= predicted * h.multiplier) s.covered++;
    if (actual <= predicted) s.rawCovered++;
    this.pushScore(s, predicted, actual);
  }

  /**
   * A score from a hindcast over history (a forecast made now for an interval that is already
   * known): it calibrates the factor as an online score does, but it is not counted in coverage,
   * which stays the share of intervals that the capacity in force at the time covered.
   */
  warm(key: string, predicted: number, actual: number): void {
    const s = this.stateFor(key, predicted, actual);
    if (s) this.pushScore(s, predicted, actual);
  }

  /** Scores held for the key (online and warm-up). */
  samples(key: string): number {
    return this.keys.get(key)?.size ?? 0;
  }

  /** The key's state for a valid (predicted, actual) pair, made on first use; none for an invalid pair. */
  private stateFor(key: string, predicted: number, actual: number): KeyState | undefined {
    if (!Number.isFinite(predicted) || !Number.isFinite(actual) || predicted < 0 || actual < 0) return undefined;
    let s = this.keys.get(key);
    if (!s) {
      s = new KeyState(this.window);
      this.keys.set(key, s);
    }
    return s;
  }

  /** Scores actual / predicted; a zero forecast with non-zero load is the worst miss: the factor ceiling. */
  private pushScore(s: KeyState, predicted: number, actual: number): void {
    s.push(this.codec.encode(predicted > 0 ? actual / predicted : actual > 0 ? this.maxFactor : 1), this.window);
    s.cache = undefined;
  }

  /** Multiplicative headroom for the key (1 until minSamples intervals are known). */
  factor(key: string): number {
    const s = this.keys.get(key);
    return s ? this.headroomOf(s).multiplier : 1;
  }

  /** Calibrated capacity for a forecast quantile of this key. */
  capacity(key: string, predicted: number): number {
    return predicted * this.factor(key);
  }

  coverage(key: string): number | undefined {
    const s = this.keys.get(key);
    return s && s.observed ? s.covered / s.observed : undefined;
  }

  headroom(key: string): Headroom {
    const s = this.keys.get(key);
    if (!s) return { multiplier: 1, samples: 0, coverage: undefined, rawCoverage: undefined };
    const h = this.headroomOf(s);
    return {
      ...h,
      samples: s.size,
      coverage: s.observed ? s.covered / s.observed : undefined,
      rawCoverage: s.observed ? s.rawCovered / s.observed : undefined,
    };
  }

  forget(key: string): void {
    this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }

  private headroomOf(s: KeyState): { multiplier: number } {
    if (s.size < this.minSamples) return { multiplier: 1 };
    if (!s.cache) {
      // Decoded scores are within [minFactor, maxFactor] already.
      s.cache = { multiplier: this.codec.decode(conformalQuantile(s.ratios, s.size, this.target)) };
    }
    return s.cache;
  }
}
