// The operator's forecasting entry point. Design rules:
// - never throw because of the model: a missing/corrupt/mismatched model puts the forecaster in
//   fallback mode (modelStatus says why) and the slices keep getting forecasts;
// - one batched ONNX inference per call, whatever the number of series;
// - every forecast says where it came from (source, model, fallbackReason) so the slice status
//   can explain a scaling decision.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALENDAR_FEATURES, QUANTILE_LEVELS, loadModelCard, type ModelCard } from './card.js';
import { CalendarCache, localHourAndWeekday } from './calendar.js';
import { HOURS_PER_DAY, HOURS_PER_WEEK } from './baselines.js';
import { countGaps, fillGaps, MAX_GAP_SHARE, padShortHistory, scaleOf, type Padding } from './features.js';
import { fallbackForecast } from './fallback.js';
import { allocateFloat32, OnnxForecastModel } from './model.js';
import type { Attribution, BatchForecaster, Forecast, SeriesInput } from './contract.js';
import { attributionOf, occludedRows, QUANTILE_INDEX } from './attribution.js';

// A type alias (not an interface) so it is assignable to structured-log fields.
export type ModelStatus = {
  name: string;
  loaded: boolean;
  error?: string;
};

export interface ForecasterOptions {
  /** ONNX file with the contract of models/forecaster.card.json; default: the embedded model. */
  modelPath?: string;
  /** Card describing modelPath; default: models/forecaster.card.json. */
  cardPath?: string;
  /** Time zone for the calendar features; default: the card's (the training data's) zone. */
  timeZone?: string;
}

/** Used when no valid card is available, so fallbacks still produce the usual horizon. */
const DEFAULT_HORIZON = 6;
const DEFAULT_HISTORY = 168;
const STEP_SECONDS = 3600;
const Q = QUANTILE_LEVELS.length;

/**
 * Package root, found by walking up from this file: works from src/forecast via tsx/jest and
 * from dist/forecast after `npm run build`.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'models'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const defaultModelPath = (): string => path.join(packageRoot(), 'models', 'forecaster.onnx');
export const defaultCardPath = (): string => path.join(packageRoot(), 'models', 'forecaster.card.json');

type Bands = NonNullable<ModelCard['contract']['shortHistory']>['bands'];

/** The widening factors of the band holding `points` known hours (the widest band if none does). */
export function bandWidening(bands: Bands, points: number): { p90: number; p99: number } {
  const b = bands.find((x) => points >= x.fromPoints && points < x.toPoints) ?? bands.reduce((w, x) => (x.p99Factor > w.p99Factor ? x : w));
  return { p90: b.p90Factor, p99: b.p99Factor };
}

export class Forecaster implements BatchForecaster {
  readonly modelStatus: ModelStatus;
  readonly horizonSteps: number;
  readonly historyLength: number;
  private readonly calendar: CalendarCache | undefined;

  private constructor(
    private readonly model: OnnxForecastModel | undefined,
    readonly card: ModelCard | undefined,
    status: ModelStatus,
    timeZone: string | undefined,
  ) {
    this.modelStatus = Object.freeze({ ...status });
    this.horizonSteps = card?.contract.horizonSteps ?? DEFAULT_HORIZON;
    this.historyLength = card?.contract.historyLength ?? DEFAULT_HISTORY;
    const tz = timeZone ?? card?.contract.calendar.timezone;
    this.calendar = tz ? new CalendarCache(tz) : undefined;
  }

  static async create(opts: ForecasterOptions = {}): Promise<Forecaster> {
    const modelPath = opts.modelPath ?? defaultModelPath();
    const cardPath = opts.cardPath ?? defaultCardPath();
    let card: ModelCard | undefined;
    try {
      card = await loadModelCard(cardPath);
      const name = `${card.name}@${card.version}`;
      if (!existsSync(modelPath)) {
        return new Forecaster(undefined, card, { name, loaded: false, error: `model file not found: ${modelPath}` }, opts.timeZone);
      }
      const model = await OnnxForecastModel.load(modelPath, card);
      return new Forecaster(model, card, { name, loaded: true }, opts.timeZone);
    } catch (err) {
      const name = card ? `${card.name}@${card.version}` : path.basename(modelPath);
      const e = err as Error;
      const error = `${e.name === 'Error' ? 'cannot load model' : e.name}: ${e.message}`.slice(0, 500);
      return new Forecaster(undefined, card, { name, loaded: false, error }, opts.timeZone);
    }
  }

