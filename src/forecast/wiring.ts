// Construction of the forecasting pieces for the operator (src/cmd/operator.ts): the forecaster
// (embedded or user-supplied model, never failing start-up) and the online calibrator.
import type { Logger } from '../runtime/logger.js';
import { ConformalCalibrator, type CalibratorOptions } from './calibration.js';
import type { ModelStatus } from './forecaster.js';
import { ReloadingForecaster } from './reloading.js';

export interface ForecastingOptions {
  modelPath?: string;
  cardPath?: string;
  timeZone?: string;
  calibration?: CalibratorOptions;
  /** How often the model file is checked for a new version (ms). */
  reloadCheckMs?: number;
  log?: Logger;
}

export async function createForecasting(
  o: ForecastingOptions = {},
): Promise<{ forecaster: ReloadingForecaster; calibrator: ConformalCalibrator; status: ModelStatus }> {
  const forecaster = await ReloadingForecaster.create({ modelPath: o.modelPath, cardPath: o.cardPath, timeZone: o.timeZone, checkMs: o.reloadCheckMs, log: o.log });
  const status = forecaster.modelStatus;
  if (!status.loaded) {
    // Not fatal: slices get seasonal-naive/EWMA forecasts and say so in their status.
    o.log?.error('forecast model not loaded; using fallback forecasts', { model: status.name, error: status.error });
  }
  return { forecaster, calibrator: new ConformalCalibrator(o.calibration), status };
}
