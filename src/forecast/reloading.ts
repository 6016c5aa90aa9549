import { stat } from 'node:fs/promises';
import type { Logger } from '../runtime/logger.js';
import type { BatchForecaster, Forecast, SeriesInput, Attribution } from './contract.js';
import { defaultModelPath, Forecaster, type ForecasterOptions, type ModelStatus } from './forecaster.js';

/** What identifies a version of the model file on disk; undefined when it is missing. */
async function fileVersion(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * A Forecaster that follows its model file (a ConfigMap or volume a user updates): at most every
 * `checkMs` it looks at the file and loads a new version. A version that fails to load never
 * replaces a model that works — the last good model keeps forecasting and the failure is logged
 * and counted — but with no good model yet, the failing one is kept so slices report why
 * (fallback forecasts, Degraded) and recover by themselves once a good file appears.
 */
export class ReloadingForecaster implements BatchForecaster {
  private current: Forecaster;
  private version: string | undefined;
  private lastCheck = 0;
  private checking?: Promise<void>;
  reloads = 0;
  rejectedReloads = 0;
  lastReloadError?: string;

  private constructor(
    initial: Forecaster,
    version: string | undefined,
    private readonly opts: ForecasterOptions & { checkMs?: number; log?: Logger },
  ) {
    this.current = initial;
    this.version = version;
  }

  static async create(opts: ForecasterOptions & { checkMs?: number; log?: Logger } = {}): Promise<ReloadingForecaster> {
    const file = opts.modelPath ?? defaultModelPath();
    const version = await fileVersion(file);
    return new ReloadingForecaster(await Forecaster.create(opts), version, { ...opts, modelPath: file });
  }

  get modelStatus(): ModelStatus {
    return this.current.modelStatus;
  }

  /** Steps of history the model in use reads. */
  get historyLength(): number {
    return this.current.historyLength;
  }

  private async check(): Promise<void> {
    const version = await fileVersion(this.opts.modelPath!);
    if (version === this.version) return;
    this.version = version;
    const next = await Forecaster.create(this.opts);
    if (next.modelStatus.loaded || !this.current.modelStatus.loaded) {
      const prev = this.current;
      this.current = next;
      this.reloads++;
      this.lastReloadError = next.modelStatus.error;
      await prev.close();
      this.opts.log?.info('forecast model reloaded', { ...next.modelStatus });
    } else {
      this.rejectedReloads++;
      this.lastReloadError = next.modelStatus.error;
      await next.close();
      this.opts.log?.error('new model file rejected; keeping the model in use', { rejected: next.modelStatus.error, inUse: this.current.modelStatus.name });
    }
  }

  /** The attribution of the model in use (see Forecaster.attribute). */
  attribute(inputs: readonly SeriesInput[], quantile: 'p50' | 'p90' | 'p99'): Promise<Map<string, Attribution[]>> {
    return this.current.attribute(inputs, quantile);
  }

  async forecast(inputs: readonly SeriesInput[]): Promise<Forecast[]> {
    const now = Date.now();
    if (now - this.lastCheck >= (this.opts.checkMs ?? 10_000)) {
      this.lastCheck = now;
      this.checking ??= this.check().finally(() => (this.checking = undefined));
      await this.checking;
    }
    return this.current.forecast(inputs);
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
