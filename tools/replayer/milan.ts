import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Real Milan cellular activity: Telecom Italia, "Telecommunications - SMS, Call, Internet - MI",
 * Harvard Dataverse doi:10.7910/DVN/EGZHFV (Barlacchi et al., Scientific Data 2:150055, 2015),
 * licensed ODbL 1.0. One row per ~235 m grid square, hourly values from 2013-11-01 00:00 CET.
 * The one loader for it: the replayer, the demo, the forecaster's evaluation and the tests read
 * it as training/milan.py does.
 */
export const MILAN_ATTRIBUTION =
  'Milan cellular activity: Telecom Italia, Harvard Dataverse doi:10.7910/DVN/EGZHFV (Barlacchi et al. 2015), ODbL 1.0';
/** Hour index 0 of every row: 2013-11-01 00:00 CET (UTC+1). */
export const MILAN_START_MS = Date.UTC(2013, 9, 31, 23, 0, 0);
export const HOUR_MS = 3_600_000;

/**
 * The hourly file: $MILAN_DATA (as training/train.sh reads it), else hourly_squares.csv in
 * $MILAN_DATA_DIR, else in ../shared/data/milan beside the checkout (where CI puts it).
 */
export function milanCsvPath(repoRoot: string): string {
  const dir = process.env.MILAN_DATA_DIR ?? path.resolve(repoRoot, '..', 'shared', 'data', 'milan');
  return process.env.MILAN_DATA ?? path.join(dir, 'hourly_squares.csv');
}

/**
 * The data set is not in the checkout (it is ODbL data kept beside it), so a clone on its own has
 * none: say where it was looked for and how to point at it, not just ENOENT.
 */
export class MilanDataMissingError extends Error {
  constructor(readonly file: string) {
    super(`Milan traffic data not found at ${file}: put hourly_squares.csv in ../shared/data/milan beside the checkout, or set MILAN_DATA_DIR to its folder (or MILAN_DATA to the file)`);
    this.name = 'MilanDataMissingError';
  }
}

/** Rows of hourly activity; malformed cells become NaN (gaps), never silently zero. */
export function loadHourlySquares(file: string): number[][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MilanDataMissingError(file);
    throw e;
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split(',').map((c) => (c.trim() === '' ? NaN : Number(c))));
}

/** Wall-clock instant of hour index t of the data set. */
export function hourToDate(t: number): Date {
  return new Date(MILAN_START_MS + t * HOUR_MS);
}

/** Sum of several squares, hour by hour (a slice's aggregate demand); NaN where any is missing. */
export function aggregate(rows: number[][], squares: number[]): number[] {
  const picked = squares.map((i) => rows[i] ?? []);
  const len = Math.min(...picked.map((r) => r.length));
  return Array.from({ length: len }, (_, h) => picked.reduce((s, r) => s + (r[h] ?? NaN), 0));
}

/** Groups of rows of the hourly file holding the same series (duplicate_rows.txt beside it). */
export function duplicateGroups(csv: string): number[][] {
  const file = path.join(path.dirname(csv), 'duplicate_rows.txt');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/).map(Number));
}
