import { residentSplit } from '../proc-memory.js';
import { mib, scrape, type Metrics } from './metrics.js';

/** Min, median, max. */
export type Spread = [number, number, number];

export const spread = (xs: number[]): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[0]!, s[Math.floor(s.length / 2)]!, s[s.length - 1]!];
};

/** "min / median / max". */
export const spreadText = ([lo, mid, hi]: Spread): string => `${lo} / ${mid} / ${hi}`;

/** The operator's memory gauges of one scrape, MiB: RSS, V8 heap used and committed. */
export interface MemorySample {
  rss: number;
  used: number;
  committed: number;
}

export const memorySample = (m: Metrics): MemorySample => ({
  rss: mib(m, 'process_resident_memory_bytes'),
  used: mib(m, 'nodejs_heap_size_used_bytes'),
  committed: mib(m, 'nodejs_heap_size_total_bytes'),
});

export interface MemoryOverCycle {
  /** MiB, over the samples: min, median, max. */
  rss: Spread;
  heapUsed: Spread;
  heapCommitted: Spread;
  /** At the last sample. */
  anon: number;
  file: number;
}

/**
 * The operator's memory sampled every 5 s over one full 60 s cycle, from its metrics on `port`
 * and, for the split into anonymous and file pages, /proc of its node process `pid`. V8's
 * committed heap is a sawtooth between collections, so a single reading is a random draw from it.
 */
export async function memoryOverCycle(port: number, pid: number): Promise<MemoryOverCycle> {
  const samples: MemorySample[] = [];
  for (let t = 0; t <= 65_000; t += 5000) {
    if (t) await new Promise((r) => setTimeout(r, 5000));
    samples.push(memorySample(await scrape(port)));
  }
  return {
    rss: spread(samples.map((s) => s.rss)),
    heapUsed: spread(samples.map((s) => s.used)),
    heapCommitted: spread(samples.map((s) => s.committed)),
    ...residentSplit(pid),
  };
}
