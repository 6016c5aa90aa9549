/**
 * The scale bench's docs blocks, rebuilt from the figures of a recorded run: the text is what
 * docs/benchmarks.md holds for that run, so a refactoring of the bench that changes its output
 * shows here, not after a run of many minutes.
 */
import { describe, expect, it } from '@jest/globals';
import type { Metrics } from '../../../bench/scale/metrics.js';
import { parseScaleOptions, type ScaleOptions } from '../../../bench/scale/options.js';
import {
  cpuRows,
  floorBlock,
  memoryText,
  scaleBlock,
  telemetryBlock,
  VARIANT_HEADER,
  variantRow,
  writesPerSlice,
  type Host,
  type ScaleResults,
} from '../../../bench/scale/report.js';

const host: Host = { date: '2026-12-01', cores: 2, cpuModel: 'AMD EPYC', memoryGiB: 24, node: 'v20.20.2' };
const operator = {
  imageTokens: ['--optimize-for-size', 'NODE_ENV=production', 'MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=131072'],
  limitText: "in a memory cgroup of the chart's limit (512 MiB)",
};
const options = (argv: string[]): ScaleOptions => parseScaleOptions(argv) as ScaleOptions;
const IMAGE = '`--optimize-for-size` `NODE_ENV=production` `MALLOC_ARENA_MAX=2` `MALLOC_MMAP_THRESHOLD_=131072`';

const stages = (rows: string[]) => [
  '| step (count) | 50 % done at | 90 % done at | all done at |',
  '|---|---|---|---|',
  ...rows,
  '',
  'ReplicaSets: 1000 for 1000 Deployments.',
];

const writesAfter: Metrics = new Map([
  ['slice_operator_api_writes_total{verb="PATCH",resource="networkslices/status"}', 1487],
  ['slice_operator_api_writes_total{verb="PATCH",resource="configmaps"}', 1000],
  ['slice_operator_api_writes_total{verb="PATCH",resource="deployments"}', 1000],
  ['slice_operator_api_writes_total{verb="PATCH",resource="services"}', 1000],
  ['slice_operator_api_writes_total{verb="POST",resource="events"}', 1000],
  ['slice_operator_api_writes_total{verb="PATCH",resource="priorityclasses"}', 1],
  ['process_resident_memory_bytes', 1],
]);
const recorded: ScaleResults = {
  readySeconds: 47.694,
  createSeconds: 6.491,
  speed: { samples: 23, min: 5.1, median: 6.5, max: 8.9 },
  stages: stages(['| slice created (1000) | 2 s | 6 s | 7 s |']),
  cpuLines: cpuRows(
    [
      { name: 'etcd', seconds: 7.36 },
      { name: 'slice-operator', seconds: 10.7 },
    ],
    47.694,
  ),
  writeLines: writesPerSlice(new Map(), writesAfter, 1000),
  noopReconciles: 2000,
  noopWrites: 0,
  reconcileP50ms: 55.3,
  reconcileP90ms: 215.4,
  reconcileP99ms: 348.9,
  reconciles: 4487,
  rssMbAtN: 129,
  bigLine: memoryText({ rss: [155, 162, 167], heapUsed: [50, 54, 59], heapCommitted: [54, 63, 65], anon: 98, file: 73 }),
  extraReadySeconds: 283.745,
  variantLines: [
    ...VARIANT_HEADER,
    variantRow(IMAGE, { rss: [157, 159, 171], heapUsed: [47, 50, 65], heapCommitted: [57, 59, 69], anon: 86, file: 73 }),
    variantRow('(none)', { rss: [186, 193, 204], heapUsed: [50, 61, 74], heapCommitted: [70, 77, 83], anon: 127, file: 73 }),
  ],
};

