/**
 * A what-if over many slices on every core: the slices are split into one contiguous share per
 * worker thread (replay-worker.ts), each prepares (its own forecaster: model, calibration) or
 * replays its share, and the results come back in the slices' order. Both are per-slice work
 * (a slice's forecasts and calibration depend on its own history only), so N cores go close to
 * N times as fast; a handful of slices stays in this thread, where a worker's start-up would
 * cost more.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchForecaster } from '../forecast/contract.js';
import type { SliceRun } from './simulate.js';
import { prepare, replay, type PreparedSlice, type WhatIfOptions, type WhatIfSlice } from './whatif.js';

/** Below this many slices per worker, the work stays in this thread. */
export const MIN_SLICES_PER_WORKER = 50;

export type PoolJob =
  | { kind: 'replay'; slices: PreparedSlice[]; opts: WhatIfOptions; withTrace: boolean }
  | { kind: 'prepare'; slices: WhatIfSlice[]; warmupHours: number; onlyOwn: boolean };

/** The worker's file beside this one: .ts under tsx, .js once compiled. */
function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  return new URL(`./replay-worker${path.extname(here)}`, import.meta.url);
}

function runWorker<T>(job: PoolJob): Promise<T[]> {
  return new Promise((resolve, reject) => {
    // Workers inherit this process's execArgv (tsx's loader when run from source).
    const w = new Worker(workerUrl(), { workerData: job });
    w.once('message', (out: T[]) => resolve(out));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`what-if worker exited with code ${code}`));
    });
  });
}

function workersFor(n: number, asked: number | undefined): number {
  return Math.max(1, Math.min(asked ?? os.availableParallelism(), Math.floor(n / MIN_SLICES_PER_WORKER)));
}

function shares<T>(items: T[], workers: number): T[][] {
  const share = Math.ceil(items.length / workers);
  return Array.from({ length: workers }, (_, i) => items.slice(i * share, (i + 1) * share));
}

/** Every slice's run, in order, on up to `workers` threads (default: the machine's cores). */
export async function replayAll(slices: PreparedSlice[], opts: WhatIfOptions, o: { workers?: number; withTrace?: boolean } = {}): Promise<SliceRun[]> {
  const withTrace = o.withTrace ?? false;
  const workers = workersFor(slices.length, o.workers);
  if (workers === 1) return slices.map((s) => replay(s, opts, withTrace));
  return (await Promise.all(shares(slices, workers).map((share) => runWorker<SliceRun>({ kind: 'replay', slices: share, opts, withTrace })))).flat();
}

/**
 * `prepare` (whatif.ts) on up to `workers` threads, each with its own embedded forecaster;
 * `forecaster` serves when the work stays in this thread (a few slices).
 */
export async function prepareAll(forecaster: BatchForecaster, slices: WhatIfSlice[], warmupHours: number, onlyOwn = false, o: { workers?: number } = {}): Promise<PreparedSlice[]> {
  const workers = workersFor(slices.length, o.workers);
  if (workers === 1) return prepare(forecaster, slices, warmupHours, onlyOwn);
  return (await Promise.all(shares(slices, workers).map((share) => runWorker<PreparedSlice>({ kind: 'prepare', slices: share, warmupHours, onlyOwn })))).flat();
}
