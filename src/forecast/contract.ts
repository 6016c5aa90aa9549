// The forecasting contract between src/forecast and its users (the telemetry loop, tooling):
// what a series handed to a forecaster is, what comes back, and what the online calibrator
// does. Forecaster and ReloadingForecaster implement BatchForecaster; ConformalCalibrator
// implements Calibrator.

export interface SeriesInput {
  key: string;
  /**
   * Hourly values, oldest first; NaN marks a gap. Float32 is what the model reads; the telemetry
   * loop keeps its history that way.
   */
  history: readonly number[] | Float32Array;
  /** Time of the last point of history. */
  endTime: Date;
}

export type ForecastSource = 'onnx' | 'seasonal-naive' | 'ewma';

/** A forecast in the series' own units, one value per step ahead at each quantile. */
export interface Forecast {
  key: string;
  source: ForecastSource;
  model: string;
  stepSeconds: 3600;
  horizonSteps: number;
  p50: number[];
  p90: number[];
  p99: number[];
  fallbackReason?: string;
  /**
   * Set when the fallback is the model's fault (not loaded, failed, non-finite output) rather
   * than the series' (short history, gaps): the slice reports Degraded for it.
   */
  modelFault?: string;
}

/** One driver of a forecast: how much lower it is without an input group, percent. */
export interface Attribution {
  factor: string;
  percent: number;
}

/** Forecasts many series in one call (one batched inference), in input order. */
export interface BatchForecaster {
  forecast(inputs: readonly SeriesInput[]): Promise<Forecast[]>;
  /** Top three drivers of each series' next-step forecast at a quantile, for those the model reads (attribution.ts). */
  attribute?(inputs: readonly SeriesInput[], quantile: 'p50' | 'p90' | 'p99'): Promise<Map<string, Attribution[]>>;
  /** Steps of history its model reads (the last ones of a longer history). */
  readonly historyLength?: number;
}

/** Online feedback: how far off the chosen quantile was, per series. */
export interface Calibrator {
  observe(key: string, predicted: number, actual: number): void;
  /** A score from a hindcast over history: calibrates, is not counted as online coverage. */
  warm(key: string, predicted: number, actual: number): void;
  samples(key: string): number;
  factor(key: string): number;
  coverage(key: string): number | undefined;
  forget(key: string): void;
}
