// The telemetry half of the loop, per cycle: backfill what history misses, read every slice's
// current load, warm up calibration for slices it does not know, record the step, score the
// previous forecast, and run one batched forecast for all slices.
import type { BatchForecaster, Calibrator } from '../forecast/contract.js';
import type { Logger } from '../runtime/logger.js';
import { backfill } from './backfill.js';
import type { CycleContext } from './context.js';
import { readCurrentLoad, type CurrentLoad } from './current-load.js';
import { forecastSlices } from './batch-forecast.js';
import { CALIBRATION_WARMUP_STEPS, LoadHistory } from './load-history.js';
import { PrometheusError, type PrometheusClient } from './prometheus-client.js';
import type { ObservedSlice, SliceLoad } from './slice-load.js';
import { QueryChecks, type SliceFault } from './slice-queries.js';
import { StepClock, type StepClockOptions } from './step-clock.js';
import { warmUpCalibration } from './warm-up.js';
import { detectLoad, initialDetector, isTransient, TRANSIENT_STEPS, type LoadAnomaly } from './load-anomaly.js';
import type { SliceState } from './load-history.js';

export const DEFAULT_BATCH_QUERY = 'sum by (snssai, plmnid) (fivegs_smffunction_sm_sessionnbr)';

export interface LoadObserverOptions extends StepClockOptions {
  prometheus?: PrometheusClient;
  forecaster?: BatchForecaster;
  calibrator?: Calibrator;
  historySteps?: number;
  /** Batched default query, grouped by snssai and plmnid. */
  defaultBatchQuery?: string;
  /** Points per range query of the batched backfill, at most (see backfill.ts). */
  backfillMaxPoints?: number;
  /** Hindcasts per slice that warm up its calibration from backfilled history (0: none; see warm-up.ts). */
  calibrationWarmupSteps?: number;
  /** Milliseconds between cycles (default: a step, at most a minute): how old a decision's load can be (the lag a LeadTime path adds to its lead). */
  cycleMs?: number;
  log: Logger;
}

/**
 * Failures never erase what is known: a slice keeps its history and gets `telemetryError`, and
 * the controller holds its capacity. Reconciles register slices with upsert(); the loop calls
 * cycle() once per interval.
 */
export class LoadObserver {
  private readonly slices = new Map<string, ObservedSlice>();
  private readonly history: LoadHistory;
  private readonly clock: StepClock;
  private readonly ctx: CycleContext;
  private readonly checks = new QueryChecks();
  cycles = 0;
  lastError?: string;

  constructor(private readonly o: LoadObserverOptions) {
    this.history = new LoadHistory(o.historySteps);
    this.clock = new StepClock(o);
    this.ctx = { history: this.history, clock: this.clock, cycleMs: o.cycleMs ?? Math.min(this.clock.stepMs, 60_000), current: (s) => this.currentOf(s), log: o.log };
    // Without telemetry the load is unknown: slices hold capacity and say why (Degraded).
    if (!o.prometheus) this.lastError = 'no Prometheus configured (--prometheus-url): slice load is unknown';
  }

  /** Milliseconds between cycles: --cycle-seconds, else a step but at most a minute. */
  get cycleMs(): number {
    return this.ctx.cycleMs;
  }

  get stepMs(): number {
    return this.clock.stepMs;
  }

  /** The forecast step a wall time falls in. */
  stepOf(wallMs: number): number {
    return this.clock.stepOf(wallMs);
  }

  /** Calendar time of a wall time (identity unless a replay is accelerated). */
  calendarTime(wallMs: number): Date {
    return this.clock.calendarTime(wallMs);
  }

  setSlices(list: ObservedSlice[]): void {
    const keep = new Set(list.map((s) => s.key));
    for (const k of [...this.slices.keys()]) if (!keep.has(k)) this.remove(k);
    for (const s of list) this.slices.set(s.key, s);
  }

  upsert(s: ObservedSlice): void {
    const prev = this.slices.get(s.key);
    // A changed query measures something else: its history is not this series' history.
    if (prev && prev.query !== s.query) this.history.drop(s.key);
    this.slices.set(s.key, s);
  }

  remove(key: string): void {
    this.slices.delete(key);
    this.history.drop(key);
    this.checks.forget(key);
    this.o.calibrator?.forget(key);
  }

  get(key: string): SliceLoad | undefined {
    return this.history.get(key);
  }

  get size(): number {
    return this.slices.size;
  }

