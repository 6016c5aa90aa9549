/**
 * The load to provision for when new replicas take a start-up delay to become Ready: the load
 * at now + lead (lead = the readiness delay plus the decision's own lag), not the peak of the
 * next hour. The hourly forecast says how the load moves; the observed load now says where it
 * is. So: the load now, plus the change the median forecast path makes over the lead, plus the
 * quantile's spread over the median scaled to the lead (sqrt(lead / step): an hour's
 * uncertainty shrinks with the horizon as for a random walk). Never below the load now.
 *
 * The path runs through hourly means at the middle of their hours: the last complete hour's
 * observed mean, then the forecast's steps; between them it is linear, beyond the last flat.
 * The forecast's step 0 is the hour now is in.
 */

export interface HourPath {
  /** Start of the hour `now` is in (the forecast's step 0), ms. */
  hourStartMs: number;
  /** Length of a step, ms: an hour, unless a replay is accelerated (its wall seconds per step). */
  stepMs?: number;
  /** Observed mean of the hour before. */
  previous: number;
  /** Median forecast per step, from step 0. */
  p50: ArrayLike<number>;
  /** The provisioning quantile's forecast per step, from step 0 (>= p50). */
  upper: ArrayLike<number>;
}

const HOUR_MS = 3_600_000;

/** The median path at time t (ms). */
function median(path: HourPath, t: number): number {
  // Path points: previous at -0.5 step, p50[k] at k + 0.5 steps.
  const x = (t - path.hourStartMs) / (path.stepMs ?? HOUR_MS) - 0.5;
  const n = path.p50.length;
  if (n === 0) return path.previous;
  if (x <= -1) return path.previous;
  const at = (i: number): number => (i < 0 ? path.previous : path.p50[Math.min(i, n - 1)]!);
  const i = Math.floor(x);
  if (i >= n - 1) return at(n - 1);
  return at(i) + (at(i + 1) - at(i)) * (x - i);
}

/**
 * The load to provision for at `nowMs + leadSeconds`, from the load observed now. Invalid
 * inputs (NaN forecasts, negative lead) fall back to the load now.
 */
export function leadTimeLoad(current: number, nowMs: number, leadSeconds: number, path: HourPath): number {
  if (!(Number.isFinite(current) && current >= 0)) return current;
  if (!(leadSeconds >= 0) || path.p50.length === 0) return current;
  const stepMs = path.stepMs ?? HOUR_MS;
  const target = nowMs + leadSeconds * 1000;
  const change = median(path, target) - median(path, nowMs);
  const k = Math.min(path.p50.length - 1, Math.max(0, Math.floor((target - path.hourStartMs) / stepMs)));
  const spread = Math.max(0, path.upper[k]! - path.p50[k]!) * Math.sqrt(Math.min(1, (leadSeconds * 1000) / stepMs));
  const load = current + change + spread;
  return Number.isFinite(load) ? Math.max(current, load) : current;
}
