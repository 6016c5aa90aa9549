import { isUsable } from '../forecast/features.js';
import type { Logger } from '../runtime/logger.js';
import { Rows } from '../runtime/rows.js';
import { PrometheusError, type PrometheusClient } from './prometheus-client.js';

/** A forecast in the series' own units (the contract of src/forecast). */
export interface ForecastResult {
  key: string;
  source: string;
  model: string;
  p50: number[];
  p90: number[];
  p99: number[];
  fallbackReason?: string;
  /** The model itself failed (not the series): the slice is Degraded while it lasts. */
  modelFault?: string;
}

export interface ForecasterLike {
  forecast(inputs: { key: string; history: Float32Array; endTime: Date }[]): Promise<ForecastResult[]>;
  /** Steps of history its model reads (the last ones of a longer history). */
  readonly historyLength?: number;
}

/** Online feedback: how far off the chosen quantile was, per slice. */
export interface CalibratorLike {
  observe(key: string, predicted: number, actual: number): void;
  /** A score from a hindcast over history: calibrates, is not counted as online coverage. */
  warm(key: string, predicted: number, actual: number): void;
  samples(key: string): number;
  factor(key: string): number;
  coverage(key: string): number | undefined;
  forget(key: string): void;
}

export interface ObservedSlice {
  key: string;
  /** PromQL of the slice (rendered); `defaultQuery` slices are fetched in one batched query. */
  query: string;
  defaultQuery: boolean;
  /** Label values that identify the slice in the batched default query. */
  snssai: string;
  plmnid: string;
  horizonSteps: number;
  quantile: 'p50' | 'p90' | 'p99';
}

/**
 * A slice's last forecast, as much of it as status, metrics and the controller read: where it
 * came from and the next step's value at each quantile. The whole horizon was kept before, three
 * arrays a slice; its peak at the slice's quantile is SliceLoad.forecastPeak.
 */
export interface ForecastSummary {
  source: string;
  model: string;
  p50: number;
  p90: number;
  p99: number;
  fallbackReason?: string;
  modelFault?: string;
}

export interface SliceLoad {
  current?: number;
  observedAt?: number;
  forecast?: ForecastSummary;
  /** Max over the horizon at the slice's quantile. */
  forecastPeak?: number;
  calibration: number;
  coverage?: number;
  /** Set when telemetry failed this cycle: the controller holds capacity. */
  telemetryError?: string;
}

/** What the observer keeps of a slice; get() hands it out as a SliceLoad. */
interface SliceState extends SliceLoad {
  /** The slice's row in the history rows: one value per step, oldest first, NaN for gaps. */
  row: number;
  /** Steps of history held (the row's first `length` cells); the last is `lastStep`. */
  length: number;
  lastStep: number;
  /** Forecast made at a step for the next one, to score against the actual (calibration). */
  pendingStep?: number;
  pendingValue?: number;
}

export interface LoadObserverOptions {
  prometheus?: PrometheusClient;
  forecaster?: ForecasterLike;
  calibrator?: CalibratorLike;
  /** Wall seconds per forecast step (3600 in production; small when a replay is accelerated). */
  stepSeconds: number;
  historySteps?: number;
  /** Maps wall time to the calendar time the traffic belongs to (accelerated replays). */
  clock?: { wallStartMs: number; virtualStartMs: number };
  /** Batched default query, grouped by snssai and plmnid. */
  defaultBatchQuery?: string;
  /** Points per range query of the batched backfill, at most (default 60,000); see backfill(). */
  backfillMaxPoints?: number;
  /** Hindcasts per slice that warm up its calibration from backfilled history (0: none); see warmUp(). */
  calibrationWarmupSteps?: number;
  log: Logger;
}

export const DEFAULT_BATCH_QUERY = 'sum by (snssai, plmnid) (fivegs_smffunction_sm_sessionnbr)';
/**
 * Points per range query of the batched backfill. The answer is held three times over while it
 * is read (JSON text, parsed, validated): at 10,000 slices a day per query (240,000 points) took
 * the operator's heap to 144 MB at start-up and its RSS to a peak of 306 MB (bench/scale.ts
 * --telemetry, run 39), so the steps per query shrink as slices grow.
 */
const BACKFILL_MAX_POINTS = 60_000;

