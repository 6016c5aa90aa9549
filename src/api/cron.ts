/**
 * Five-field cron schedules (minute hour day-of-month month day-of-week, UTC), as Karpenter's
 * disruption budgets take them: `*`, values, ranges `a-b`, steps `/n` and lists. The pattern
 * checks every field's values and ranges, so the CRD (OpenAPI pattern) and zod accept exactly
 * the same schedules; `cronMatches` reads only schedules that passed it.
 */
const FIELDS: { re: string; min: number; max: number }[] = [
  { re: '[0-5]?[0-9]', min: 0, max: 59 },
  { re: '(1?[0-9]|2[0-3])', min: 0, max: 23 },
  { re: '([1-9]|[12][0-9]|3[01])', min: 1, max: 31 },
  { re: '([1-9]|1[0-2])', min: 1, max: 12 },
  { re: '[0-7]', min: 0, max: 7 },
];
const item = (v: string): string => `(\\*|${v}(-${v})?)(/[1-9][0-9]?)?`;
const field = (v: string): string => `${item(v)}(,${item(v)})*`;

export const CRON_PATTERN = `^${FIELDS.map((f) => field(f.re)).join(' ')}$`;

function fieldMatches(spec: string, value: number, min: number, max: number): boolean {
  return spec.split(',').some((part) => {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [lo, hi] = range === '*' ? [min, max] : range!.includes('-') ? range!.split('-').map(Number) : [Number(range), stepText ? max : Number(range)];
    return value >= lo! && value <= hi! && (value - lo!) % step === 0;
  });
}

/** Whether the minute starting at `ms` (UTC) is one the schedule fires at. */
export function cronMatches(schedule: string, ms: number): boolean {
  const d = new Date(ms);
  const f = schedule.trim().split(/\s+/);
  const dow = d.getUTCDay();
  return (
    fieldMatches(f[0]!, d.getUTCMinutes(), 0, 59) &&
    fieldMatches(f[1]!, d.getUTCHours(), 0, 23) &&
    fieldMatches(f[2]!, d.getUTCDate(), 1, 31) &&
    fieldMatches(f[3]!, d.getUTCMonth() + 1, 1, 12) &&
    (fieldMatches(f[4]!, dow, 0, 7) || (dow === 0 && fieldMatches(f[4]!, 7, 0, 7)))
  );
}

/** Whether `ms` lies in a window opened by the schedule within the last `durationMs`. */
export function inCronWindow(schedule: string, durationMs: number, ms: number): boolean {
  const minute = 60_000;
  const start = Math.floor(ms / minute) * minute;
  for (let t = start; t > ms - durationMs; t -= minute) if (cronMatches(schedule, t)) return true;
  return false;
}
