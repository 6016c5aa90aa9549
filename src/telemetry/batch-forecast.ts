// One batched forecast for every slice with a usable history, once per cycle.
import type { BatchForecaster, Calibrator, Forecast, SeriesInput } from '../forecast/contract.js';
import type { CycleContext } from './context.js';
import { updateLeadPath } from './lead-path.js';
import { summarize, type ObservedSlice } from './slice-load.js';

/**
 * Forecasts every slice of the cycle that still exists, has history and no telemetry error, and
 * stores per slice the summary, the peak over its horizon at its quantile, the next step's value
 * to score when that step's actual comes in, and its calibration. A failed forecast leaves the
 * previous one in place: the controller then scales on the observed load.
 */
export async function forecastSlices(ctx: CycleContext, forecaster: BatchForecaster, calibrator: Calibrator | undefined, step: number, slices: ObservedSlice[]): Promise<void> {
  const ready = slices.flatMap((taken) => {
    const s = ctx.current(taken);
    const l = s && ctx.history.get(s.key);
    return s && l && !l.telemetryError && l.length > 0 ? [s] : [];
  });
  if (ready.length === 0) return;
  const endTime = ctx.clock.calendarTime(ctx.clock.wallOfStep(step));
  const inputs = ready.map((s) => ({ key: s.key, history: ctx.history.view(ctx.history.get(s.key)!), endTime }));
  let results: Forecast[];
  try {
    results = await forecaster.forecast(inputs);
  } catch (e) {
    ctx.log.error('forecast failed; controllers fall back to the observed load', { error: String(e) });
    return;
  }
  const byKey = new Map(results.map((r) => [r.key, r]));
  for (const s of ready) {
    const f = byKey.get(s.key);
    // A slice removed while the forecast ran (a reconcile of its deletion) is gone: skip it.
    const l = ctx.history.get(s.key);
    const current = ctx.current(s);
    if (!f || !l || !current) continue;
    const q = f[s.quantile].slice(0, Math.max(1, s.horizonSteps)).filter((x) => Number.isFinite(x));
    l.forecast = summarize(f);
    l.forecastPeak = q.length ? Math.max(...q) : undefined;
    const next = f[s.quantile][0];
    if (next !== undefined && Number.isFinite(next)) {
      l.pendingStep = step + 1;
      l.pendingValue = next;
    }
    updateLeadPath(ctx.history, ctx.clock, ctx.cycleMs, l, current, step, f);
    l.calibration = calibrator?.factor(s.key) ?? 1;
    l.coverage = calibrator?.coverage(s.key);
    // The band the next step's load is judged against for anomalies.
    const p50 = f.p50[0];
    const p99 = f.p99[0];
    if (p50 !== undefined && p99 !== undefined && Number.isFinite(p50) && Number.isFinite(p99)) l.nextBand = { step: step + 1, p50, upper: p99 * l.calibration };
  }
  await attributeSlices(ctx, forecaster, step, ready, inputs);
}

/**
 * The forecast's top drivers of each slice on the model, once per step (its input changes once
 * a step): one batch per quantile in use. A failure leaves the attribution out of explanations.
 */
async function attributeSlices(ctx: CycleContext, forecaster: BatchForecaster, step: number, ready: ObservedSlice[], inputs: SeriesInput[]): Promise<void> {
  if (!forecaster.attribute) return;
  const due = ready.filter((s) => {
    const l = ctx.history.get(s.key);
    return l?.forecast?.source === 'onnx' && l.attributionStep !== step;
  });
  for (const quantile of ['p50', 'p90', 'p99'] as const) {
    const keys = new Set(due.filter((s) => s.quantile === quantile).map((s) => s.key));
    if (!keys.size) continue;
    try {
      const got = await forecaster.attribute(inputs.filter((i) => keys.has(i.key)), quantile);
      for (const [key, attribution] of got) {
        const l = ctx.history.get(key);
        if (!l) continue;
        l.attribution = attribution;
        l.attributionStep = step;
      }
    } catch (e) {
      ctx.log.warn('forecast attribution failed; explanations go without it', { error: String(e) });
    }
  }
}
