import { readFileSync } from 'node:fs';

/** A process's peak resident memory so far (VmHWM in /proc/PID/status), in bytes. */
export function peakRssBytes(pid: number | 'self' = 'self'): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

/** Resident memory split into anonymous (heap, malloc) and file-backed (node, libonnxruntime) pages, MiB. */
export function residentSplit(pid: number | 'self' = 'self'): { anon: number; file: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
  return { anon: Math.round(kb('Anonymous') / 1024), file: Math.round((kb('Rss') - kb('Anonymous')) / 1024) };
}