/** Steps of history the embedded model reads (its card's contract), when the forecaster does not say. */
const MODEL_HISTORY_STEPS = 168;
/**
 * Hindcasts that warm up a new slice's calibration (see warmUp()): two days of hourly scores, more
 * than the 24 the calibrator needs before it trusts them. Without them every operator start (an
 * upgrade, a fail-over) left every slice on the model's raw quantile for a day: for the held-out
 * slices of docs/forecaster.md, raw p99 over-provisions by 37 %, calibrated p99 by 17 %.
 */
export const CALIBRATION_WARMUP_STEPS = 48;
/**
 * Slices per warm-up forecast. In bench/telemetry-memory.ts (10,000 slices, the image's flags) the
 * peak RSS of the first cycle was 155 MB without a warm-up, 175 and 182 MB with all slices in each
 * of its 48 forecasts, and 167 and 160 MB with 1,024 at a time.
 */
const WARMUP_CHUNK = 1024;
/**
 * History kept per slice: the model's window, and before it the steps the warm-up's first
 * windows start at. 192 bytes a slice more than the model's window alone (Float32).
 */
export const DEFAULT_HISTORY_STEPS = MODEL_HISTORY_STEPS + CALIBRATION_WARMUP_STEPS;

/**
 * The telemetry half of the loop: each cycle reads every slice's load from Prometheus (one batched
 * query for all slices on the default query), keeps a per-step history (backfilled with
 * query_range at start-up and after outages), runs ONE batched forecast for all slices, and feeds
 * the forecast error back into calibration. Failures never erase what is known: a slice keeps its
 * history and gets `telemetryError`, and the controller holds its capacity.
 */
export class LoadObserver {
  private readonly slices = new Map<string, ObservedSlice>();
  private readonly loads = new Map<string, SliceState>();
  /**
   * Load history of every slice, as Float32 (what the model reads) outside the V8 heap: a week of
   * hourly doubles in a JS array was 1,360 bytes a slice of heap, 13.6 MB at 10,000 slices.
   */
  private readonly history: Rows<Float32ArrayConstructor>;
  cycles = 0;
  lastError?: string;

  constructor(private readonly o: LoadObserverOptions) {
    this.history = new Rows(o.historySteps ?? DEFAULT_HISTORY_STEPS, Float32Array);
    // Without telemetry the load is unknown: slices hold capacity and say why (Degraded).
    if (!o.prometheus) this.lastError = 'no Prometheus configured (--prometheus-url): slice load is unknown';
  }

  get stepMs(): number {
    return this.o.stepSeconds * 1000;
  }

  /** The forecast step a wall time falls in. */
  stepOf(wallMs: number): number {
    const origin = this.o.clock?.wallStartMs ?? 0;
    return Math.floor((wallMs - origin) / this.stepMs);
  }

  private wallOfStep(step: number): number {
    return (this.o.clock?.wallStartMs ?? 0) + step * this.stepMs;
  }

  /** Calendar time of a wall time (identity unless a replay is accelerated). */
  calendarTime(wallMs: number): Date {
    if (!this.o.clock) return new Date(wallMs);
    const speed = 3600 / this.o.stepSeconds;
    return new Date(this.o.clock.virtualStartMs + (wallMs - this.o.clock.wallStartMs) * speed);
  }

  setSlices(list: ObservedSlice[]): void {
    const keep = new Set(list.map((s) => s.key));
    for (const k of [...this.slices.keys()]) if (!keep.has(k)) this.remove(k);
    for (const s of list) this.slices.set(s.key, s);
  }

  upsert(s: ObservedSlice): void {
    const prev = this.slices.get(s.key);
    // A changed query measures something else: its history is not this series' history.
    if (prev && prev.query !== s.query) this.drop(s.key);
    this.slices.set(s.key, s);
  }

  remove(key: string): void {
    this.slices.delete(key);
    this.drop(key);
    this.o.calibrator?.forget(key);
  }

  private drop(key: string): void {
    const l = this.loads.get(key);
    if (!l) return;
    this.history.release(l.row);
    this.loads.delete(key);
  }

  get(key: string): SliceLoad | undefined {
    return this.loads.get(key);
  }

  get size(): number {
    return this.slices.size;
  }

  /**
   * The slice's load history, oldest first, NaN for gaps: a view of its row, not a copy. Rows are
   * handed out only within cycle(), so a view taken for a forecast stays this slice's data while
   * the forecast runs, even if the slice is removed meanwhile.
   */
  historyOf(key: string): Float32Array {
    const l = this.loads.get(key);
    return l ? this.history.view(l.row, 0, l.length) : new Float32Array(0);
  }

