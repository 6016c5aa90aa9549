// What each job of a telemetry cycle (backfill, current values, warm-up, forecast) shares.
import type { Logger } from '../runtime/logger.js';
import type { LoadHistory } from './load-history.js';
import type { ObservedSlice } from './slice-load.js';
import type { StepClock } from './step-clock.js';

export interface CycleContext {
  history: LoadHistory;
  clock: StepClock;
  /** Milliseconds between cycles (telemetry/lead-path.ts adds it to a LeadTime decision's lead). */
  cycleMs: number;
  /**
   * A slice taken at the start of the cycle as it is observed now, if it still is with the same
   * query; undefined once it was removed or its query changed (its history was then dropped).
   */
  current(s: ObservedSlice): ObservedSlice | undefined;
  log: Logger;
}
