/**
 * The operator's telemetry loop replayed over hourly history, for many slices at once: at the
 * start of every simulated hour h, each slice's forecast from the model's window of complete
 * hours before h (one batched inference for all slices, as LoadObserver's cycle does), the
 * peak over the slice's horizon at its quantile (batch-forecast.ts), and the conformal
 * calibration factor in force (calibration.ts): warmed up by hindcasts over the hours before
 * the replay (warm-up.ts), then scored online with each hour's actual against the forecast for it.
 */
import { ConformalCalibrator, type CalibratorOptions } from '../forecast/calibration.js';
import type { BatchForecaster, Forecast, SeriesInput } from '../forecast/contract.js';
import type { Quantile } from '../telemetry/slice-load.js';

export interface ForecastSlice {
  key: string;
  /** Hourly values, the first at startMs. */
  hourly: Float64Array;
  startMs: number;
  horizonSteps: number;
}

/** Per simulated hour, at one quantile (NaN for a quantile the replay was not asked for): the peak over the slice's horizon and the calibration factor in force. */
export interface QuantileForecasts {
  peak: Float32Array;
  calib: Float32Array;
  /** The forecast's steps 0 and 1 (the hour the forecast is made in, and the one after). */
  next: Float32Array;
  second: Float32Array;
}

export interface HourlyForecasts {
  /** The first simulated hour (an index into the slice's hourly values). */
  firstHour: number;
  hours: number;
  /** Each quantile, with its own calibrator (a slice provisions at one; a sweep compares them). */
  q: Record<Quantile, QuantileForecasts>;
  source: string;
}

const QS: Quantile[] = ['p50', 'p90', 'p99'];

const HOUR_MS = 3_600_000;
/** Slices per inference, as the warm-up chunks them (bounds onnxruntime's arena). */
const CHUNK = 1024;

async function forecastChunk(forecaster: BatchForecaster, slices: ForecastSlice[], hour: number, L: number): Promise<Forecast[]> {
  const inputs: SeriesInput[] = slices.map((s) => ({
    key: s.key,
    history: Float32Array.from(s.hourly.subarray(hour - L, hour)),
    endTime: new Date(s.startMs + (hour - 1) * HOUR_MS),
  }));
  return forecaster.forecast(inputs);
}

/**
 * Forecasts and factors for every slice over hours [firstHour, n) where firstHour = L + warmup
 * (the model's window, then the calibration warm-up's hindcasts). Slices must share one length.
 */
export async function replayForecasts(
  forecaster: BatchForecaster,
  slices: ForecastSlice[],
  warmupHours: number,
  calibration: CalibratorOptions = {},
  quantiles: Quantile[] = QS,
): Promise<HourlyForecasts[]> {
  const L = forecaster.historyLength ?? 168;
  const n = slices.length ? slices[0]!.hourly.length : 0;
  const first = L + warmupHours;
  const sim = Math.max(0, n - first);
  const calibrators = Object.fromEntries(QS.map((q) => [q, new ConformalCalibrator(calibration)])) as Record<Quantile, ConformalCalibrator>;
  const none = new Float32Array(sim).fill(NaN);
  const perQuantile = (q: Quantile): QuantileForecasts =>
    quantiles.includes(q) ? { peak: new Float32Array(sim), calib: new Float32Array(sim), next: new Float32Array(sim), second: new Float32Array(sim) } : { peak: none, calib: none, next: none, second: none };
  const out: HourlyForecasts[] = slices.map(() => ({ firstHour: first, hours: sim, q: { p50: perQuantile('p50'), p90: perQuantile('p90'), p99: perQuantile('p99') }, source: '' }));
  for (let c = 0; c < slices.length; c += CHUNK) {
    const chunk = slices.slice(c, c + CHUNK);
    // Warm-up: hindcasts of the hours before the replay, oldest first.
    for (let h = L; h < first; h++) {
      const fs = await forecastChunk(forecaster, chunk, h, L);
      fs.forEach((f, i) => {
        for (const q of quantiles) calibrators[q].warm(chunk[i]!.key, f[q][0]!, chunk[i]!.hourly[h]!);
      });
    }
    for (let h = first; h < n; h++) {
      const fs = await forecastChunk(forecaster, chunk, h, L);
      fs.forEach((f, i) => {
        const s = chunk[i]!;
        const o = out[c + i]!;
        const k = h - first;
        o.source ||= f.source;
        for (const qn of quantiles) {
          const q = f[qn];
          let peak = -Infinity;
          for (let j = 0; j < Math.max(1, Math.min(s.horizonSteps, q.length)); j++) peak = Math.max(peak, q[j]!);
          o.q[qn].peak[k] = peak;
          o.q[qn].calib[k] = calibrators[qn].factor(s.key);
          o.q[qn].next[k] = q[0]!;
          o.q[qn].second[k] = q[Math.min(1, q.length - 1)]!;
          // The hour's actual scores the forecast made for it once the hour is over.
          calibrators[qn].observe(s.key, q[0]!, s.hourly[h]!);
        }
      });
    }
    for (const s of chunk) for (const q of QS) calibrators[q].forget(s.key);
  }
  return out;
}