  /**
   * What the model reads of a series: its last window with gaps filled, the window's scale, and
   * the calendar features of the step forecast; or why the model cannot read it.
   */
  private modelInput(s: SeriesInput): { filled: ArrayLike<number>; scale: number; calendar: ArrayLike<number>; known: number } | string {
    const L = this.historyLength;
    // A history shorter than the model's window is padded (the card's shortHistory contract).
    const minPoints = this.card?.contract.shortHistory?.minPoints ?? L;
    if (s.history.length < minPoints) return `history too short for the model: ${s.history.length} of ${minPoints} hourly points`;
    // A view of the last L values (or all of a shorter history), not a copy.
    const window = s.history.length <= L ? s.history : Array.isArray(s.history) ? s.history.slice(-L) : (s.history as Float32Array).subarray(-L);
    const gaps = countGaps(window);
    if (gaps > MAX_GAP_SHARE * window.length) return `too many gaps for the model: ${gaps} of the last ${window.length} hourly points missing`;
    const t = s.endTime.getTime();
    if (!Number.isFinite(t)) return 'invalid endTime';
    const gapFree = gaps ? fillGaps(window) : window;
    const filled = window.length < L ? padShortHistory(gapFree, L, this.padding(t)) : gapFree;
    return { filled, scale: scaleOf(filled, this.card!.contract.scaling.epsilon), calendar: this.calendar!.features(new Date(t + STEP_SECONDS * 1000)), known: window.length };
  }