  /** The slice's load history, oldest first, NaN for gaps: a view of its row, not a copy. */
  historyOf(key: string): Float32Array {
    const l = this.history.get(key);
    return l ? this.history.view(l) : new Float32Array(0);
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

  /** One telemetry + forecast cycle. Returns the keys whose load snapshot may have changed. */
  async cycle(now = Date.now()): Promise<string[]> {
    this.cycles++;
    const prometheus = this.o.prometheus;
    if (!prometheus) return [];
    const step = this.clock.stepOf(now);
    const batchQuery = this.o.defaultBatchQuery ?? DEFAULT_BATCH_QUERY;
    // The cycle's slices are fixed at its start: a slice added while it waits for Prometheus
    // would get this step's value and no history. It waits for the next cycle, which backfills it.
    const slices = [...this.slices.values()];
    let current: CurrentLoad;
    let filled: ObservedSlice[];
    try {
      const faults = await this.checks.invalid(prometheus, slices);
      const valid = slices.filter((s) => !faults.has(s.key));
      filled = await backfill(this.ctx, { prometheus, batchQuery, maxPoints: this.o.backfillMaxPoints }, now, valid, faults);
      current = await readCurrentLoad(prometheus, batchQuery, now, valid.filter((s) => !faults.has(s.key)));
      for (const [key, f] of faults) if (!current.faults.has(key)) current.faults.set(key, f);
      this.lastError = current.batchError;
    } catch (e) {
      const msg = e instanceof PrometheusError ? e.message : `telemetry failed: ${String(e)}`;
      this.lastError = msg;
      this.o.log.error('telemetry cycle failed, holding capacity', { error: msg });
      for (const s of this.slices.values()) this.fault(s, { reason: 'TelemetryUnavailable', message: msg }, false);
      return [...this.slices.keys()];
    }
    // Before this step's values go in: the history then ends with the last complete step.
    const { calibrator, forecaster } = this.o;
    if (calibrator && forecaster) {
      await warmUpCalibration(this.ctx, { calibrator, forecaster, steps: this.o.calibrationWarmupSteps ?? CALIBRATION_WARMUP_STEPS }, filled);
    }
    for (const taken of slices) {
      const s = this.currentOf(taken);
      const fault = s && current.faults.get(s.key);
      if (fault) this.fault(s, fault, true);
      else if (s) this.observe(s, step, now, current.values.get(s.key));
    }
    if (forecaster) await forecastSlices(this.ctx, forecaster, calibrator, step, slices);
    return slices.filter((s) => this.currentOf(s)).map((s) => s.key);
  }

  /** Flags a slice whose load is unknown this cycle; a new fault of its own query is logged, naming the slice. */
  private fault(s: ObservedSlice, f: SliceFault, own: boolean): void {
    const l = this.history.ensure(s.key);
    if (own && l.telemetryError !== f.message) this.o.log.warn('slice telemetry failed; the slice holds its capacity', { slice: s.key, reason: f.reason, error: f.message });
    l.telemetryError = f.message;
    l.telemetryReason = f.reason;
  }

  /** Records a slice's value for this step and scores the forecast made for it a step ago. */
  private observe(s: ObservedSlice, step: number, now: number, v: number | undefined): void {
    const l = this.history.ensure(s.key);
    if (v === undefined || !Number.isFinite(v) || v < 0) {
      l.telemetryError = v === undefined ? `query returned no sample: ${s.query}` : `query returned an invalid value (${v})`;
      l.telemetryReason = 'TelemetryUnavailable';
      return;
    }
    l.telemetryError = l.telemetryReason = undefined;
    // The observation time moves only with a new value or a new step: a steady slice must not
    // rewrite its status every cycle (a no-op resync performs zero writes).
    if (l.current !== v || l.observedAt === undefined || this.clock.stepOf(l.observedAt) !== step) l.observedAt = now;
    l.current = v;
    const anomaly = this.detect(l, step, now, v);
    // A young surge or outage enters the history as the forecast's p50, and no anomaly is a
    // calibration score: the model and its band do not chase a transient (docs/anomalies.md).
    const transient = anomaly && isTransient(anomaly.kind) && step - this.clock.stepOf(anomaly.sinceMs) < TRANSIENT_STEPS;
    this.history.record(l, step, transient && l.band ? l.band.p50 : v);
    if (l.pendingStep === step && l.pendingValue !== undefined && this.o.calibrator) {
      if (!anomaly) this.o.calibrator.observe(s.key, l.pendingValue, v);
      l.pendingStep = l.pendingValue = undefined;
    }
  }

  /** Scores this cycle's load against the band forecast for this step; the anomaly active now, if any. */
  private detect(l: SliceState, step: number, now: number, v: number): LoadAnomaly | undefined {
    if (l.nextBand && l.nextBand.step <= step) {
      if (l.nextBand.step === step) l.band = l.nextBand;
      l.nextBand = undefined;
    }
    if (l.band?.step === step) {
      l.detector ??= initialDetector();
      detectLoad(l.detector, l.band, v, now);
    }
    // Without a band for this step (no forecast yet, or the forecaster failing) nothing is judged.
    l.anomaly = l.band?.step === step ? l.detector?.active : undefined;
    return l.anomaly;
  }
}
