/**
 * How fast this machine's cores are: a fixed piece of single-core work, timed in CPU time, taken
 * every few seconds while a benchmark runs.
 *
 * On a virtual machine whose cores are shared with other machines on the host, the same run can
 * take far longer one time than the next, and so can the same fixed work from one second to the
 * next on an idle machine: a time to Ready means little without the cores' speed at the time.
 * Runs are comparable when their probes are.
 *
 * CPU time, not wall time: under load the probe waits for a core, and that wait depends on the
 * load (the same in comparable runs), not on the speed of the cores. About 10 ms of work every
 * 2 s is 0.5 % of one core.
 *
 * The work is what the operator and the API server's clients mostly do: JSON text to objects and
 * back, and a SHA-256 (native code) of the text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const sample = { items: Array.from({ length: 200 }, (_, i) => ({ key: `key-${i}`, value: i, text: 'x'.repeat(10) })) };

function work(rounds: number): number {
  let text = JSON.stringify(sample);
  let acc = 0;
  for (let i = 0; i < rounds; i++) {
    const o = JSON.parse(text) as typeof sample;
    o.items[0]!.value = i;
    text = JSON.stringify(o);
    acc += createHash('sha256').update(text).digest()[0]!;
  }
  return acc;
}

/** CPU milliseconds (user + system) of the fixed work. Lower is faster. */
export function probeOnce(rounds = 50): number {
  const before = process.cpuUsage();
  work(rounds);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export interface ProbeSummary {
  samples: number;
  /** CPU ms of one probe: min / median / max. */
  min: number;
  median: number;
  max: number;
}

export const probeText = (s: ProbeSummary): string =>
  `${s.median.toFixed(1)} ms median (${s.min.toFixed(1)} to ${s.max.toFixed(1)}, ${s.samples} probes)`;

/** Probes every `intervalMs` until stopped; `stop` gives the summary. */
export function startCpuProbe(intervalMs = 2000): { stop(): ProbeSummary } {
  work(10); // compiled before the first sample
  const times: number[] = [];
  const timer = setInterval(() => times.push(probeOnce()), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return summariseProbes(times);
    },
  };
}

/** Min / median / max of probe times taken by the caller (for example between timed runs). */
export function summariseProbes(times: readonly number[]): ProbeSummary {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { samples: sorted.length, min: at(0), median: at(0.5), max: at(1) };
}

/**
 * The share of this virtual machine's CPU time that the host gave to other machines (steal, from
 * the first line of /proc/stat) between two readings. Wall times measured while steal is high
 * stretch by that share while CPU times do not; null where /proc/stat has no steal column.
 */
export function startStealMeter(): { stop(): number | null } {
  const read = (): number[] | null => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return fields.length >= 8 && fields.every(Number.isFinite) ? fields : null;
    } catch {
      return null;
    }
  };
  const before = read();
  return {
    stop() {
      const after = read();
      if (!before || !after) return null;
      // user nice system idle iowait irq softirq steal (guest time is already inside user).
      const delta = after.slice(0, 8).map((v, i) => v - before[i]!);
      const total = delta.reduce((a, b) => a + b, 0);
      return total > 0 ? delta[7]! / total : null;
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Standalone: 20 probes, one every 500 ms.
  const p = startCpuProbe(500);
  setTimeout(() => console.log(`cpu probe: ${probeText(p.stop())}`), 10_250);
}
