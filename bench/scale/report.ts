/** The Markdown the bench prints and, with --write-docs, puts between its markers in docs/benchmarks.md. */
import os from 'node:os';
import { probeText, type ProbeSummary } from '../cpu-probe.js';
import type { Metrics } from './metrics.js';
import { spreadText, type MemoryOverCycle, type MemorySample, type Spread } from './memory-sampling.js';
import type { ScaleOptions } from './options.js';

/** Where and when the figures were made. */
export interface Host {
  /** YYYY-MM-DD. */
  date: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
}

export const thisHost = (): Host => ({
  date: new Date().toISOString().slice(0, 10),
  cores: os.cpus().length,
  cpuModel: String(os.cpus()[0]?.model.trim()),
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
});

const cores = (h: Host): string => `${h.cores} cores (${h.cpuModel})`;
const machine = (h: Host): string => `${cores(h)}, ${h.memoryGiB} GiB, node ${h.node}`;
const quoted = (tokens: string[]): string => tokens.map((t) => `\`${t}\``).join(' ');

/** The speed of the cores meanwhile (bench/cpu-probe.ts), as a row of a results table. */
export const probeRow = (s: ProbeSummary, target = false): string =>
  `| CPU probe meanwhile: CPU time of a fixed piece of work, every 2 s (lower is faster; bench/cpu-probe.ts) | ${probeText(s)} |${target ? ' |' : ''}`;

/** Table rows of the CPU each component used over `seconds` of wall time. */
export const cpuRows = (used: { name: string; seconds: number }[], seconds: number): string[] =>
  used.map((c) => `| ${c.name} | ${c.seconds.toFixed(1)} s | ${Math.round((100 * c.seconds) / seconds)} % |`);

/** Table of the operator's writes between two scrapes, per verb and resource, and per slice. */
export function writesPerSlice(before: Metrics, after: Metrics, n: number): string[] {
  const rows = [...after]
    .filter(([k]) => k.startsWith('slice_operator_api_writes_total{'))
    .map(([k, v]) => ({ k, d: v - (before.get(k) ?? 0) }))
    .filter((r) => r.d > 0)
    .map(({ k, d }) => ({ verb: /verb="([^"]*)"/.exec(k)?.[1] ?? '?', resource: /resource="([^"]*)"/.exec(k)?.[1] ?? '?', d }))
    .sort((a, b) => b.d - a.d);
  const total = rows.reduce((s, r) => s + r.d, 0);
  return [
    '| verb | resource | writes | per slice |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.verb} | ${r.resource} | ${r.d} | ${(r.d / n).toFixed(2)} |`),
    `| all | | ${total} | ${(total / n).toFixed(2)} |`,
  ];
}

/** The operator's memory over a cycle: "min / median / max MB (V8 heap used ..., committed ... MB; last sample ...)". */
export const memoryText = (m: MemoryOverCycle): string =>
  `${spreadText(m.rss)} MB (V8 heap used ${spreadText(m.heapUsed)}, committed ${spreadText(m.heapCommitted)} MB; last sample ${m.anon} MB anonymous + ${m.file} MB file pages)`;

/** A row of the restart table: one set of Node.js flags and environment, and the memory it gave. */
export const variantRow = (label: string, m: MemoryOverCycle): string =>
  `| ${label} | ${spreadText(m.rss)} MB | ${spreadText(m.heapUsed)} MB | ${spreadText(m.heapCommitted)} MB | ${m.anon} + ${m.file} MB |`;

export const VARIANT_HEADER = [
  '| Node.js flags, environment | RSS min / median / max | V8 heap used | V8 heap committed | last sample: anonymous + file pages |',
  '|---|---|---|---|---|',
];

/** What the default mode measured. */
export interface ScaleResults {
  readySeconds: number;
  createSeconds: number;
  speed: ProbeSummary;
  stages: string[];
  cpuLines: string[];
  writeLines: string[];
  noopReconciles: number;
  noopWrites: number;
  reconcileP50ms: number;
  reconcileP90ms: number;
  reconcileP99ms: number;
  reconciles: number;
  rssMbAtN: number;
  /** memoryText of the operator with all M slices. */
  bigLine: string;
  extraReadySeconds: number;
  /** The restart table (VARIANT_HEADER and a row per variant), or none. */
  variantLines: string[];
}

/** How the operator ran, for the figures' description. */
export interface OperatorSetup {
  imageTokens: string[];
  limitText: string;
}

/** The command line of a default run, as the figures were made. */
const scaleCommand = (o: ScaleOptions): string =>
  `npm run bench:scale -- --slices ${o.slices} --rss-slices ${o.rssSlices}${o.workers !== 8 ? ` --workers ${o.workers}` : ''}${o.rssVariants !== undefined ? ` --rss-variants '${o.rssVariants}'` : ''}`;

