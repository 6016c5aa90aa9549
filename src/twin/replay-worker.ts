/** One replay-pool worker (replay-pool.ts): replays its share of slices and posts the runs back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ReplayJob } from './replay-pool.js';
import { replay } from './whatif.js';

const job = workerData as ReplayJob;
parentPort!.postMessage(job.slices.map((s) => replay(s, job.opts, job.withTrace)));
