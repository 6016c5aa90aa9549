// The Milan evaluation data (Telecom Italia, "Telecommunications - SMS, Call, Internet - MI",
// Harvard Dataverse doi:10.7910/DVN/EGZHFV, ODbL 1.0) as used by training/milan.py: one row per
// grid square, hourly values from 2013-11-01 00:00 CET. Only used by evaluation and tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { milanDir } from '../replayer/milan.js';
import { packageRoot } from './forecaster.js';

/** Hour index 0 of every row: 2013-11-01 00:00 CET (UTC+1). */
export const MILAN_ORIGIN_MS = Date.UTC(2013, 9, 31, 23, 0, 0);

export function milanCsvPath(): string {
  // ../shared/data/milan beside the checkout (where CI puts it), unless $MILAN_DATA names a file.
  return process.env.MILAN_DATA ?? path.join(milanDir(packageRoot()), 'hourly_squares.csv');
}

export function loadMilanRows(path = milanCsvPath()): number[][] {
  return readFileSync(path, 'ascii')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split(',').map(Number));
}

/** Wall-clock instant of hour index t of the data set. */
export function hourToDate(t: number): Date {
  return new Date(MILAN_ORIGIN_MS + t * 3600_000);
}