/** The 'scale' block. */
export function scaleBlock(o: ScaleOptions, op: OperatorSetup, r: ScaleResults, host = thisHost()): string {
  const { slices: N, rssSlices: M } = o;
  const flags = op.imageTokens.length ? `Node.js flags and environment ${quoted(op.imageTokens)}` : 'no Node.js flags';
  return [
    `Measured ${host.date} with \`${scaleCommand(o)}\` on ${machine(host)}; local control plane v1.34.4 (etcd, kube-apiserver, KCM, scheduler, kwok: 7 nodes), operator as its own process (compiled JS, ${flags} as in the image, ${op.limitText}), ${o.workers} workers, its default 60 s cycle.`,
    '',
    '| measured | result | target |',
    '|---|---|---|',
    `| ${N} slices created -> all Ready (one UPF pod each, Running on kwok) | ${r.readySeconds} s (creates took ${r.createSeconds} s) | < 60 s |`,
    probeRow(r.speed, true),
    `| API writes during no-op resyncs (65 s, ${r.noopReconciles} reconciles) | ${r.noopWrites} | 0 |`,
    `| reconcile latency p50 / p90 / p99 (all ${r.reconciles} reconciles of the run) | ${r.reconcileP50ms} / ${r.reconcileP90ms} / ${r.reconcileP99ms} ms | |`,
    `| operator RSS with ${N} slices | ${r.rssMbAtN} MB | |`,
    `| operator RSS with ${M} slices, sampled every 5 s over one 60 s cycle: min / median / max | ${r.bigLine} | < 200 MB |`,
    `| ${Math.max(0, M - N)} more slices (parked: no site, no pod) created -> Degraded | ${r.extraReadySeconds} s | |`,
    '',
    `Where the ${r.readySeconds} s to Ready go: when each step of the ${N} slices' pipeline was done, in seconds after the first create (from the objects' own timestamps):`,
    '',
    ...r.stages,
    '',
    `CPU used by each process while the ${N} slices went to Ready (100 % = one core; the machine has ${host.cores}):`,
    '',
    '| process | CPU time | of one core |',
    '|---|---|---|',
    ...r.cpuLines,
    '',
    `The operator's writes to the API server while the ${N} slices went to Ready (slice_operator_api_writes_total):`,
    '',
    ...r.writeLines,
    ...(r.variantLines.length
      ? [
          '',
          `Operator RSS after a restart on the same ${M} slices (it lists them all and reconciles each once; then sampled every 5 s over one full cycle), by Node.js flags and environment:`,
          '',
          ...r.variantLines,
        ]
      : []),
  ].join('\n');
}

/** What --floor measured. */
export interface FloorResults {
  seconds: number;
  createdSeconds: number;
  speed: ProbeSummary;
  stages: string[];
  cpuLines: string[];
}

/** The 'floor' block. */
export function floorBlock(n: number, r: FloorResults, host = thisHost()): string {
  return [
    `Measured ${host.date} with \`npm run bench:scale -- --floor --slices ${n}\` on ${cores(host)}: the same local control plane with no operator; the benchmark creates ${n} slices and applies each one's ConfigMap, UPF Deployment and Service itself (16 at a time).`,
    '',
    `| measured | result |`,
    '|---|---|',
    `| ${n} slices and their objects created -> every UPF Deployment Available | ${r.seconds} s (creates and applies took ${r.createdSeconds} s) |`,
    probeRow(r.speed),
    '',
    ...r.stages,
    '',
    '| process | CPU time | of one core |',
    '|---|---|---|',
    ...r.cpuLines,
  ].join('\n');
}

/** What the slices' status says at the end of --telemetry. */
export interface StatusSummary {
  total: number;
  withLoad: number;
  withForecast: number;
  /** Slices by their forecast's source. */
  sources: Map<string, number>;
  /** Calibration factors, or undefined when no slice has one. */
  factors?: Spread;
}

/** What --telemetry measured. */
export interface TelemetryResults {
  prometheusVersion: string;
  /** Over the last 65 s. */
  end: MemoryOverCycle;
  /** Maxima over the first 120 s, and after them (none in a shorter run). */
  startup: MemorySample;
  rest?: MemorySample;
  peakMb: number;
  cycles: { ok: number; failed: number };
  seconds: number;
  status: StatusSummary;
  reconciles: number;
  writes: number;
}

const maxText = (s: MemorySample): string => `${s.rss} MB (heap used ${s.used}, committed ${s.committed} MB)`;

/** The command line of a --telemetry run. */
const telemetryCommand = (o: ScaleOptions): string =>
  `npx tsx bench/scale.ts --telemetry --rss-slices ${o.rssSlices}${o.stepSeconds !== 3600 ? ` --step-seconds ${o.stepSeconds}` : ''} --telemetry-minutes ${o.telemetryMinutes}`;

/** The 'telemetry' block. */
export function telemetryBlock(o: ScaleOptions, op: OperatorSetup, r: TelemetryResults, host = thisHost()): string {
  const M = o.rssSlices;
  const s = r.status;
  const sources = [...s.sources].map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  return [
    `Measured ${host.date} with \`${telemetryCommand(o)}\` on ${machine(host)}; the same local control plane, Prometheus ${r.prometheusVersion} scraping the exporter every 15 s, the operator as the image runs it (${quoted(op.imageTokens)}, ${op.limitText}), ${o.workers} workers, the embedded ONNX forecaster, ${o.stepSeconds} s steps and its default cycle (${Math.min(o.stepSeconds, 60)} s).`,
    '',
    '| measured | result | target |',
    '|---|---|---|',
    `| operator RSS with ${M} slices with telemetry, sampled every 5 s over the last 65 s: min / median / max | ${memoryText(r.end)} | < 200 MB |`,
    `| the same, every 5 s over the first 120 s (start-up: list, a reconcile of every slice, the backfill and the calibration warm-up): max | ${maxText(r.startup)} | |`,
    `| the same, every 5 s after that: max | ${r.rest ? maxText(r.rest) : '-'} | |`,
    `| peak RSS over the operator's whole run (VmHWM) | ${r.peakMb} MB | |`,
    `| telemetry cycles over ${Math.round(r.seconds)} s | ${r.cycles.ok} succeeded, ${r.cycles.failed} failed | |`,
    `| slices with load / forecast in status at the end | ${s.withLoad} / ${s.withForecast} of ${s.total} | |`,
    `| their forecasts' source; calibration factor min / median / max | ${sources}; ${s.factors ? spreadText(s.factors) : '-'} | |`,
    `| reconciles, API writes | ${r.reconciles}, ${r.writes} | |`,
  ].join('\n');
}
