// Backfill: steps missing from a slice's history (a new slice, an operator start, a telemetry
// outage) are read from Prometheus with query_range.
import type { PrometheusClient } from './prometheus-client.js';
import type { CycleContext } from './context.js';
import type { ObservedSlice } from './slice-load.js';
import { runSliceQuery, type SliceFault } from './slice-queries.js';

/**
 * Points per range query of the batched backfill, at most. The answer is held three times over
 * while it is read (JSON text, parsed, validated), so at 10,000 slices the steps per query
 * shrink to keep the operator's start-up memory flat.
 */
export const BACKFILL_MAX_POINTS = 60_000;

export interface BackfillOptions {
  prometheus: PrometheusClient;
  /** The batched default query, grouped by snssai and plmnid. */
  batchQuery: string;
  maxPoints?: number;
}

/** Slices whose history misses steps before `step`. */
function withGaps(ctx: CycleContext, slices: ObservedSlice[], step: number): ObservedSlice[] {
  return slices.filter((s) => {
    const l = ctx.history.get(s.key);
    return !l || !Number.isFinite(l.lastStep) || step - l.lastStep > 1;
  });
}

/** Records a series' points into a slice's history, unless the slice was removed meanwhile. */
function recordPoints(ctx: CycleContext, s: ObservedSlice, points: { time: number; value: number }[] | undefined): number {
  // Removed meanwhile: no state is made again for it (it would never be released).
  if (!ctx.current(s)) return 0;
  for (const p of points ?? []) ctx.history.record(ctx.history.ensure(s.key), ctx.clock.stepOf(p.time + 1), p.value);
  return points?.length ?? 0;
}

/**
 * Fills the steps missing since each slice's last one, up to the step before `now`. Slices on
 * the default query share one range query per chunk of steps; the others get one each, and a
 * failure of one is that slice's fault (in `faults`), not the cycle's. Returns the slices it filled.
 */
export async function backfill(ctx: CycleContext, o: BackfillOptions, now: number, slices: ObservedSlice[], faults: Map<string, SliceFault>): Promise<ObservedSlice[]> {
  const { clock, history } = ctx;
  const step = clock.stepOf(now);
  const gaps = withGaps(ctx, slices, step);
  if (gaps.length === 0) return gaps;
  const from = Math.max(step - history.width, Math.min(...gaps.map((s) => (history.get(s.key)?.lastStep ?? -Infinity) + 1)));
  if (step - 1 < from) return [];
  const batched = gaps.filter((s) => s.defaultQuery);
  // The batched query answers for every slice at once, so it goes as many steps at a time as
  // keep an answer within maxPoints: a week for 10,000 slices in one answer is 1.68 million points.
  const chunk = Math.max(1, Math.min(history.width, Math.floor((o.maxPoints ?? BACKFILL_MAX_POINTS) / Math.max(1, batched.length))));
  let points = 0;
  for (let a = from; batched.length && a < step; a += chunk) {
    const b = Math.min(step - 1, a + chunk - 1);
    const series = await o.prometheus.queryRange(o.batchQuery, new Date(clock.wallOfStep(a)), new Date(clock.wallOfStep(b)), clock.stepSeconds);
    const byLabel = new Map(series.map((s) => [`${s.labels.snssai}|${s.labels.plmnid}`, s]));
    for (const s of batched) points += recordPoints(ctx, s, byLabel.get(`${s.snssai}|${s.plmnid}`)?.points);
  }
  for (const s of gaps.filter((g) => !g.defaultQuery)) {
    const r = await runSliceQuery(o.prometheus, s, () => o.prometheus.queryRange(s.query, new Date(clock.wallOfStep(from)), new Date(clock.wallOfStep(step - 1)), clock.stepSeconds));
    if (r.fault) faults.set(s.key, r.fault);
    else points += recordPoints(ctx, s, r.value?.[0]?.points);
  }
  // Once per start-up, outage or batch of new slices: how much history the forecasts start from.
  // A slice with no history to be had yet would ask again every cycle: that is debug.
  ctx.log[points > 0 ? 'info' : 'debug']('telemetry history backfilled', { slices: gaps.length, steps: step - from, points });
  return gaps.filter((s) => !faults.has(s.key));
}
