/**
 * `npm run bench:scale`: scale and speed of the operator process on the real local control plane.
 *   1. time for N slices (default 1,000; one UPF pod each, on kwok nodes) to reach Ready;
 *   2. API writes during no-op resyncs of all of them (target 0);
 *   3. reconcile latency percentiles (controller_runtime_reconcile_time_seconds);
 *   4. operator RSS with M slices (default 10,000; the extra ones at minReplicas 0, so the
 *      benchmark measures the operator, not kwok running 10,000 pods).
 * --write-docs replaces the block between the bench markers in docs/benchmarks.md.
 */
import { startCpuProbe, probeText, type ProbeSummary } from './cpu-probe.js';
import { replaceDocBlock } from '../tools/docs/doc-block.js';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { installNetworkSliceCrd } from '../tools/devcluster/install-crd.js';
import { FIELD_MANAGER } from '../src/controller/names.js';
import { LocalCluster } from '../tools/devcluster/cluster.js';
import { freePort } from '../tools/devcluster/ports.js';
import { LocalPrometheus } from '../tools/devcluster/prometheus.js';
import { DEFAULT_HISTORY_STEPS } from '../src/telemetry/load-observer.js';
import { HOUR_MS, loadHourlySquares, MILAN_START_MS, milanCsvPath } from '../tools/replayer/milan.js';
import { openMetricsHistory, ReplayerServer, type ReplayedSlice } from '../tools/replayer/replayer.js';
import { hourlyTrace } from '../tools/replayer/trace.js';
import { startSupervised, type SupervisedProcess } from '../tools/devcluster/process.js';
import { packageRoot } from '../src/forecast/forecaster.js';
import { desired, priorityClass } from '../src/controller/desired.js';
import { choosePlacement } from '../src/controller/placement.js';
import { cpuMillis, parseQuantity } from '../src/api/quantity.js';
import { objectPath, type Kind } from '../src/controller/resources.js';
import { addUsage, discoverSites, usageOf, withOccupancy, type NodeLike, type PlacedDeploymentLike, type Usage } from '../src/controller/sites.js';
import { snssaiLabel, toSliceView } from '../src/controller/view-from-api.js';
import { Informer, objectKey, type KubeObject } from '../src/runtime/informer.js';
import { KubeClient } from '../src/runtime/kube-client.js';
import { chartMemoryLimit, createMemoryCgroup, type MemoryCgroup } from './memory-cgroup.js';
import { peakRssBytes } from './proc-memory.js';

const { values: args } = parseArgs({
  options: {
    slices: { type: 'string', default: '1000' },
    'rss-slices': { type: 'string', default: '10000' },
    'write-docs': { type: 'boolean', default: false },
    // The control plane alone: the bench applies what the operator would, with no operator running.
    floor: { type: 'boolean', default: false },
    // Writes a CPU profile of kube-apiserver over --profile-seconds from the first create (go tool pprof FILE).
    'profile-apiserver': { type: 'string' },
    'profile-seconds': { type: 'string', default: '30' },
    // Writes a V8 CPU profile of the operator into this directory when it exits (--cpu-prof).
    'operator-cpu-prof': { type: 'string' },
    // Writes a V8 heap snapshot of the operator into this directory once it holds all the slices.
    'heap-snapshot': { type: 'string' },
    // Then restarts the operator on the same M slices once per ';'-separated set of Node.js flags
    // ('' = none) and records its RSS after one full cycle. Default: the image's flags, then none.
    'rss-variants': { type: 'string' },
    // The operator's --max-concurrent-reconciles.
    workers: { type: 'string', default: '8' },
    // Instead: the operator's memory with --rss-slices slices that all have telemetry (real
    // Prometheus, replayed Milan traffic) for --telemetry-minutes, at one replayed hour every
    // --step-seconds (3600: real time, as in production).
    telemetry: { type: 'boolean', default: false },
    'step-seconds': { type: 'string', default: '3600' },
    'telemetry-minutes': { type: 'string', default: '10' },
  },
});
// Node.js flags of the measured operator for --heap-snapshot and --operator-cpu-prof.
const diagnostics = [
  ...(args['heap-snapshot'] ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${args['heap-snapshot']}`] : []),
  ...(args['operator-cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['operator-cpu-prof']}`] : []),
];
const N = Number(args.slices);
const M = Number(args['rss-slices']);
const WORKERS = Number(args.workers);
const root = packageRoot();