  /**
   * The card's padding for a short window whose last point is at `endMs`: a weekly profile is
   * read from the local hour of the week of the window's oldest point (the first forecast step,
   * an hour after `endMs`, less the window's length).
   */
  private padding(endMs: number): Padding {
    const short = this.card?.contract.shortHistory;
    if (short?.padding !== 'weekly-profile' || !short.profile || !this.calendar) return { kind: 'daily-tile' };
    const { hour, dow } = localHourAndWeekday(new Date(endMs + STEP_SECONDS * 1000), this.calendar.timeZone);
    const firstHourOfWeek = (((dow * HOURS_PER_DAY + hour - this.historyLength) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
    return { kind: 'weekly-profile', profile: short.profile, firstHourOfWeek };
  }

  /**
   * The forecast's top drivers for each series the model can read: the change of its next-step
   * forecast at `quantile` when each input group is occluded (attribution.ts), in one batch.
   */
  async attribute(inputs: readonly SeriesInput[], quantile: 'p50' | 'p90' | 'p99'): Promise<Map<string, Attribution[]>> {
    const out = new Map<string, Attribution[]>();
    if (!this.model || !this.calendar) return out;
    const prepared = inputs.flatMap((s) => {
      const m = this.modelInput(s);
      return typeof m === 'string' ? [] : [{ key: s.key, ...m }];
    });
    if (!prepared.length) return out;
    const L = this.historyLength;
    const rows = prepared.map((m) => occludedRows(Float32Array.from(m.filled, (v) => v / m.scale), Float32Array.from(m.calendar), L));
    const per = rows[0]!.n;
    const history = allocateFloat32(prepared.length * per * L);
    const calendar = allocateFloat32(prepared.length * per * CALENDAR_FEATURES);
    rows.forEach((r, i) => {
      history.set(r.history, i * per * L);
      calendar.set(r.calendar, i * per * CALENDAR_FEATURES);
    });
    const { quantiles } = await this.model.run(history, calendar, prepared.length * per);
    const stride = this.horizonSteps * Q;
    prepared.forEach((m, i) => out.set(m.key, attributionOf(quantiles.subarray(i * per * stride, (i + 1) * per * stride), stride, QUANTILE_INDEX[quantile])));
    return out;
  }

  /** Forecasts in input order, one per input. Never rejects for data or model problems. */
  async forecast(inputs: readonly SeriesInput[]): Promise<Forecast[]> {
    const out: (Forecast | undefined)[] = new Array(inputs.length);
    const reasons: (string | undefined)[] = new Array(inputs.length);
    const faults: (string | undefined)[] = new Array(inputs.length);
    const L = this.historyLength;
    const H = this.horizonSteps;

    // 1. Decide per series whether the model may be used, and prepare its row.
    const short = this.card?.contract.shortHistory;
    const rows: { index: number; scale: number; widen?: { p90: number; p99: number } }[] = [];
    const histBuf = this.model ? allocateFloat32(inputs.length * L) : undefined;
    const calBuf = this.model ? allocateFloat32(inputs.length * CALENDAR_FEATURES) : undefined;
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i]!;
      if (!this.model || !histBuf || !calBuf || !this.calendar) {
        reasons[i] = faults[i] = `model ${this.modelStatus.name} not loaded: ${this.modelStatus.error ?? 'unknown error'}`;
        continue;
      }
      const prepared = this.modelInput(s);
      if (typeof prepared === 'string') {
        reasons[i] = prepared;
        continue;
      }
      const { filled, scale, known } = prepared;
      const r = rows.length;
      for (let j = 0; j < L; j++) histBuf[r * L + j] = filled[j]! / scale;
      calBuf.set(prepared.calendar as ArrayLike<number>, r * CALENDAR_FEATURES);
      rows.push({ index: i, scale, ...(known < L ? { widen: bandWidening(short!.bands, known) } : {}) });
    }

    // 2. One batched inference for every eligible series.
    if (rows.length && this.model && histBuf && calBuf) {
      const n = rows.length;
      try {
        const { quantiles } = await this.model.run(histBuf.subarray(0, n * L), calBuf.subarray(0, n * CALENDAR_FEATURES), n);
        for (let r = 0; r < n; r++) {
          const { index, scale, widen } = rows[r]!;
          const w90 = widen?.p90 ?? 1;
          const w99 = widen?.p99 ?? 1;
          // Sized up front: the observer keeps the last forecast of every slice, and arrays grown
          // by push keep 16 slots or more for the 6 steps of the horizon.
          const p50 = new Array<number>(H);
          const p90 = new Array<number>(H);
          const p99 = new Array<number>(H);
          let finite = true;
          for (let h = 0; h < H; h++) {
            const o = (r * H + h) * Q;
            const a = quantiles[o]!;
            const b = quantiles[o + 1]!;
            const c = quantiles[o + 2]!;
            if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) finite = false;
            // Load is never negative; the running max keeps the quantiles monotone even for a
            // user model that does not enforce it in its graph.
            // A short history widens the bands by its bucket's calibrated factors (1 otherwise).
            const v50 = a > 0 ? a * scale : 0;
            const v90 = Math.max(v50, (a + w90 * (b - a)) * scale);
            p50[h] = v50;
            p90[h] = v90;
            p99[h] = Math.max(v90, v90 + w99 * (c - b) * scale);
          }
          if (!finite) {
            reasons[index] = faults[index] = 'model returned non-finite values for this series';
            continue;
          }
          out[index] = {
            key: inputs[index]!.key,
            source: 'onnx',
            model: this.modelStatus.name,
            stepSeconds: 3600,
            horizonSteps: H,
            p50,
            p90,
            p99,
          };
        }
      } catch (err) {
        const reason = `model inference failed: ${(err as Error).message}`.slice(0, 300);
        for (const { index } of rows) reasons[index] = faults[index] = reason;
      }
    }

    // 3. Everything else falls back, with the reason.
    for (let i = 0; i < inputs.length; i++) {
      if (out[i]) continue;
      const s = inputs[i]!;
      const fb = fallbackForecast(Array.isArray(s.history) ? s.history : Array.from(s.history), H);
      const reason = [reasons[i] ?? 'model unavailable', fb.note].filter(Boolean).join('; ');
      out[i] = {
        key: s.key,
        source: fb.source,
        model: fb.model,
        stepSeconds: 3600,
        horizonSteps: H,
        p50: fb.p50,
        p90: fb.p90,
        p99: fb.p99,
        fallbackReason: reason,
        ...(faults[i] ? { modelFault: faults[i] } : {}),
      };
    }
    return out as Forecast[];
  }

  async close(): Promise<void> {
    await this.model?.release();
  }
}
