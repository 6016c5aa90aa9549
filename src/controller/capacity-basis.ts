/**
 * What a CNF's predictive decision scales on, by the slice's scaling.capacityBasis:
 * HorizonPeak, the forecast quantile's peak over the horizon with the slice's calibration;
 * LeadTime, the load when a replica started now is Ready (forecast/lead-time.ts): the CNF's
 * start-up plus one telemetry cycle ahead, along the slice's LeadPath, at the slice's quantile.
 *
 * LeadTime leaves the calibration factor out. The calibrator fits it so that the quantile covers
 * the hour's value (what HorizonPeak provisions for), and it brings every quantile to the same
 * hourly coverage: applied to a lead of minutes it would take the quantile's say away and cost
 * capacity (the what-if frontier of docs/twin.md measured that). The quantile is LeadTime's knob.
 */
import { leadTimeLoad } from '../forecast/lead-time.js';
import type { SliceLoad } from '../telemetry/slice-load.js';
import type { LoadObservation } from './scaling.js';
import type { CnfView, SliceView } from './slice-view.js';

export type ForecastBasis = Pick<LoadObservation, 'forecastPeak' | 'calibration' | 'leadSeconds'>;

/** The lead of a CNF's LeadTime decision, seconds: its start-up and the telemetry cycle's lag. */
export function leadSecondsOf(cnf: Pick<CnfView, 'startupSeconds'>, lagMs: number): number {
  return cnf.startupSeconds + lagMs / 1000;
}

/**
 * The forecast side of a CNF's load observation. A LeadTime slice whose path is not there yet
 * (no forecast made since it asked for one) scales on the horizon peak meanwhile.
 */
export function forecastBasis(view: SliceView, cnf: CnfView, load: SliceLoad | undefined, now: number): ForecastBasis {
  if (!load?.forecast) return { calibration: load?.calibration };
  const path = load.leadPath;
  const current = load.current;
  if (view.scaling.capacityBasis === 'LeadTime' && path && current !== undefined && Number.isFinite(current)) {
    const leadSeconds = leadSecondsOf(cnf, path.lagMs);
    return { forecastPeak: leadTimeLoad(current, now, leadSeconds, path), calibration: 1, leadSeconds };
  }
  return { forecastPeak: load.forecastPeak, calibration: load.calibration };
}