const slice = (ns: string, i: number, minReplicas: number) => ({
  apiVersion: 'slicing.telco.dev/v1alpha1',
  kind: 'NetworkSlice',
  metadata: { name: `s-${i}`, namespace: ns },
  spec: {
    // Unique (plmn, sst, sd) per slice: sd counts up.
    snssai: { sst: 128 + (i % 100), sd: i.toString(16).padStart(6, '0') },
    plmn: { mcc: '001', mnc: '01' },
    serviceType: 'custom',
    cnfs: [{ name: 'upf', type: 'upf', image: 'upf:1', capacity: { sessions: 100 }, minReplicas, maxReplicas: 4, resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
    scaling: { mode: 'static' },
    placement: { antiAffinity: 'none' },
  },
});

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

type Metrics = Map<string, number>;
async function scrape(port: number): Promise<Metrics> {
  // A kept-alive connection can be closed by the operator's server just as a request goes out
  // (its 5 s idle timer fires late while reconciles keep its event loop busy): try again.
  let text = '';
  for (let attempt = 0; ; attempt++) {
    try {
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      break;
    } catch (e) {
      if (attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const m: Metrics = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}
/** A metric in whole MiB (memory gauges). */
const mib = (m: Metrics, name: string): number => Math.round((m.get(name) ?? NaN) / 2 ** 20);
const sum = (m: Metrics, prefix: string): number => [...m].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);

/** Quantile from a cumulative Prometheus histogram (linear within the bucket, as histogram_quantile). */
function histogramQuantile(m: Metrics, name: string, q: number): number {
  const buckets = [...m]
    .filter(([k]) => k.startsWith(`${name}_bucket{`))
    .map(([k, v]) => ({ le: Number(/le="([^"]+)"/.exec(k)![1]!.replace('+Inf', 'Infinity')), v }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)!.v;
  const rank = q * total;
  let prevLe = 0;
  let prevV = 0;
  for (const b of buckets) {
    if (b.v >= rank) return b.le === Infinity ? prevLe : prevLe + ((b.le - prevLe) * (rank - prevV)) / Math.max(1e-9, b.v - prevV);
    prevLe = b.le;
    prevV = b.v;
  }
  return NaN;
}

/** CPU seconds (user + system) used so far by a process and all its descendants, from /proc. */
function cpuSecondsOfTree(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command name: state ppid ... utime(14) stime(15).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(d);
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    ticks.set(pid, Number(f[11]) + Number(f[12]));
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / 100; // USER_HZ is 100 on Linux
}

/** Offset (s) from t0 at which fraction q of the timestamps had passed; timestamps are whole seconds. */
function stageAt(times: number[], t0: number, q: number): string {
  if (!times.length) return '-';
  const sorted = [...times].sort((a, b) => a - b);
  return String(Math.max(0, Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! - t0) / 1000)));
}

interface Conditioned {
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}
const trueCondition = (o: Pick<Conditioned, 'status'>, type: string) => o.status?.conditions?.find((x) => x.type === type && x.status === 'True');
const conditionTime = (o: Conditioned, type: string): number | undefined => {
  const c = trueCondition(o, type);
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
};

/** Table rows of the CPU each component used since `before`, over `seconds` of wall time. */
function cpuRows(components: { name: string; pid: number }[], before: Map<string, number>, seconds: number): string[] {
  return components.map((c) => {
    const s = cpuSecondsOfTree(c.pid) - before.get(c.name)!;
    return `| ${c.name} | ${s.toFixed(1)} s | ${Math.round((100 * s) / seconds)} % |`;
  });
}

/** Table rows of the operator's writes between two scrapes, per verb and resource, and per slice. */
function writesPerSlice(before: Metrics, after: Metrics, n: number): string[] {
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

/** The operator's node process: the child of its supervising guard. */
function operatorNodePid(guardPid: number): number {
  const node = execFileSync('pgrep', ['-P', String(guardPid), '-x', 'node'], { encoding: 'utf8' }).trim().split('\n')[0];
  if (!node) throw new Error('no node process under the operator guard');
  return Number(node);
}

/** Resident memory split into anonymous (heap, malloc) and file-backed (node, libonnxruntime) pages, MiB. */
function residentSplit(pid: number): { anon: number; file: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
  return { anon: Math.round(kb('Anonymous') / 1024), file: Math.round((kb('Rss') - kb('Anonymous')) / 1024) };
}

interface MemoryOverCycle {
  /** MiB, over the samples: min, median, max. */
  rss: [number, number, number];
  heapUsed: [number, number, number];
  heapCommitted: [number, number, number];
  /** At the last sample. */
  anon: number;
  file: number;
}
const spread = (xs: number[]): [number, number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[0]!, s[Math.floor(s.length / 2)]!, s[s.length - 1]!];
};
const fmt = ([lo, mid, hi]: [number, number, number]) => `${lo} / ${mid} / ${hi}`;

/**
 * The operator's memory sampled every 5 s over one full 60 s cycle. V8's committed heap is a
 * sawtooth between collections (at 10,000 slices it went from 143 to 194 MB and back within a
 * minute), so a single reading is a random draw from it.
 */
async function memoryOverCycle(port: number, guardPid: number): Promise<MemoryOverCycle> {
  const rss: number[] = [];
  const used: number[] = [];
  const committed: number[] = [];
  for (let t = 0; t <= 65_000; t += 5000) {
    if (t) await new Promise((r) => setTimeout(r, 5000));
    const m = await scrape(port);
    rss.push(mib(m, 'process_resident_memory_bytes'));
    used.push(mib(m, 'nodejs_heap_size_used_bytes'));
    committed.push(mib(m, 'nodejs_heap_size_total_bytes'));
  }
  return { rss: spread(rss), heapUsed: spread(used), heapCommitted: spread(committed), ...residentSplit(operatorNodePid(guardPid)) };
}

/** Asks the operator (node under its bash guard `guardPid`) for a heap snapshot and waits until it is written. */
async function heapSnapshot(guardPid: number, dir: string): Promise<void> {
  const before = new Set(readdirSync(dir));
  process.kill(operatorNodePid(guardPid), 'SIGUSR2');
  const deadline = Date.now() + 600_000;
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000));
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    const size = file ? statSync(path.join(dir, file)).size : -1;
    // Written in one pass: done when the file stops growing.
    if (file && size > 0 && size === last) return console.log(`operator heap snapshot: ${path.join(dir, file)} (${Math.round(size / 2 ** 20)} MB)`);
    if (Date.now() > deadline) throw new Error('heap snapshot: not written in 10 min');
    last = size;
  }
}

/** A CPU profile of kube-apiserver over the next `seconds`, written to `file` (pprof format). */
async function apiserverProfile(cluster: LocalCluster, file: string, seconds: number): Promise<void> {
  const { pki, server } = cluster.details;
  const admin = pki.clients.admin!;
  const res = await new Promise<Buffer>((resolve, reject) => {
    const req = https.request(`${server}/debug/pprof/profile?seconds=${seconds}`, { ca: readFileSync(pki.caCert), cert: readFileSync(admin.cert), key: readFileSync(admin.key), timeout: (seconds + 30) * 1000 }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => (r.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`pprof: HTTP ${r.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('pprof: timeout')));
    req.on('error', reject);
    req.end();
  });
  writeFileSync(file, res);
  console.log(`kube-apiserver CPU profile (${seconds} s from the first create): ${file}`);
}

/**
 * Where the time to Ready goes: when each step of every slice's pipeline happened, from the
 * objects' own timestamps (whole seconds), so measuring costs the API server nothing meanwhile.
 */
async function pipelineStages(client: KubeClient, ns: string, t0: number): Promise<string[]> {
  const list = async (p: string) => (await client.request<{ items: Conditioned[] }>('GET', p)).items;
  const [slices, deps, pods, replicaSets] = await Promise.all([
    list(`/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`),
    list(`/apis/apps/v1/namespaces/${ns}/deployments`),
    list(`/api/v1/namespaces/${ns}/pods`),
    list(`/apis/apps/v1/namespaces/${ns}/replicasets`),
  ]);
  const ts = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  const stages: [string, number[]][] = [
    ['slice created', ts(slices.map((s) => Date.parse(s.metadata.creationTimestamp)))],
    ['UPF Deployment created (operator; with --floor, the benchmark)', ts(deps.map((d) => Date.parse(d.metadata.creationTimestamp)))],
    ['pod created (ReplicaSet controller)', ts(pods.map((p) => Date.parse(p.metadata.creationTimestamp)))],
    ['pod scheduled (scheduler)', ts(pods.map((p) => conditionTime(p, 'PodScheduled')))],
    ['pod Ready (kwok)', ts(pods.map((p) => conditionTime(p, 'Ready')))],
    ['Deployment Available (deployment controller)', ts(deps.map((d) => conditionTime(d, 'Available')))],
    ['slice Ready (operator)', ts(slices.map((s) => conditionTime(s, 'Ready')))],
  ];
  return [
    '| step (count) | 50 % done at | 90 % done at | all done at |',
    '|---|---|---|---|',
    ...stages.filter(([, xs]) => xs.length).map(([name, xs]) => `| ${name} (${xs.length}) | ${stageAt(xs, t0, 0.5)} s | ${stageAt(xs, t0, 0.9)} s | ${stageAt(xs, t0, 1)} s |`),
    '',
    // A Deployment whose pod template changed after creation (a UPF moved) leaves a second ReplicaSet.
    `ReplicaSets: ${replicaSets.length} for ${deps.length} Deployments.`,
  ];
}

/**
 * Counts the objects of a collection whose condition `type` is True, from a watch (our informer),
 * so the benchmark neither polls the busy API server with full lists nor rounds the time up to a
 * poll interval.
 */
async function conditionWatcher(client: KubeClient, path: string, type: string): Promise<{ until(n: number, timeoutMs: number): Promise<void>; stop(): Promise<void> }> {
  const informer = new Informer(client, { path });
  const ready = new Set<string>();
  let wake = (): void => undefined;
  informer.on((ev, obj) => {
    if (ev !== 'delete' && trueCondition(obj as Pick<Conditioned, 'status'>, type)) ready.add(objectKey(obj));
    else ready.delete(objectKey(obj));
    wake();
  });
  informer.start();
  await informer.waitForSync(60_000);
  return {
    async until(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (ready.size < n) {
        if (Date.now() > deadline) throw new Error(`only ${ready.size} of ${n} in ${path} ${type} after ${timeoutMs / 1000} s`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 1000);
        });
      }
    },
    stop: () => informer.stop(),
  };
}

/**
 * `--floor`: how long the control plane alone takes for the same work. Each slice is created, and
 * the bench itself applies the objects the operator would (desired() of the same view, placed by
 * the same pure placement with a running tally of free capacity), with no operator running. Ready
 * means every UPF Deployment Available. The time left between this and the operator's figure is
 * the operator's own doing.
 */
async function floor(cluster: LocalCluster, client: KubeClient): Promise<void> {
  const ns = 'bench-a';
  await client.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, FIELD_MANAGER);
  const nodes = await client.request<{ items: NodeLike[] }>('GET', '/api/v1/nodes');
  const sites = discoverSites(nodes.items);
  const used = new Map<string, Usage>();
  const available = await conditionWatcher(client, `/apis/apps/v1/namespaces/${ns}/deployments`, 'Available');
  const pc = priorityClass('custom');
  await client.apply(objectPath('PriorityClass', undefined, pc.metadata.name), pc, FIELD_MANAGER);
  const components = cluster.processes();
  const cpu0 = new Map(components.map((c) => [c.name, cpuSecondsOfTree(c.pid)]));
  const probe = startCpuProbe();
  const t0 = Date.now();
  try {
    await pool([...Array(N).keys()], 16, async (i) => {
      const created = await client.request<KubeObject>('POST', `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`, { body: slice(ns, i, 1) });
      const parsed = toSliceView(created);
      if (!parsed.ok) throw new Error(`slice ${i}: ${JSON.stringify(parsed.issues)}`);
      const upf = parsed.view.cnfs[0]!;
      const demand = { replicas: 1, cpuMillis: cpuMillis(upf.resources?.requests?.cpu ?? '0'), memoryBytes: parseQuantity(upf.resources?.requests?.memory ?? '0') };
      const placed = choosePlacement(withOccupancy(sites, used), { allowedSites: [], trackingAreas: [], preferEdge: false, maxSites: 1, demand, onePodPerNode: false });
      if (!placed.ok) throw new Error(`slice ${i}: ${placed.message}`);
      const objs = desired(parsed.view, { replicas: { [upf.name]: 1 }, upfSites: placed.sites });
      // Counted before the first await, as the operator reserves it.
      addUsage(used, usageOf(objs.find((o) => o.kind === 'Deployment') as PlacedDeploymentLike));
      for (const o of objs) {
        await client.apply(objectPath(o.kind as Kind, o.metadata.namespace, o.metadata.name), o, FIELD_MANAGER);
      }
    });
    const created = (Date.now() - t0) / 1000;
    await available.until(N, 900_000);
    const seconds = (Date.now() - t0) / 1000;
    const speed = probe.stop();
    const stages = await pipelineStages(client, ns, Math.floor(t0 / 1000) * 1000);
    const cpu = cpuRows(components, cpu0, seconds);
    const block = [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:scale -- --floor --slices ${N}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}): the same local control plane with no operator; the benchmark creates ${N} slices and applies each one's ConfigMap, UPF Deployment and Service itself (16 at a time).`,
      '',
      `| measured | result |`,
      '|---|---|',
      `| ${N} slices and their objects created -> every UPF Deployment Available | ${seconds} s (creates and applies took ${created} s) |`,
      probeRow(speed),
      '',
      ...stages,
      '',
      '| process | CPU time | of one core |',
      '|---|---|---|',
      ...cpu,
    ].join('\n');
    console.log(`\n${block}`);
    if (args['write-docs']) replaceDocBlock(path.join(root, 'docs', 'benchmarks.md'), 'floor', block);
  } finally {
    probe.stop();
    await available.stop();
  }
}

/** The speed of the cores meanwhile (bench/cpu-probe.ts), as a row of a results table. */
const probeRow = (s: ProbeSummary, target = false): string =>
  `| CPU probe meanwhile: CPU time of a fixed piece of work, every 2 s (lower is faster; bench/cpu-probe.ts) | ${probeText(s)} |${target ? ' |' : ''}`;

/**
 * `--telemetry`: the operator's memory with M slices that all have telemetry, as in production.
 * A real Prometheus scrapes an Open5GS-style exporter replaying real Milan traffic for every slice
 * (one grid square per slice, round robin) and holds a week of backfilled history; the operator
 * runs with --prometheus-url, the real ONNX forecaster and calibrator, and its production
 * defaults: hourly steps (--step-seconds 3600, the replay in real time) and a 60 s cycle. At start-up
 * it backfills a week of every slice's load, then it reads and forecasts all of them every cycle.
 * The slices are static at minReplicas 0, so kwok runs no pods: the figure is the operator's.
 *
 * Faster replays do not measure production: at one hour every 2 s (run 37 in docs/benchmarks.md)
 * every slice's load changes each step, 10,000 status writes every 2 s that the API server of
 * this machine cannot take, and the operator spends the run saturated.
 */
async function telemetryRss(cluster: LocalCluster, client: KubeClient, launcher: OperatorLauncher): Promise<void> {
  const ns = 'bench-t';
  const stepSeconds = Number(args['step-seconds']);
  const minutes = Number(args['telemetry-minutes']);
  // The operator's history and its calibration warm-up, and two steps more (as the demo).
  const HISTORY = DEFAULT_HISTORY_STEPS + 2;
  // The replayed hours: that history before the operator starts, then the live steps.
  const startStep = HISTORY + 2;
  const liveSteps = Math.ceil((minutes * 60 + 120) / stepSeconds);
  await client.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, FIELD_MANAGER);
  // The slices and their children exist before the measured operator starts, as when it restarts
  // in a running cluster: an operator without telemetry creates them first (creation is what the
  // main mode measures).
  const t0 = Date.now();
  await pool([...Array(M).keys()], 16, (i) => client.request('POST', `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`, { body: slice(ns, i, 0) }));
  const ready = await conditionWatcher(client, `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`, 'Ready');
  try {
    const creator = launcher.start(launcher.imageFlags, await freePort(), launcher.imageEnv);
    try {
      await ready.until(M, 1_800_000);
    } finally {
      await creator.stop();
    }
  } finally {
    await ready.stop();
  }
  console.log(`${M} slices created and Ready in ${(Date.now() - t0) / 1000} s`);

  // Squares with data over the whole replay (some rows of the file are shorter).
  const rows = loadHourlySquares(milanCsvPath(root)).filter((r) => r.length >= startStep + liveSteps + 24);
  const replayed: ReplayedSlice[] = [...Array(M).keys()].map((i) => {
    const spec = slice(ns, i, 0).spec;
    return { snssai: snssaiLabel(spec.snssai.sst, spec.snssai.sd), plmnid: `${spec.plmn.mcc}${spec.plmn.mnc}`, trace: hourlyTrace(rows[i % rows.length]!) };
  });
  const wallStartMs = Date.now();
  const clock = { wallStartMs, startStep, stepSeconds };
  const replayer = new ReplayerServer(replayed, clock);
  const exporterPort = await replayer.start();
  const prom = new LocalPrometheus({
    dir: path.join(cluster.details.dir, 'telemetry'),
    targets: [{ job: 'open5gs', target: `127.0.0.1:${exporterPort}` }],
    scrapeIntervalSeconds: 15,
    // A week of hourly history is older than the default retention.
    retention: '15d',
    backfill: openMetricsHistory(replayed, clock, HISTORY, wallStartMs, { job: 'open5gs', instance: `127.0.0.1:${exporterPort}` }),
  });
  const port = await freePort();
  let operator: SupervisedProcess | undefined;
  const samples: { t: number; rss: number; used: number; committed: number }[] = [];
  let lines: string[] = [];
  const cycles = (m: Metrics) => ({ ok: m.get('slice_operator_telemetry_cycles_total{result="success"}') ?? 0, failed: m.get('slice_operator_telemetry_cycles_total{result="error"}') ?? 0 });
  try {
    await prom.start();
    console.log(`Prometheus ${prom.url} with ${HISTORY} backfilled steps of ${M} series; exporter 127.0.0.1:${exporterPort}`);
    const virtualStartMs = MILAN_START_MS + startStep * HOUR_MS;
    operator = launcher.start([...launcher.imageFlags, ...diagnostics], port, launcher.imageEnv, [`--prometheus-url=${prom.url}`, `--step-seconds=${stepSeconds}`, `--replay-clock=${wallStartMs}:${virtualStartMs}`]);
    await launcher.waitReady(port);
    const t1 = Date.now();
    const until = t1 + minutes * 60_000;
    let m: Metrics;
    for (;;) {
      m = await scrape(port);
      samples.push({ t: Date.now() - t1, rss: mib(m, 'process_resident_memory_bytes'), used: mib(m, 'nodejs_heap_size_used_bytes'), committed: mib(m, 'nodejs_heap_size_total_bytes') });
      if (samples.length % 12 === 1) {
        const last = samples.at(-1)!;
        const c = cycles(m);
        console.log(`${Math.round(last.t / 1000)} s: RSS ${last.rss} MB (heap used ${last.used}, committed ${last.committed} MB), telemetry cycles ${c.ok} ok / ${c.failed} failed, ${sum(m, 'controller_runtime_reconcile_total{')} reconciles, ${sum(m, 'slice_operator_api_writes_total{')} writes`);
      }
      if (Date.now() >= until) break;
      await new Promise((r) => setTimeout(r, 5000));
    }
    // The last minute, as the scale mode samples it; the peak over the whole run from the kernel.
    const end = await memoryOverCycle(port, operator.child.pid!);
    const pid = operatorNodePid(operator.child.pid!);
    const peak = Math.round(peakRssBytes(pid) / 2 ** 20);
    m = await scrape(port);
    const c = cycles(m);
    const seconds = (Date.now() - t1) / 1000;
    // What the slices say: load and forecast in status (one list at the end).
    const list = await client.request<{ items: { status?: { currentLoad?: unknown; forecast?: { source?: string; calibration?: number } } }[] }>('GET', `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`);
    const withLoad = list.items.filter((x) => x.status?.currentLoad).length;
    const withForecast = list.items.filter((x) => x.status?.forecast).length;
    // Where the forecasts came from (a slice without its backfilled week is on a fallback) and the
    // calibration factors (1 where the calibrator has too few scores).
    const sources = new Map<string, number>();
    for (const x of list.items) if (x.status?.forecast?.source) sources.set(x.status.forecast.source, (sources.get(x.status.forecast.source) ?? 0) + 1);
    const factors = list.items.map((x) => x.status?.forecast?.calibration).filter((x): x is number => x !== undefined);
    const startup = samples.filter((x) => x.t <= 120_000);
    const rest = samples.filter((x) => x.t > 120_000);
    const max = (xs: typeof samples, k: 'rss' | 'used' | 'committed') => Math.max(...xs.map((x) => x[k]));
    lines = [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx bench/scale.ts --telemetry --rss-slices ${M}${stepSeconds !== 3600 ? ` --step-seconds ${stepSeconds}` : ''} --telemetry-minutes ${minutes}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; the same local control plane, Prometheus ${promVersion()} scraping the exporter every 15 s, the operator as the image runs it (${launcher.imageTokens.map((t) => `\`${t}\``).join(' ')}, ${launcher.limitText}), ${WORKERS} workers, the embedded ONNX forecaster, ${stepSeconds} s steps and its default cycle (${Math.min(stepSeconds, 60)} s).`,
      '',
      '| measured | result | target |',
      '|---|---|---|',
      `| operator RSS with ${M} slices with telemetry, sampled every 5 s over the last 65 s: min / median / max | ${fmt(end.rss)} MB (V8 heap used ${fmt(end.heapUsed)}, committed ${fmt(end.heapCommitted)} MB; last sample ${end.anon} MB anonymous + ${end.file} MB file pages) | < 200 MB |`,
      `| the same, every 5 s over the first 120 s (start-up: list, a reconcile of every slice, the backfill and the calibration warm-up): max | ${max(startup, 'rss')} MB (heap used ${max(startup, 'used')}, committed ${max(startup, 'committed')} MB) | |`,
      `| the same, every 5 s after that: max | ${rest.length ? `${max(rest, 'rss')} MB (heap used ${max(rest, 'used')}, committed ${max(rest, 'committed')} MB)` : '-'} | |`,
      `| peak RSS over the operator's whole run (VmHWM) | ${peak} MB | |`,
      `| telemetry cycles over ${Math.round(seconds)} s | ${c.ok} succeeded, ${c.failed} failed | |`,
      `| slices with load / forecast in status at the end | ${withLoad} / ${withForecast} of ${list.items.length} | |`,
      `| their forecasts' source; calibration factor min / median / max | ${[...sources].map(([k, v]) => `${k} ${v}`).join(', ') || '-'}; ${factors.length ? fmt(spread(factors)) : '-'} | |`,
      `| reconciles, API writes | ${sum(m, 'controller_runtime_reconcile_total{')}, ${sum(m, 'slice_operator_api_writes_total{')} | |`,
    ];
    if (args['heap-snapshot']) {
      launcher.cgroup?.setLimit(4 * launcher.cgroup.limitBytes);
      await heapSnapshot(operator.child.pid!, args['heap-snapshot']);
    }
  } catch (e) {
    console.error(`operator log kept: ${keepOperatorLog(cluster)}`);
    throw e;
  } finally {
    await operator?.stop();
    await prom.stop();
    await replayer.stop();
  }
  const block = lines.join('\n');
  console.log(`\n${block}`);
  if (args['write-docs']) replaceDocBlock(path.join(root, 'docs', 'benchmarks.md'), 'telemetry', block);
}

/** The cluster's directory goes with it: a failed run's operator log is copied out first. */
function keepOperatorLog(cluster: LocalCluster): string {
  const log = path.join(cluster.details.dir, 'operator.log');
  if (!existsSync(log)) return `none (${log} was not written)`;
  const kept = path.join(os.tmpdir(), `slice-bench-operator-${Date.now()}.log`);
  copyFileSync(log, kept);
  return kept;
}

/** The version Prometheus reports (`prometheus --version`'s first line). */
function promVersion(): string {
  return /version (\S+)/.exec(execFileSync('prometheus', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
}

/** The operator as the image runs it, in a cgroup of the chart's memory limit. */
interface OperatorLauncher {
  imageFlags: string[];
  imageEnv: Record<string, string>;
  /** Flags and NAME=value environment tokens, for the figures' description. */
  imageTokens: string[];
  limitText: string;
  cgroup?: MemoryCgroup;
  start(nodeFlags: string[], port: number, env?: NodeJS.ProcessEnv, operatorArgs?: string[]): SupervisedProcess;
  waitReady(port: number): Promise<void>;
}

function operatorLauncher(cluster: LocalCluster): OperatorLauncher {
  // Compiled JavaScript (npm run build's config), no tsx.
  const dist = path.join(root, '.cache', 'bench-dist');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', dist], { stdio: 'inherit' });
  // Node.js flags as the image runs the operator: read from the Dockerfile's ENTRYPOINT.
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const [, ...imageArgs] = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
  const imageFlags = imageArgs.slice(0, -1);
  // And the runtime stage's environment (ENV lines after the last FROM), e.g. malloc settings.
  const imageEnv = Object.fromEntries([...dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')).matchAll(/^ENV ([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/gm)].map((m) => [m[1]!, m[2]!]));
  const imageTokens = [...imageFlags, ...Object.entries(imageEnv).map(([k, v]) => `${k}=${v}`)];
  // The memory limit as the chart gives the operator's container: Node.js sizes V8's heap from it.
  const limit = chartMemoryLimit(path.join(root, 'charts', 'slice-operator', 'values.yaml'));
  const made = limit ? createMemoryCgroup(`slice-bench-${process.pid}`, limit) : { error: 'the chart sets no memory limit' };
  const cgroup = 'error' in made ? undefined : made;
  const limitText = 'error' in made ? `no memory limit (${made.error})` : `in a memory cgroup of the chart's limit (${Math.round(made.limitBytes / 2 ** 20)} MiB)`;
  console.log(`operator runs ${limitText}`);
  return {
    imageFlags,
    imageEnv,
    imageTokens,
    limitText,
    cgroup,
    start(nodeFlags, port, env = {}, operatorArgs = []) {
      const command = [
        ...nodeFlags,
        path.join(dist, 'cmd/operator.js'), `--kubeconfig=${cluster.details.kubeconfig}`, '--leader-elect=false', `--metrics-bind-address=127.0.0.1:${port}`, `--max-concurrent-reconciles=${WORKERS}`, '--log-level=error',
        ...operatorArgs,
      ];
      const { binary, args: argv } = cgroup ? cgroup.wrap(process.execPath, command) : { binary: process.execPath, args: command };
      return startSupervised('slice-operator', binary, argv, path.join(cluster.details.dir, 'operator.log'), { cwd: root, env });
    },
    async waitReady(port) {
      for (let i = 0; i < 300; i++) {
        if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('operator not ready in 60 s');
    },
  };
}

async function main(): Promise<void> {
  const cluster = new LocalCluster({ log: () => undefined });
  await cluster.start();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.details.kubeconfig);
  const client = new KubeClient(kc, 'bench');
  await installNetworkSliceCrd(client, FIELD_MANAGER);
  if (args.floor) {
    try {
      return await floor(cluster, client);
    } finally {
      await cluster.stop();
    }
  }
  if (args.telemetry) {
    let launcher: OperatorLauncher | undefined;
    try {
      launcher = operatorLauncher(cluster);
      return await telemetryRss(cluster, client, launcher);
    } finally {
      launcher?.cgroup?.remove();
      await cluster.stop();
    }
  }
  const metricsPort = await freePort();
  const { imageFlags, imageEnv, imageTokens, limitText, cgroup, start: startOperator, waitReady } = operatorLauncher(cluster);
  let operator = startOperator([...imageFlags, ...diagnostics], metricsPort, imageEnv);
  const results: Record<string, string | number> = {};
  let stages: string[] = [];
  let readyA: Awaited<ReturnType<typeof conditionWatcher>> | undefined;
  let readyB: typeof readyA;
  let cpuLines: string[] = [];
  let writeLines: string[] = [];
  let variantLines: string[] = [];
  let bigLine = '';
  let speed: ProbeSummary | undefined;
  try {
    await waitReady(metricsPort);
    // 1. N slices to Ready.
    for (const ns of ['bench-a', 'bench-b']) await client.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, FIELD_MANAGER);
    readyA = await conditionWatcher(client, '/apis/slicing.telco.dev/v1alpha1/namespaces/bench-a/networkslices', 'Ready');
    readyB = await conditionWatcher(client, '/apis/slicing.telco.dev/v1alpha1/namespaces/bench-b/networkslices', 'Ready');
    const components = [...cluster.processes(), { name: 'slice-operator', pid: operator.child.pid! }];
    const cpu0 = new Map(components.map((c) => [c.name, cpuSecondsOfTree(c.pid)]));
    const writes0 = await scrape(metricsPort);
    const probe = startCpuProbe();
    const t0 = Date.now();
    const profile = args['profile-apiserver'] ? apiserverProfile(cluster, args['profile-apiserver'], Number(args['profile-seconds'])) : undefined;
    await pool([...Array(N).keys()], 16, (i) => client.request('POST', '/apis/slicing.telco.dev/v1alpha1/namespaces/bench-a/networkslices', { body: slice('bench-a', i, 1) }));
    const created = Date.now() - t0;
    await readyA.until(N, 900_000);
    results.readySeconds = (Date.now() - t0) / 1000;
    speed = probe.stop();
    console.log(`CPU probe: ${probeText(speed)}`);
    writeLines = writesPerSlice(writes0, await scrape(metricsPort), N);
    await profile;
    results.createSeconds = created / 1000;
    console.log(`${N} slices Ready in ${results.readySeconds} s (created in ${results.createSeconds} s)`);
    // Truncated to whole seconds, like the timestamps the stages are read from.
    stages = await pipelineStages(client, 'bench-a', Math.floor(t0 / 1000) * 1000);
    cpuLines = cpuRows(components, cpu0, Number(results.readySeconds));
    console.log([...stages, ...cpuLines, ...writeLines].join('\n'));

    // 2. No-op resyncs: with its default settings (as the chart runs it) the operator enqueues
    // every slice once per 60 s cycle; count writes over a window holding one full cycle.
    await new Promise((r) => setTimeout(r, 10_000)); // let the last status writes land
    const before = await scrape(metricsPort);
    await new Promise((r) => setTimeout(r, 65_000));
    const after = await scrape(metricsPort);
    results.noopReconciles = sum(after, 'controller_runtime_reconcile_total{') - sum(before, 'controller_runtime_reconcile_total{');
    results.noopWrites = sum(after, 'slice_operator_api_writes_total{') - sum(before, 'slice_operator_api_writes_total{');
    console.log(`no-op resync: ${results.noopReconciles} reconciles, ${results.noopWrites} API writes`);

    // 3. Reconcile latency over everything so far.
    for (const q of [0.5, 0.9, 0.99]) results[`reconcileP${q * 100}ms`] = Math.round(histogramQuantile(after, 'controller_runtime_reconcile_time_seconds', q) * 10000) / 10;
    results.reconciles = sum(after, 'controller_runtime_reconcile_total{');
    console.log(`reconcile latency p50 ${results.reconcileP50ms} ms, p90 ${results.reconcileP90ms} ms, p99 ${results.reconcileP99ms} ms`);
    results.rssMbAtN = mib(after, 'process_resident_memory_bytes');

    // 4. RSS with M slices in total.
    const extra = Math.max(0, M - N);
    const t1 = Date.now();
    await pool([...Array(extra).keys()].map((i) => i + N), 16, (i) => client.request('POST', '/apis/slicing.telco.dev/v1alpha1/namespaces/bench-b/networkslices', { body: slice('bench-b', i, 0) }));
    await readyB.until(extra, 1_800_000);
    results.extraReadySeconds = (Date.now() - t1) / 1000;
    // One full 60 s cycle over every slice, everything cached.
    const big = await memoryOverCycle(metricsPort, operator.child.pid!);
    bigLine = `${fmt(big.rss)} MB (V8 heap used ${fmt(big.heapUsed)}, committed ${fmt(big.heapCommitted)} MB; last sample ${big.anon} MB anonymous + ${big.file} MB file pages)`;
    console.log(`${M} slices: operator RSS min / median / max ${bigLine}; the extra ${extra} reached Ready in ${results.extraReadySeconds} s`);
    if (args['heap-snapshot']) {
      // V8 builds the snapshot in the process's own memory, about as much again as the heap: under
      // the chart's limit the operator was OOM-killed writing it. The limit goes back before the
      // next operator starts.
      cgroup?.setLimit(4 * cgroup.limitBytes);
      await heapSnapshot(operator.child.pid!, args['heap-snapshot']);
    }

    // 5. The same M slices, seen by a freshly started operator, per set of Node.js flags and
    // environment variables (NAME=value tokens). By default: as the image runs it, and with no flags.
    const variants = args['rss-variants']?.split(';') ?? [...new Set([imageTokens.join(' '), ''])];
    if (variants.length) {
      await operator.stop();
      cgroup?.setLimit(cgroup.limitBytes);
      variantLines = ['| Node.js flags, environment | RSS min / median / max | V8 heap used | V8 heap committed | last sample: anonymous + file pages |', '|---|---|---|---|---|'];
      for (const variant of variants) {
        const tokens = variant.split(' ').filter(Boolean);
        const isEnv = (t: string) => /^[A-Z_][A-Z0-9_]*=/.test(t);
        const flags = tokens.filter((t) => !isEnv(t));
        const env = Object.fromEntries(tokens.filter(isEnv).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
        const port = await freePort();
        const label = tokens.length ? tokens.map((f) => `\`${f}\``).join(' ') : '(none)';
        operator = startOperator(flags, port, env);
        try {
          await waitReady(port);
          // Every slice reconciled once (the initial list), then one full cycle.
          for (let i = 0; i < 600 && sum(await scrape(port), 'controller_runtime_reconcile_total{') < M; i++) await new Promise((r) => setTimeout(r, 1000));
          const m = await memoryOverCycle(port, operator.child.pid!);
          variantLines.push(`| ${label} | ${fmt(m.rss)} MB | ${fmt(m.heapUsed)} MB | ${fmt(m.heapCommitted)} MB | ${m.anon} + ${m.file} MB |`);
        } catch (e) {
          // Recorded, not fatal: the figures of the run so far still get written.
          variantLines.push(`| ${label} | failed: ${String((e as Error).message ?? e)}; operator ${operator.running() ? 'still running' : 'exited'} (log ${keepOperatorLog(cluster)}) | | | |`);
        }
        console.log(variantLines.at(-1));
        await operator.stop();
      }
    }
  } catch (e) {
    console.error(`operator log kept: ${keepOperatorLog(cluster)}`);
    throw e;
  } finally {
    await readyA?.stop();
    await readyB?.stop();
    await operator.stop();
    cgroup?.remove();
    await cluster.stop();
  }

  const block = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:scale -- --slices ${N} --rss-slices ${M}${WORKERS !== 8 ? ` --workers ${WORKERS}` : ''}${args['rss-variants'] !== undefined ? ` --rss-variants '${args['rss-variants']}'` : ''}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; local control plane v1.34.4 (etcd, kube-apiserver, KCM, scheduler, kwok: 7 nodes), operator as its own process (compiled JS, ${imageTokens.length ? `Node.js flags and environment ${imageTokens.map((t) => `\`${t}\``).join(' ')}` : 'no Node.js flags'} as in the image, ${limitText}), ${WORKERS} workers, its default 60 s cycle.`,
    '',
    '| measured | result | target |',
    '|---|---|---|',
    `| ${N} slices created -> all Ready (one UPF pod each, Running on kwok) | ${results.readySeconds} s (creates took ${results.createSeconds} s) | < 60 s |`,
    ...(speed ? [probeRow(speed, true)] : []),
    `| API writes during no-op resyncs (65 s, ${results.noopReconciles} reconciles) | ${results.noopWrites} | 0 |`,
    `| reconcile latency p50 / p90 / p99 (all ${results.reconciles} reconciles of the run) | ${results.reconcileP50ms} / ${results.reconcileP90ms} / ${results.reconcileP99ms} ms | |`,
    `| operator RSS with ${N} slices | ${results.rssMbAtN} MB | |`,
    `| operator RSS with ${M} slices, sampled every 5 s over one 60 s cycle: min / median / max | ${bigLine} | < 200 MB |`,
    `| ${Math.max(0, M - N)} more slices (minReplicas 0) created -> Ready | ${results.extraReadySeconds} s | |`,
    '',
    `Where the ${results.readySeconds} s to Ready go: when each step of the ${N} slices' pipeline was done, in seconds after the first create (from the objects' own timestamps):`,
    '',
    ...stages,
    '',
    `CPU used by each process while the ${N} slices went to Ready (100 % = one core; the machine has ${os.cpus().length}):`,
    '',
    '| process | CPU time | of one core |',
    '|---|---|---|',
    ...cpuLines,
    '',
    `The operator's writes to the API server while the ${N} slices went to Ready (slice_operator_api_writes_total):`,
    '',
    ...writeLines,
    ...(variantLines.length ? ['', `Operator RSS after a restart on the same ${M} slices (it lists them all and reconciles each once; then sampled every 5 s over one full cycle), by Node.js flags and environment:`, '', ...variantLines] : []),
  ].join('\n');
  console.log(`\n${block}`);
  if (args['write-docs']) {
    replaceDocBlock(path.join(root, 'docs', 'benchmarks.md'), 'scale', block);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
