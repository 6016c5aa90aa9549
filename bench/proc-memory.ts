import { readFileSync } from 'node:fs';

/** A process's peak resident memory so far (VmHWM in /proc/PID/status), in bytes. */
export function peakRssBytes(pid: number | 'self' = 'self'): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}
