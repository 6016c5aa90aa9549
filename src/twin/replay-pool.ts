/**
 * Replays many slices on every core: the slices are split into one contiguous share per worker
 * thread (replay-worker.ts), each replays its share with `replay`, and the runs come back in the
 * slices' order. A replay is pure and CPU-bound, so N cores replay close to N times as fast; a
 * handful of slices is replayed here, in this thread, where a worker's start-up would cost more.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SliceRun } from './simulate.js';
import { replay, type PreparedSlice, type WhatIfOptions } from './whatif.js';

/** Below this many slices per worker, the replay stays in this thread. */
export const MIN_SLICES_PER_WORKER = 50;

export interface ReplayJob {
  slices: PreparedSlice[];
  opts: WhatIfOptions;
  withTrace: boolean;
}

/** The worker's file beside this one: .ts under tsx, .js once compiled. */
function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  return new URL(`./replay-worker${path.extname(here)}`, import.meta.url);
}

function runWorker(job: ReplayJob): Promise<SliceRun[]> {
  return new Promise((resolve, reject) => {
    // Workers inherit this process's execArgv (tsx's loader when run from source).
    const w = new Worker(workerUrl(), { workerData: job });
    w.once('message', (runs: SliceRun[]) => resolve(runs));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`replay worker exited with code ${code}`));
    });
  });
}

/** Every slice's run, in order, on up to `workers` threads (default: the machine's cores). */
export async function replayAll(slices: PreparedSlice[], opts: WhatIfOptions, o: { workers?: number; withTrace?: boolean } = {}): Promise<SliceRun[]> {
  const withTrace = o.withTrace ?? false;
  const workers = Math.max(1, Math.min(o.workers ?? os.availableParallelism(), Math.floor(slices.length / MIN_SLICES_PER_WORKER)));
  if (workers === 1) return slices.map((s) => replay(s, opts, withTrace));
  const share = Math.ceil(slices.length / workers);
  const jobs = Array.from({ length: workers }, (_, i) => ({ slices: slices.slice(i * share, (i + 1) * share), opts, withTrace }));
  return (await Promise.all(jobs.map(runWorker))).flat();
}
