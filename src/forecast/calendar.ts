// Calendar features exactly as in training/milan.py: hour of day and day of week (0 = Monday) of
// the FIRST forecast step, in the card's time zone, as sin/cos pairs. Uses Intl so DST and zone
// rules come from the platform's tz database rather than a hand-rolled UTC offset.

const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local hour (0..23) and weekday (0 = Monday) of an instant in a time zone. */
export function localHourAndWeekday(at: Date, timeZone: string): { hour: number; dow: number } {
  let hour = Number.NaN;
  let dow = Number.NaN;
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'weekday') dow = WEEKDAY[part.value] ?? Number.NaN;
  }
  return { hour, dow };
}

/** [sin(2πh/24), cos(2πh/24), sin(2πd/7), cos(2πd/7)] for the instant `at`. */
export function calendarFeatures(at: Date, timeZone: string): [number, number, number, number] {
  const { hour, dow } = localHourAndWeekday(at, timeZone);
  const h = (2 * Math.PI * hour) / 24;
  const d = (2 * Math.PI * dow) / 7;
  return [Math.sin(h), Math.cos(h), Math.sin(d), Math.cos(d)];
}

/**
 * Memoised per instant: in a reconcile cycle thousands of series usually share the same end time,
 * and Intl formatting is the expensive part of input preparation.
 */
export class CalendarCache {
  private readonly cache = new Map<number, [number, number, number, number]>();
  constructor(readonly timeZone: string) {}
  features(at: Date): [number, number, number, number] {
    const key = at.getTime();
    let v = this.cache.get(key);
    if (!v) {
      v = calendarFeatures(at, this.timeZone);
      if (this.cache.size > 4096) this.cache.clear(); // bounded: instants drift forward
      this.cache.set(key, v);
    }
    return v;
  }
}