  private load(key: string): SliceState {
    let l = this.loads.get(key);
    if (!l) {
      l = { row: this.history.alloc(), length: 0, lastStep: -Infinity, calibration: 1 };
      this.loads.set(key, l);
    }
    return l;
  }

  private record(l: SliceState, step: number, value: number): void {
    const h = this.history;
    const maxLen = h.width;
    if (!Number.isFinite(l.lastStep) || step - l.lastStep > maxLen) {
      h.set(l.row, 0, value);
      l.length = 1;
      l.lastStep = step;
    } else if (step > l.lastStep) {
      const n = step - l.lastStep;
      // Past the end of the row: the oldest steps shift out, in place.
      const shift = Math.max(0, l.length + n - maxLen);
      if (shift) h.copyWithin(l.row, 0, shift, l.length);
      const end = l.length - shift + n;
      h.fillCells(l.row, NaN, l.length - shift, end - 1);
      h.set(l.row, end - 1, value);
      l.length = end;
      l.lastStep = step;
    } else {
      const idx = l.length - 1 - (l.lastStep - step);
      if (idx >= 0) h.set(l.row, idx, value);
    }
  }

  /** Steps missing since the last cycle (start-up, outage) are filled from query_range. Returns the slices it filled. */
  private async backfill(now: number, slices: ObservedSlice[]): Promise<ObservedSlice[]> {
    const prom = this.o.prometheus!;
    const step = this.stepOf(now);
    const maxLen = this.history.width;
    const gaps = slices.filter((s) => {
      const l = this.loads.get(s.key);
      return !l || !Number.isFinite(l.lastStep) || step - l.lastStep > 1;
    });
    if (gaps.length === 0) return gaps;
    const from = Math.max(step - maxLen, Math.min(...gaps.map((s) => (this.loads.get(s.key)?.lastStep ?? -Infinity) + 1)));
    const start = new Date(this.wallOfStep(from));
    const end = new Date(this.wallOfStep(step - 1));
    if (end < start) return [];
    const batched = gaps.filter((s) => s.defaultQuery);
    // The batched query answers for every slice at once, so it goes as many steps at a time as
    // keep an answer within BACKFILL_MAX_POINTS: a week for 10,000 slices in one answer is 1.68
    // million points.
    const chunk = Math.max(1, Math.min(maxLen, Math.floor((this.o.backfillMaxPoints ?? BACKFILL_MAX_POINTS) / Math.max(1, batched.length))));
    let points = 0;
    for (let a = from; batched.length && a < step; a += chunk) {
      const b = Math.min(step - 1, a + chunk - 1);
      const series = await prom.queryRange(this.o.defaultBatchQuery ?? DEFAULT_BATCH_QUERY, new Date(this.wallOfStep(a)), new Date(this.wallOfStep(b)), this.o.stepSeconds);
      const byLabel = new Map(series.map((s) => [`${s.labels.snssai}|${s.labels.plmnid}`, s]));
      for (const s of batched) {
        // Removed meanwhile: no state is made again for it (it would never be released).
        if (!this.currentOf(s)) continue;
        const found = byLabel.get(`${s.snssai}|${s.plmnid}`);
        for (const p of found?.points ?? []) this.record(this.load(s.key), this.stepOf(p.time + 1), p.value);
        points += found?.points.length ?? 0;
      }
    }
    for (const s of gaps.filter((g) => !g.defaultQuery)) {
      const series = await prom.queryRange(s.query, start, end, this.o.stepSeconds);
      if (!this.currentOf(s)) continue;
      for (const p of series[0]?.points ?? []) this.record(this.load(s.key), this.stepOf(p.time + 1), p.value);
      points += series[0]?.points.length ?? 0;
    }
    // Once per start-up or outage: how much history the forecasts start from.
    this.o.log.info('telemetry history backfilled', { slices: gaps.length, steps: step - from, points });
    return gaps;
  }

