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
import { CalendarCache } from './calendar.js';
import { countGaps, fillGaps, MAX_GAP_SHARE, padShortHistory, scaleOf } from './features.js';
import { fallbackForecast } from './fallback.js';
import { allocateFloat32, OnnxForecastModel } from './model.js';
import type { BatchForecaster, Forecast, SeriesInput } from './contract.js';

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

  /** Forecasts in input order, one per input. Never rejects for data or model problems. */
  async forecast(inputs: readonly SeriesInput[]): Promise<Forecast[]> {
    const out: (Forecast | undefined)[] = new Array(inputs.length);
    const reasons: (string | undefined)[] = new Array(inputs.length);
    const faults: (string | undefined)[] = new Array(inputs.length);
    const L = this.historyLength;
    const H = this.horizonSteps;

    // 1. Decide per series whether the model may be used, and prepare its row.
    const short = this.card?.contract.shortHistory;
    const minPoints = short?.minPoints ?? L;
    const rows: { index: number; scale: number; widen?: { p90: number; p99: number } }[] = [];
    const histBuf = this.model ? allocateFloat32(inputs.length * L) : undefined;
    const calBuf = this.model ? allocateFloat32(inputs.length * CALENDAR_FEATURES) : undefined;
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i]!;
      if (!this.model || !histBuf || !calBuf || !this.calendar) {
        reasons[i] = faults[i] = `model ${this.modelStatus.name} not loaded: ${this.modelStatus.error ?? 'unknown error'}`;
        continue;
      }
      if (s.history.length < minPoints) {
        reasons[i] = `history too short for the model: ${s.history.length} of ${minPoints} hourly points`;
        continue;
      }
      // A view of the last L values (or all of a shorter history), not a copy.
      const window = s.history.length <= L ? s.history : Array.isArray(s.history) ? s.history.slice(-L) : (s.history as Float32Array).subarray(-L);
      const gaps = countGaps(window);
      if (gaps > MAX_GAP_SHARE * window.length) {
        reasons[i] = `too many gaps for the model: ${gaps} of the last ${window.length} hourly points missing`;
        continue;
      }
      const t = s.endTime.getTime();
      if (!Number.isFinite(t)) {
        reasons[i] = 'invalid endTime';
        continue;
      }
      const gapFree = gaps ? fillGaps(window) : window;
      const filled = window.length < L ? padShortHistory(gapFree, L) : gapFree;
      const scale = scaleOf(filled, this.card!.contract.scaling.epsilon);
      const r = rows.length;
      for (let j = 0; j < L; j++) histBuf[r * L + j] = filled[j]! / scale;
      calBuf.set(this.calendar.features(new Date(t + STEP_SECONDS * 1000)), r * CALENDAR_FEATURES);
      rows.push({ index: i, scale, ...(window.length < L ? { widen: bandWidening(short!.bands, window.length) } : {}) });
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