describe('scale bench report', () => {
  it('writes the default mode block as recorded', () => {
    const block = scaleBlock(options([]), operator, recorded, host);
    expect(block)
      .toBe(`Measured 2026-12-01 with \`npm run bench:scale -- --slices 1000 --rss-slices 10000\` on 2 cores (AMD EPYC), 24 GiB, node v20.20.2; local control plane v1.34.4 (etcd, kube-apiserver, KCM, scheduler, kwok: 7 nodes), operator as its own process (compiled JS, Node.js flags and environment ${IMAGE} as in the image, in a memory cgroup of the chart's limit (512 MiB)), 8 workers, its default 60 s cycle.

| measured | result | target |
|---|---|---|
| 1000 slices created -> all Ready (one UPF pod each, Running on kwok) | 47.694 s (creates took 6.491 s) | < 60 s |
| CPU probe meanwhile: CPU time of a fixed piece of work, every 2 s (lower is faster; bench/cpu-probe.ts) | 6.5 ms median (5.1 to 8.9, 23 probes) | |
| API writes during no-op resyncs (65 s, 2000 reconciles) | 0 | 0 |
| reconcile latency p50 / p90 / p99 (all 4487 reconciles of the run) | 55.3 / 215.4 / 348.9 ms | |
| operator RSS with 1000 slices | 129 MB | |
| operator RSS with 10000 slices, sampled every 5 s over one 60 s cycle: min / median / max | 155 / 162 / 167 MB (V8 heap used 50 / 54 / 59, committed 54 / 63 / 65 MB; last sample 98 MB anonymous + 73 MB file pages) | < 200 MB |
| 9000 more slices (parked: no site, no pod) created -> Degraded | 283.745 s | |

Where the 47.694 s to Ready go: when each step of the 1000 slices' pipeline was done, in seconds after the first create (from the objects' own timestamps):

| step (count) | 50 % done at | 90 % done at | all done at |
|---|---|---|---|
| slice created (1000) | 2 s | 6 s | 7 s |

ReplicaSets: 1000 for 1000 Deployments.

CPU used by each process while the 1000 slices went to Ready (100 % = one core; the machine has 2):

| process | CPU time | of one core |
|---|---|---|
| etcd | 7.4 s | 15 % |
| slice-operator | 10.7 s | 22 % |

The operator's writes to the API server while the 1000 slices went to Ready (slice_operator_api_writes_total):

| verb | resource | writes | per slice |
|---|---|---|---|
| PATCH | networkslices/status | 1487 | 1.49 |
| PATCH | configmaps | 1000 | 1.00 |
| PATCH | deployments | 1000 | 1.00 |
| PATCH | services | 1000 | 1.00 |
| POST | events | 1000 | 1.00 |
| PATCH | priorityclasses | 1 | 0.00 |
| all | | 5488 | 5.49 |

Operator RSS after a restart on the same 10000 slices (it lists them all and reconciles each once; then sampled every 5 s over one full cycle), by Node.js flags and environment:

| Node.js flags, environment | RSS min / median / max | V8 heap used | V8 heap committed | last sample: anonymous + file pages |
|---|---|---|---|---|
| ${IMAGE} | 157 / 159 / 171 MB | 47 / 50 / 65 MB | 57 / 59 / 69 MB | 86 + 73 MB |
| (none) | 186 / 193 / 204 MB | 50 / 61 / 74 MB | 70 / 77 / 83 MB | 127 + 73 MB |`);
  });

  it('names non-default workers and variants in the command line', () => {
    const block = scaleBlock(
      options(['--workers', '24', '--rss-variants', '']),
      { imageTokens: [], limitText: 'no memory limit (x)' },
      recorded,
      host,
    );
    expect(block.split('\n')[0]).toContain("`npm run bench:scale -- --slices 1000 --rss-slices 10000 --workers 24 --rss-variants ''`");
    expect(block.split('\n')[0]).toContain('(compiled JS, no Node.js flags as in the image, no memory limit (x)), 24 workers');
  });

  it('writes the --floor block as recorded', () => {
    const block = floorBlock(
      1000,
      {
        seconds: 33.998,
        createdSeconds: 27.091,
        speed: { samples: 16, min: 5.1, median: 5.4, max: 7.1 },
        stages: stages(['| slice created (1000) | 14 s | 24 s | 27 s |']),
        cpuLines: cpuRows([{ name: 'etcd', seconds: 5.6 }], 33.998),
      },
      host,
    );
    expect(block)
      .toBe(`Measured 2026-12-01 with \`npm run bench:scale -- --floor --slices 1000\` on 2 cores (AMD EPYC): the same local control plane with no operator; the benchmark creates 1000 slices and applies each one's ConfigMap, UPF Deployment and Service itself (16 at a time).

| measured | result |
|---|---|
| 1000 slices and their objects created -> every UPF Deployment Available | 33.998 s (creates and applies took 27.091 s) |
| CPU probe meanwhile: CPU time of a fixed piece of work, every 2 s (lower is faster; bench/cpu-probe.ts) | 5.4 ms median (5.1 to 7.1, 16 probes) |

| step (count) | 50 % done at | 90 % done at | all done at |
|---|---|---|---|
| slice created (1000) | 14 s | 24 s | 27 s |

ReplicaSets: 1000 for 1000 Deployments.

| process | CPU time | of one core |
|---|---|---|
| etcd | 5.6 s | 16 % |`);
  });

  it('writes the --telemetry block as recorded', () => {
    const block = telemetryBlock(
      options(['--telemetry']),
      operator,
      {
        prometheusVersion: '2.42.0+ds',
        end: { rss: [186, 189, 205], heapUsed: [65, 66, 82], heapCommitted: [71, 73, 90], anon: 128, file: 75 },
        startup: { rss: 200, used: 83, committed: 87 },
        rest: { rss: 209, used: 82, committed: 94 },
        peakMb: 227,
        cycles: { ok: 11, failed: 0 },
        seconds: 687.2,
        status: { total: 10000, withLoad: 10000, withForecast: 10000, sources: new Map([['onnx', 10000]]), factors: [0.85, 1.03, 1.55] },
        reconciles: 119502,
        writes: 10000,
      },
      host,
    );
    expect(block)
      .toBe(`Measured 2026-12-01 with \`npx tsx bench/scale.ts --telemetry --rss-slices 10000 --telemetry-minutes 10\` on 2 cores (AMD EPYC), 24 GiB, node v20.20.2; the same local control plane, Prometheus 2.42.0+ds scraping the exporter every 15 s, the operator as the image runs it (${IMAGE}, in a memory cgroup of the chart's limit (512 MiB)), 8 workers, the embedded ONNX forecaster, 3600 s steps and its default cycle (60 s).

| measured | result | target |
|---|---|---|
| operator RSS with 10000 slices with telemetry, sampled every 5 s over the last 65 s: min / median / max | 186 / 189 / 205 MB (V8 heap used 65 / 66 / 82, committed 71 / 73 / 90 MB; last sample 128 MB anonymous + 75 MB file pages) | < 200 MB |
| the same, every 5 s over the first 120 s (start-up: list, a reconcile of every slice, the backfill and the calibration warm-up): max | 200 MB (heap used 83, committed 87 MB) | |
| the same, every 5 s after that: max | 209 MB (heap used 82, committed 94 MB) | |
| peak RSS over the operator's whole run (VmHWM) | 227 MB | |
| telemetry cycles over 687 s | 11 succeeded, 0 failed | |
| slices with load / forecast in status at the end | 10000 / 10000 of 10000 | |
| their forecasts' source; calibration factor min / median / max | onnx 10000; 0.85 / 1.03 / 1.55 | |
| reconciles, API writes | 119502, 10000 | |`);
  });

  it('marks what a short --telemetry run lacks', () => {
    const block = telemetryBlock(
      options(['--telemetry', '--step-seconds', '2', '--telemetry-minutes', '1']),
      operator,
      {
        prometheusVersion: 'unknown',
        end: { rss: [1, 2, 3], heapUsed: [1, 1, 1], heapCommitted: [1, 1, 1], anon: 1, file: 1 },
        startup: { rss: 1, used: 1, committed: 1 },
        peakMb: 3,
        cycles: { ok: 0, failed: 2 },
        seconds: 60,
        status: { total: 3, withLoad: 0, withForecast: 0, sources: new Map() },
        reconciles: 3,
        writes: 0,
      },
      host,
    );
    expect(block).toContain('`npx tsx bench/scale.ts --telemetry --rss-slices 10000 --step-seconds 2 --telemetry-minutes 1`');
    expect(block).toContain('2 s steps and its default cycle (2 s).');
    expect(block).toContain('| the same, every 5 s after that: max | - | |');
    expect(block).toContain("| their forecasts' source; calibration factor min / median / max | -; - | |");
  });
});
