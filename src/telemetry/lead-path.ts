// The path a LeadTime capacity decision provisions along (forecast/lead-time.ts), kept per slice
// from the forecasts the telemetry loop makes anyway.
import type { Forecast } from '../forecast/contract.js';
import type { LoadHistory, SliceState } from './load-history.js';
import type { LeadPath, ObservedSlice } from './slice-load.js';
import type { StepClock } from './step-clock.js';

const finite = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);

/**
 * Updates a LeadTime slice's path from the forecast made in `step` (its first value is for
 * step + 1). The path runs through the last complete step's value, the forecast made a step ago
 * for this step, and this forecast's next step, at the middle of their steps: the same points
 * the what-if twin replays (src/twin/simulate.ts). Before a forecast for this step exists (a
 * new slice, or after the forecaster failed) it starts at the load now and runs through the next
 * two forecast steps. Slices that do not provision at a lead time keep nothing.
 */
export function updateLeadPath(history: LoadHistory, clock: StepClock, lagMs: number, l: SliceState, s: ObservedSlice, step: number, f: Forecast): void {
  if (!s.leadTime) {
    l.leadPath = l.leadNext = l.leadNow = undefined;
    return;
  }
  // The forecast made in the previous step for this one becomes this step's, once.
  if (l.leadNext && l.leadNext.step <= step) {
    if (l.leadNext.step === step) l.leadNow = l.leadNext;
    l.leadNext = undefined;
  }
  const q = f[s.quantile];
  const next = stepForecast(f.p50[0], q[0]);
  if (next) l.leadNext = { step: step + 1, ...next };
  const stepMs = clock.stepMs;
  const now = l.leadNow?.step === step ? l.leadNow : undefined;
  const previous = previousStep(history, l, step);
  let path: LeadPath | undefined;
  if (next && now && finite(previous)) {
    path = { hourStartMs: clock.wallOfStep(step), stepMs, lagMs, previous, p50: [now.p50, next.p50], upper: [now.upper, next.upper] };
  } else if (next && finite(l.current)) {
    const second = stepForecast(f.p50[1], q[1]);
    const steps = second ? [next, second] : [next];
    path = { hourStartMs: clock.wallOfStep(step + 1), stepMs, lagMs, previous: l.current, p50: steps.map((x) => x.p50), upper: steps.map((x) => x.upper) };
  }
  l.leadPath = path;
}

/** One step's median and provisioning quantile (raised to the median when below it), if both are finite. */
function stepForecast(p50: number | undefined, upper: number | undefined): { p50: number; upper: number } | undefined {
  return finite(p50) && finite(upper) ? { p50, upper: Math.max(p50, upper) } : undefined;
}

/** The value of the step before `step`, if the history holds it. */
function previousStep(history: LoadHistory, l: SliceState, step: number): number | undefined {
  const i = l.length - 1 - (l.lastStep - (step - 1));
  return i >= 0 && i < l.length ? history.at(l, i) : undefined;
}
