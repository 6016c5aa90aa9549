/**
 * Load anomalies of one slice, per telemetry cycle: the observed load against the band the
 * forecaster gave for the current step (p50, and the calibrated upper quantile). Each sample is
 * scored in band units, z = (load - p50) / (upper - p50): z = 1 is the band's edge. Two one-sided
 * CUSUMs (Page's test) accumulate what exceeds a slack: a fast one for surges and drops, a slow one
 * for level shifts; a load near zero where the forecast expects traffic is an outage. An alarm
 * clears once the load has been back inside the band for a few cycles. Pure and O(1) per slice:
 * a few numbers of state.
 */

export type LoadAnomalyKind = 'Surge' | 'Drop' | 'Outage' | 'LevelShift';

export interface LoadBand {
  p50: number;
  /** The calibrated upper quantile (p99 x calibration). */
  upper: number;
}

export interface LoadAnomaly {
  kind: LoadAnomalyKind;
  /** Wall time of the first sample of the run that raised it (ms). */
  sinceMs: number;
  /** What was seen, with the numbers. */
  evidence: string;
}

export interface DetectorState {
  /** Fast CUSUMs above and below the band. */
  up: number;
  down: number;
  /** Slow CUSUMs for level shifts. */
  shiftUp: number;
  shiftDown: number;
  /** Consecutive samples near zero while traffic is expected. */
  zeros: number;
  /** Consecutive samples back inside the band while an anomaly is active. */
  calm: number;
  /** Wall time of the first sample outside the band in the current run. */
  runStartMs?: number;
  active?: LoadAnomaly;
}

export interface DetectorParams {
  /** Slack of the fast CUSUM, in band units (1: the band's edge). */
  k: number;
  /** Alarm threshold of the fast CUSUM. */
  h: number;
  /** Slack and threshold of the slow CUSUM. */
  kShift: number;
  hShift: number;
  /** A load below this share of p50 is "zero" (an outage), when p50 is at least minLoad. */
  outageShare: number;
  minLoad: number;
  /** Consecutive zero samples that make an outage. */
  outageSamples: number;
  /** Consecutive calm samples that clear an anomaly. */
  clearSamples: number;
}

/** Tuned on the fault-injection harness (tools/eval/anomaly.ts, docs/anomalies.md). */
export const DEFAULT_DETECTOR: DetectorParams = { k: 1, h: 2, kShift: 0.5, hShift: 12, outageShare: 0.05, minLoad: 1, outageSamples: 2, clearSamples: 3 };

export const initialDetector = (): DetectorState => ({ up: 0, down: 0, shiftUp: 0, shiftDown: 0, zeros: 0, calm: 0 });

const round = (x: number) => Math.round(x * 10) / 10;

/** One sample: the state after it. `state` is updated in place (it is the slice's own) and returned. */
export function detectLoad(state: DetectorState, band: LoadBand, load: number, nowMs: number, p: DetectorParams = DEFAULT_DETECTOR): DetectorState {
  if (!Number.isFinite(band.p50) || !Number.isFinite(band.upper) || !Number.isFinite(load)) return state;
  // The band's width, floored so a flat forecast (p99 = p50) or a tiny load does not turn noise into huge scores.
  const width = Math.max(band.upper - band.p50, 0.1 * band.p50, 1);
  const z = (load - band.p50) / width;
  const outside = z > p.k || z < -p.k;
  const offLevel = z > p.kShift || z < -p.kShift;
  if (offLevel) state.runStartMs ??= nowMs;
  state.up = Math.max(0, state.up + z - p.k);
  state.down = Math.max(0, state.down - z - p.k);
  state.shiftUp = Math.max(0, state.shiftUp + z - p.kShift);
  state.shiftDown = Math.max(0, state.shiftDown - z - p.kShift);
  const zero = band.p50 >= p.minLoad && load <= p.outageShare * band.p50;
  state.zeros = zero ? state.zeros + 1 : 0;
  const since = state.runStartMs ?? nowMs;
  const seen = `load ${round(load)} against forecast p50 ${round(band.p50)}, upper ${round(band.upper)}`;
  const ratio = `${round(load / Math.max(band.p50, 1e-9))}x p50`;
  // A sample raises only when it is itself off: a CUSUM still high after the load came back does not.
  let raised: LoadAnomaly | undefined;
  if (state.zeros >= p.outageSamples) raised = { kind: 'Outage', sinceMs: since, evidence: `${seen}: near zero for ${state.zeros} cycles` };
  else if (z > p.k && state.up > p.h) raised = { kind: 'Surge', sinceMs: since, evidence: `${seen} (${ratio})` };
  else if (z < -p.k && state.down > p.h) raised = { kind: 'Drop', sinceMs: since, evidence: `${seen} (${ratio})` };
  else if (offLevel && (state.shiftUp > p.hShift || state.shiftDown > p.hShift)) raised = { kind: 'LevelShift', sinceMs: since, evidence: `${seen} (${ratio}): off the forecast for a sustained run` };
  if (raised) {
    // A more severe kind replaces a milder one; the same kind keeps its start.
    if (!state.active || severity(raised.kind) > severity(state.active.kind)) state.active = raised;
    state.calm = 0;
    return state;
  }
  // Back near the forecast: calm samples count towards clearing; inside the band but off the level they wait.
  if (!offLevel) state.calm += 1;
  else if (outside) state.calm = 0;
  if (!state.active) {
    if (!offLevel) state.runStartMs = undefined;
  } else if (state.calm >= p.clearSamples) {
    state.active = undefined;
    state.runStartMs = undefined;
    state.up = state.down = state.shiftUp = state.shiftDown = 0;
  }
  return state;
}

/**
 * Surges and outages are transient: while one is young, the forecaster's history gets the
 * forecast's p50 instead of the load, so forecasts (and calibration) do not chase it and raise
 * echoes once it is over. Past this many hours it is the new normal and the load goes in.
 */
export const TRANSIENT_STEPS = 3;
export const isTransient = (k: LoadAnomalyKind): boolean => k === 'Surge' || k === 'Outage';

const SEVERITY: Record<LoadAnomalyKind, number> = { LevelShift: 1, Drop: 2, Surge: 3, Outage: 4 };
const severity = (k: LoadAnomalyKind) => SEVERITY[k];
