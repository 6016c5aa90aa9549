/** One what-if pool worker (replay-pool.ts): prepares or replays its share of slices and posts the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { Forecaster } from '../forecast/forecaster.js';
import type { PoolJob } from './replay-pool.js';
import { prepare, replay } from './whatif.js';

const job = workerData as PoolJob;
if (job.kind === 'replay') {
  parentPort!.postMessage(job.slices.map((s) => replay(s, job.opts, job.withTrace)));
} else {
  const forecaster = await Forecaster.create();
  try {
    parentPort!.postMessage(await prepare(forecaster, job.slices, job.warmupHours, job.onlyOwn));
  } finally {
    await forecaster.close();
  }
}