  /**
   * Calibration from history. A slice the calibrator knows nothing of (a new slice, or any slice
   * after the operator starts: the calibrator lives in memory) would scale on the model's raw
   * quantile until a day of online scores is in. Its backfilled history already holds what that
   * day would teach: for each of the last CALIBRATION_WARMUP_STEPS steps, forecast it from the
   * model's window just before it and score the forecast against what was observed, as the
   * online loop does an hour later. One batched forecast per step back for WARMUP_CHUNK slices
   * at a time, oldest step first, the order online scores come in. A slice with less history
   * than the model's window plus one step learns online only.
   */
  private async warmUp(filled: ObservedSlice[]): Promise<void> {
    const { calibrator: cal, forecaster: fc } = this.o;
    const back0 = this.o.calibrationWarmupSteps ?? CALIBRATION_WARMUP_STEPS;
    if (!cal || !fc || back0 <= 0) return;
    const L = fc.historyLength ?? MODEL_HISTORY_STEPS;
    const all = filled.filter((s) => this.currentOf(s) && cal.samples(s.key) === 0 && (this.loads.get(s.key)?.length ?? 0) > L);
    for (let c = 0; c < all.length; c += WARMUP_CHUNK) {
      if (!(await this.warmUpChunk(all.slice(c, c + WARMUP_CHUNK), back0, L, cal, fc))) return;
    }
  }

  /** The warm-up of some slices: all their steps back, oldest first. False when the forecaster failed. */
  private async warmUpChunk(todo: ObservedSlice[], back0: number, L: number, cal: CalibratorLike, fc: ForecasterLike): Promise<boolean> {
    const bySlice = new Map(todo.map((s) => [s.key, s]));
    for (let back = back0; back >= 1; back--) {
      const inputs: { key: string; history: Float32Array; endTime: Date }[] = [];
      const actuals = new Map<string, number>();
      for (const s of todo) {
        const l = this.loads.get(s.key);
        const t = l ? l.length - back : -1; // the target step's cell
        if (!l || t < L) continue;
        const actual = this.history.get(l.row, t);
        if (!isUsable(actual)) continue;
        // The window's last point is the step before the target.
        inputs.push({ key: s.key, history: this.history.view(l.row, t - L, t), endTime: this.calendarTime(this.wallOfStep(l.lastStep - back)) });
        actuals.set(s.key, actual);
      }
      if (!inputs.length) continue;
      let results: ForecastResult[];
      try {
        results = await fc.forecast(inputs);
      } catch (e) {
        this.o.log.error('calibration warm-up failed; slices calibrate online', { error: String(e) });
        return false;
      }
      for (const f of results) {
        // A slice removed while the forecast ran is skipped, as in runForecast.
        const s = bySlice.get(f.key);
        const cur = s && this.currentOf(s);
        const predicted = cur ? f[cur.quantile][0] : undefined;
        if (cur && predicted !== undefined) cal.warm(cur.key, predicted, actuals.get(cur.key)!);
      }
    }
    return true;
  }

  private async readCurrent(now: number, all: ObservedSlice[]): Promise<Map<string, number>> {
    const prom = this.o.prometheus!;
    const out = new Map<string, number>();
    if (all.some((s) => s.defaultQuery)) {
      const samples = await prom.query(this.o.defaultBatchQuery ?? DEFAULT_BATCH_QUERY, new Date(now));
      const byLabel = new Map(samples.map((s) => [`${s.labels.snssai}|${s.labels.plmnid}`, s.value]));
      for (const s of all) if (s.defaultQuery && byLabel.has(`${s.snssai}|${s.plmnid}`)) out.set(s.key, byLabel.get(`${s.snssai}|${s.plmnid}`)!);
    }
    for (const s of all.filter((x) => !x.defaultQuery)) {
      const samples = await prom.query(s.query, new Date(now));
      if (samples.length === 1) out.set(s.key, samples[0]!.value);
      else if (samples.length > 1) out.set(s.key, samples.reduce((a, b) => a + b.value, 0));
    }
    return out;
  }

  /**
   * A slice taken at the start of a cycle as it is observed now, if it still is with the same
   * query (a new query drops its history). Reconciles upsert a fresh object for it every time,
   * so by key; the fresh one has the slice's quantile and horizon as they are now.
   */
  private currentOf(s: ObservedSlice): ObservedSlice | undefined {
    const cur = this.slices.get(s.key);
    return cur?.query === s.query ? cur : undefined;
  }

