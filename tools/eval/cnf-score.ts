/**
 * Scoring of the CNF fault evaluation (tools/eval/cnf-faults.ts), pure: from what was injected on
 * each slice and what the slice's Anomalous condition said, precision, recall and F1 per fault
 * kind, the detection delay and the time to repair. An alarm is the slice's Anomalous condition
 * turning True with a reason; it detects a fault when the slice had that fault injected and the
 * reason is the one the fault expects. Any other alarm is false: an alarm on a clean slice, and an
 * alarm naming another reason than the slice's fault expects.
 */

/** The fault kinds the harness injects, and the Anomalous reason each must raise. */
export const FAULTS = {
  'crash loop after image change': 'CNFFailing',
  'image pull failure after image change': 'CNFFailing',
  'UPF pods unready on one site': 'SiteUnhealthy',
} as const;
export type FaultKind = keyof typeof FAULTS;

export interface SliceRun {
  slice: string;
  /** The fault injected, or undefined for a clean slice (benign image upgrade or nothing). */
  fault?: FaultKind;
  /** When the fault became visible to the operator (ms): the first pod status written. */
  onsetMs?: number;
  /** Every Anomalous reason the slice showed after the injections began, with when first seen (ms). */
  alarms: { reason: string; atMs: number }[];
  /** When the repair was applied (Deployment back on the healthy image, UPF placed off the site), ms. */
  repairedMs?: number;
  /** When the slice was Ready again after the repair, ms. */
  readyMs?: number;
}

export interface KindScore {
  kind: FaultKind;
  reason: string;
  injected: number;
  detected: number;
  falseAlarms: number;
  precision: number;
  recall: number;
  f1: number;
  /** Seconds from onset to the right alarm, per detected fault. */
  delays: number[];
  /** Seconds from onset to the repair applied, per repaired fault. */
  repairs: number[];
  /** Seconds from onset to Ready again, per recovered fault. */
  recoveries: number[];
}

export interface Score {
  kinds: KindScore[];
  clean: number;
  /** Alarms on clean slices. */
  cleanAlarms: number;
}

const seconds = (from: number, to: number) => (to - from) / 1000;

/** Whether an alarm of `reason` on a slice that had `fault` is true. */
const rightAlarm = (fault: FaultKind | undefined, reason: string) => fault !== undefined && FAULTS[fault] === reason;

export function score(runs: SliceRun[]): Score {
  const kinds = (Object.keys(FAULTS) as FaultKind[]).map((kind): KindScore => {
    const reason = FAULTS[kind];
    const mine = runs.filter((r) => r.fault === kind);
    const delays: number[] = [];
    const repairs: number[] = [];
    const recoveries: number[] = [];
    for (const r of mine) {
      const hit = r.alarms.find((a) => a.reason === reason);
      if (hit && r.onsetMs !== undefined) delays.push(seconds(r.onsetMs, hit.atMs));
      if (r.repairedMs !== undefined && r.onsetMs !== undefined) repairs.push(seconds(r.onsetMs, r.repairedMs));
      if (r.readyMs !== undefined && r.onsetMs !== undefined) recoveries.push(seconds(r.onsetMs, r.readyMs));
    }
    // False alarms of this kind's reason: on slices whose fault does not expect it (clean ones included).
    const falseAlarms = runs.filter((r) => !rightAlarm(r.fault, reason) && r.alarms.some((a) => a.reason === reason)).length;
    const detected = delays.length;
    // Precision counts the right alarms of every fault expecting this reason, so two kinds
    // raising the same reason do not count against each other.
    const trueOfReason = runs.filter((r) => rightAlarm(r.fault, reason) && r.alarms.some((a) => a.reason === reason)).length;
    const precision = trueOfReason + falseAlarms ? trueOfReason / (trueOfReason + falseAlarms) : 0;
    const recall = mine.length ? detected / mine.length : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { kind, reason, injected: mine.length, detected, falseAlarms, precision, recall, f1, delays, repairs, recoveries };
  });
  const clean = runs.filter((r) => !r.fault);
  return { kinds, clean: clean.length, cleanAlarms: clean.reduce((n, r) => n + r.alarms.length, 0) };
}

const median = (xs: number[]) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(1));
const medMax = (xs: number[]) => `${fmt(median(xs))} / ${fmt(xs.length ? Math.max(...xs) : undefined)}`;

/** The Markdown table of a score. */
export function scoreTable(s: Score): string {
  const lines = [
    '| fault | Anomalous reason | injected | detected | recall | precision | F1 | detection delay, s (median / max) | repair applied, s (median / max) | Ready again, s (median / max) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const k of s.kinds) {
    lines.push(`| ${k.kind} | ${k.reason} | ${k.injected} | ${k.detected} | ${k.recall.toFixed(3)} | ${k.precision.toFixed(3)} | ${k.f1.toFixed(3)} | ${medMax(k.delays)} | ${medMax(k.repairs)} | ${medMax(k.recoveries)} |`);
  }
  lines.push('', `Clean slices: ${s.clean}, with ${s.cleanAlarms} alarm${s.cleanAlarms === 1 ? '' : 's'}.`);
  return lines.join('\n');
}
