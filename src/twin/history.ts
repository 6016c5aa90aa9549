/**
 * A slice's load history for a what-if replay: a regular series (one value per `stepSeconds`,
 * the first at `startMs`), from a CSV or from Prometheus (query_range). The replay reads it two
 * ways: hourly values, which the forecaster reads as the live operator's history holds them, and
 * the load at any instant, linear between the midpoints of the steps (a step's value is the
 * mean of its interval, as Milan's hourly activity and a rate over a step are).
 */
import { PrometheusClient, PrometheusError } from '../telemetry/prometheus-client.js';

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

export interface LoadSeries {
  startMs: number;
  stepSeconds: number;
  values: Float64Array;
}

const HOUR_S = 3600;

/** The series must be non-empty, regular, non-negative and without gaps (a gap would be scored as zero load). */
export function checkSeries(s: LoadSeries, source: string): LoadSeries {
  if (s.values.length === 0) throw new HistoryError(`${source}: the history is empty (no samples)`);
  if (!(s.stepSeconds > 0) || HOUR_S % s.stepSeconds !== 0) {
    throw new HistoryError(`${source}: the step is ${s.stepSeconds} s; it must divide an hour (e.g. 60, 300, 600, 3600)`);
  }
  const gaps: number[] = [];
  for (let i = 0; i < s.values.length; i++) if (!(Number.isFinite(s.values[i]!) && s.values[i]! >= 0)) gaps.push(i);
  if (gaps.length) {
    const at = (i: number): string => new Date(s.startMs + i * s.stepSeconds * 1000).toISOString();
    throw new HistoryError(`${source}: the history has ${gaps.length} missing or invalid samples of ${s.values.length} (first at ${at(gaps[0]!)}, last at ${at(gaps.at(-1)!)}); fill them or pick a complete range`);
  }
  return s;
}

/** Parses a timestamp: ISO 8601, or epoch seconds (< 1e11) or milliseconds. */
function parseTime(cell: string): number {
  const t = cell.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return n < 1e11 ? n * 1000 : n;
  }
  return Date.parse(t);
}

/**
 * CSV of `timestamp,value` rows (a header line is allowed), ascending at a fixed step. A missing
 * row (a skipped timestamp) or an empty value is a gap: reported, never filled.
 */
export function parseCsv(text: string, source: string): LoadSeries {
  const rows = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (rows.length && !/^[\d"']/.test(rows[0]!)) rows.shift();
  const pts = rows.map((l, i) => {
    const [ts, v, ...rest] = l.split(',');
    const time = parseTime(ts ?? '');
    if (rest.length || v === undefined || !Number.isFinite(time)) throw new HistoryError(`${source}: line ${i + 1} is not "timestamp,value": ${l.slice(0, 80)}`);
    return { time, value: v.trim() === '' ? NaN : Number(v) };
  });
  return fromPoints(pts, source);
}

/** A regular series from timestamped points; the step is the smallest spacing; missing steps are gaps (NaN). */
export function fromPoints(pts: { time: number; value: number }[], source: string, stepSeconds?: number): LoadSeries {
  if (pts.length === 0) return checkSeries({ startMs: 0, stepSeconds: stepSeconds ?? HOUR_S, values: new Float64Array(0) }, source);
  let step = stepSeconds ?? Infinity;
  for (let i = 1; i < pts.length && stepSeconds === undefined; i++) {
    const d = (pts[i]!.time - pts[i - 1]!.time) / 1000;
    if (!(d > 0)) throw new HistoryError(`${source}: timestamps must ascend (row ${i + 1})`);
    step = Math.min(step, d);
  }
  if (!Number.isFinite(step)) step = HOUR_S;
  const start = pts[0]!.time;
  const n = Math.round((pts.at(-1)!.time - start) / 1000 / step) + 1;
  const values = new Float64Array(n).fill(NaN);
  for (const p of pts) {
    const i = (p.time - start) / 1000 / step;
    if (Math.abs(i - Math.round(i)) > 1e-6) throw new HistoryError(`${source}: sample at ${new Date(p.time).toISOString()} is off the ${step} s grid`);
    values[Math.round(i)] = p.value;
  }
  return checkSeries({ startMs: start, stepSeconds: step, values }, source);
}

/** The slice's load from Prometheus: its query over [start, end] at `stepSeconds`, summed over series. */
export async function fromPrometheus(url: string, query: string, start: Date, end: Date, stepSeconds: number, fetchImpl?: typeof fetch): Promise<LoadSeries> {
  const client = new PrometheusClient({ url, retries: 1, timeoutMs: 30_000, ...(fetchImpl ? { fetchImpl } : {}) });
  let series;
  try {
    series = await client.queryRange(query, start, end, stepSeconds);
  } catch (e) {
    const why = e instanceof PrometheusError && e.kind === 'unreachable' ? `Prometheus at ${url} is unreachable` : `Prometheus at ${url} failed the query`;
    throw new HistoryError(`${why}: ${(e as Error).message}`);
  }
  const byTime = new Map<number, number>();
  for (const s of series) for (const p of s.points) byTime.set(p.time, (byTime.get(p.time) ?? 0) + p.value);
  const source = `Prometheus query ${query}`;
  const n = Math.floor((end.getTime() - start.getTime()) / 1000 / stepSeconds) + 1;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = byTime.get(start.getTime() + i * stepSeconds * 1000) ?? NaN;
  if (byTime.size === 0) throw new HistoryError(`${source}: no samples between ${start.toISOString()} and ${end.toISOString()}`);
  return checkSeries({ startMs: start.getTime(), stepSeconds, values }, source);
}

/** Hourly means of the series (the forecaster's step), over whole hours only. */
export function hourly(s: LoadSeries): Float64Array {
  const per = HOUR_S / s.stepSeconds;
  const n = Math.floor(s.values.length / per);
  const out = new Float64Array(n);
  for (let h = 0; h < n; h++) {
    let sum = 0;
    for (let j = 0; j < per; j++) sum += s.values[h * per + j]!;
    out[h] = sum / per;
  }
  return out;
}

/** The load at second t of the series (t = 0 at startMs): linear between step midpoints, flat beyond the ends. */
export function loadAt(s: LoadSeries, t: number): number {
  const x = t / s.stepSeconds - 0.5;
  const v = s.values;
  if (x <= 0) return v[0]!;
  const i = Math.floor(x);
  if (i >= v.length - 1) return v[v.length - 1]!;
  const f = x - i;
  return v[i]! * (1 - f) + v[i + 1]! * f;
}
