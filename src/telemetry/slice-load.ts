// What the telemetry loop is asked to watch (ObservedSlice) and what it publishes per slice
// (SliceLoad), which status, metrics and the scaling decision read.
import type { Forecast } from '../forecast/contract.js';
import type { HourPath } from '../forecast/lead-time.js';
import type { LoadAnomaly } from './load-anomaly.js';

export type Quantile = 'p50' | 'p90' | 'p99';

export interface ObservedSlice {
  key: string;
  /** PromQL of the slice (rendered); `defaultQuery` slices are fetched in one batched query. */
  query: string;
  defaultQuery: boolean;
  /** Label values that identify the slice in the batched default query. */
  snssai: string;
  plmnid: string;
  horizonSteps: number;
  quantile: Quantile;
  /** The slice provisions for the load at a lead time (scaling.capacityBasis LeadTime): keep its LeadPath. */
  leadTime?: boolean;
}

/**
 * The median and provisioning-quantile path a LeadTime capacity decision reads
 * (forecast/lead-time.ts), in wall time, and how stale a decision's load can be.
 */
export interface LeadPath extends HourPath {
  /** Milliseconds between telemetry cycles: added to each CNF's start-up as the decision's own lag. */
  lagMs: number;
}

/**
 * A slice's last forecast, as much of it as status, metrics and the controller read: where it
 * came from and the next step's value at each quantile. The peak over the horizon at the slice's
 * quantile is SliceLoad.forecastPeak; the whole horizon is not kept.
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
  /** The path a LeadTime decision provisions along, for slices that asked for it (ObservedSlice.leadTime). */
  leadPath?: LeadPath;
  calibration: number;
  coverage?: number;
  /** The forecast's top drivers: change of the forecast, percent, when an input group is occluded. */
  attribution?: { factor: string; percent: number }[];
  /** Set when telemetry failed this cycle: the controller holds capacity. */
  telemetryError?: string;
  /** A load anomaly active now (the load against this step's forecast band), if any. */
  anomaly?: LoadAnomaly;
  /** The Degraded reason for telemetryError: the slice's query is invalid, failed, or there is no data. */
  telemetryReason?: 'TelemetryQueryInvalid' | 'TelemetryQueryFailed' | 'TelemetryUnavailable';
}

/** The next step's values of a forecast, with where it came from. */
export function summarize(f: Forecast): ForecastSummary {
  const out: ForecastSummary = { source: f.source, model: f.model, p50: f.p50[0] ?? NaN, p90: f.p90[0] ?? NaN, p99: f.p99[0] ?? NaN };
  if (f.fallbackReason !== undefined) out.fallbackReason = f.fallbackReason;
  if (f.modelFault !== undefined) out.modelFault = f.modelFault;
  return out;
}
