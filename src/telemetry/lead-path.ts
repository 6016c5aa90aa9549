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
  const p50 = [f.p50[0], f.p50[1]];
  const upper = [q[0], q[1]];
  if (finite(p50[0]) && finite(upper[0])) l.leadNext = { step: step + 1, p50: p50[0], upper: Math.max(p50[0], upper[0]) };
  const stepMs = clock.stepMs;
  const now = l.leadNow?.step === step ? l.leadNow : undefined;
  const previous = previousStep(history, l, step);
  let path: LeadPath | undefined;
  if (now && finite(previous) && finite(p50[0]) && finite(upper[0])) {
    path = { hourStartMs: clock.wallOfStep(step), stepMs, lagMs, previous, p50: [now.p50, p50[0]], upper: [now.upper, Math.max(p50[0], upper[0])] };
  } else if (finite(l.current) && finite(p50[0]) && finite(upper[0])) {
    const n = finite(p50[1]) && finite(upper[1]) ? 2 : 1;
    path = { hourStartMs: clock.wallOfStep(step + 1), stepMs, lagMs, previous: l.current, p50: p50.slice(0, n) as number[], upper: upper.slice(0, n).map((u, i) => Math.max(p50[i]!, u!)) };
  }
  l.leadPath = path;
}

/** The value of the step before `step`, if the history holds it. */
function previousStep(history: LoadHistory, l: SliceState, step: number): number | undefined {
  const i = l.length - 1 - (l.lastStep - (step - 1));
  return i >= 0 && i < l.length ? history.at(l, i) : undefined;
}