  /** One telemetry + forecast cycle. Returns the keys whose load snapshot changed. */
  async cycle(now = Date.now()): Promise<string[]> {
    this.cycles++;
    const step = this.stepOf(now);
    if (!this.o.prometheus) return [];
    // The cycle's slices are fixed at its start. Reconciles add slices while it waits for
    // Prometheus: one added after the backfill had chosen its slices but before the current
    // values were read got this step's value and no history, and was never backfilled: it ran on
    // fallback forecasts ("history too short") until a week of steps had gone by. In the demo 4
    // of the 6 slices came in that way. Slices added meanwhile wait for the next cycle, which
    // backfills them.
    const slices = [...this.slices.values()];
    let current: Map<string, number>;
    let filled: ObservedSlice[];
    try {
      filled = await this.backfill(now, slices);
      current = await this.readCurrent(now, slices);
      this.lastError = undefined;
    } catch (e) {
      const msg = e instanceof PrometheusError ? e.message : `telemetry failed: ${String(e)}`;
      this.lastError = msg;
      this.o.log.error('telemetry cycle failed, holding capacity', { error: msg });
      for (const s of this.slices.values()) this.load(s.key).telemetryError = msg;
      return [...this.slices.keys()];
    }
    // Before this step's values go in: the history then ends with the last complete step.
    await this.warmUp(filled);
    for (const taken of slices) {
      const s = this.currentOf(taken);
      if (!s) continue;
      const l = this.load(s.key);
      const v = current.get(s.key);
      if (v === undefined || !Number.isFinite(v) || v < 0) {
        l.telemetryError = v === undefined ? `query returned no sample: ${s.query}` : `query returned an invalid value (${v})`;
        continue;
      }
      l.telemetryError = undefined;
      // The observation time moves only with a new value or a new step: a steady slice must not
      // rewrite its status every cycle (a no-op resync performs zero writes).
      if (l.current !== v || l.observedAt === undefined || this.stepOf(l.observedAt) !== step) l.observedAt = now;
      l.current = v;
      this.record(l, step, v);
      if (l.pendingStep === step && l.pendingValue !== undefined && this.o.calibrator) {
        this.o.calibrator.observe(s.key, l.pendingValue, v);
        l.pendingStep = l.pendingValue = undefined;
      }
    }
    await this.runForecast(step, slices);
    return slices.filter((s) => this.currentOf(s)).map((s) => s.key);
  }

  private async runForecast(step: number, slices: ObservedSlice[]): Promise<void> {
    if (!this.o.forecaster) return;
    const ready = slices.flatMap((taken) => {
      const s = this.currentOf(taken);
      const l = s && this.loads.get(s.key);
      return s && l && !l.telemetryError && l.length > 0 ? [s] : [];
    });
    if (ready.length === 0) return;
    const inputs = ready.map((s) => ({ key: s.key, history: this.historyOf(s.key), endTime: this.calendarTime(this.wallOfStep(step)) }));
    let results: ForecastResult[];
    try {
      results = await this.o.forecaster.forecast(inputs);
    } catch (e) {
      this.o.log.error('forecast failed; controllers fall back to the observed load', { error: String(e) });
      return;
    }
    const byKey = new Map(results.map((r) => [r.key, r]));
    for (const s of ready) {
      const f = byKey.get(s.key);
      // A slice removed while the forecast ran (a reconcile of its deletion) is gone: skip it.
      const l = this.loads.get(s.key);
      if (!f || !l || !this.currentOf(s)) continue;
      const q = f[s.quantile].slice(0, Math.max(1, s.horizonSteps)).filter((x) => Number.isFinite(x));
      l.forecast = summary(f);
      l.forecastPeak = q.length ? Math.max(...q) : undefined;
      const next = f[s.quantile][0];
      if (next !== undefined && Number.isFinite(next)) {
        l.pendingStep = step + 1;
        l.pendingValue = next;
      }
      l.calibration = this.o.calibrator?.factor(s.key) ?? 1;
      l.coverage = this.o.calibrator?.coverage(s.key);
    }
  }
}

function summary(f: ForecastResult): ForecastSummary {
  const out: ForecastSummary = { source: f.source, model: f.model, p50: f.p50[0] ?? NaN, p90: f.p90[0] ?? NaN, p99: f.p99[0] ?? NaN };
  if (f.fallbackReason !== undefined) out.fallbackReason = f.fallbackReason;
  if (f.modelFault !== undefined) out.modelFault = f.modelFault;
  return out;
}
