/**
 * `npm run demo`: the whole loop on one machine. Starts the local control plane (or uses an
 * existing cluster with --existing-cluster and $KUBECONFIG), a real Prometheus, the traffic
 * replayer (real Milan traffic, accelerated) and the operator process; applies the example slices
 * and a reactive twin of each; replays a day while printing a live table; writes
 * demo-output/report.md with one SVG per slice. Ctrl-C, SIGTERM of the command (npm's or tsx's
 * PID) or the end of the command's processes stops everything cleanly.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { replaceDocBlock } from '../docs/doc-block.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { installNetworkSliceCrd } from '../devcluster/install-crd.js';
import { FIELD_MANAGER } from '../../src/controller/names.js';
import { objectPath } from '../../src/controller/resources.js';
import { snssaiLabel } from '../../src/controller/view-from-api.js';
import { LocalCluster } from '../devcluster/cluster.js';
import { LocalPrometheus } from '../devcluster/prometheus.js';
import { freePort } from '../devcluster/ports.js';
import { startSupervised, stopWithCommand, type SupervisedProcess } from '../devcluster/process.js';
import { renderReport, type SliceResult, type Tick } from '../demo/report.js';
import { DEFAULT_HISTORY_STEPS } from '../../src/telemetry/load-history.js';
import { packageRoot } from '../../src/forecast/forecaster.js';
import { aggregate, HOUR_MS, loadHourlySquares, MILAN_ATTRIBUTION, MILAN_START_MS, milanCsvPath } from '../replayer/milan.js';
import { openMetricsHistory, ReplayerServer, stepAt, type ReplayedSlice } from '../replayer/replayer.js';
import { hourlyTrace, type Trace } from '../replayer/trace.js';
import { KubeClient } from '../../src/runtime/kube-client.js';

const { values: args } = parseArgs({
  options: {
    'existing-cluster': { type: 'boolean', default: false },
    hours: { type: 'string', default: '24' },
    'step-seconds': { type: 'string', default: '3' },
    // 2013-12-03 00:00 CET: a Tuesday in the forecaster's held-out weeks.
    'start-hour': { type: 'string', default: '768' },
    out: { type: 'string', default: 'demo-output' },
    // Also keep this run's report in docs/demo.md (+ docs/demo/*.svg) and its table in the README.
    record: { type: 'boolean', default: false },
  },
});
const HOURS = Number(args.hours);
const STEP_SECONDS = Number(args['step-seconds']);
const START_HOUR = Number(args['start-hour']);
const WARMUP_HOURS = 2; // replayed before the reported window, so the slices have settled
// Prometheus starts with the model's window and the calibration warm-up's steps before it (what a
// Prometheus with the usual 15 days' retention holds), plus two hours.
const BACKFILL_HOURS = DEFAULT_HISTORY_STEPS + 2;
const NS = 'slice-demo';
const root = packageRoot();
const outDir = path.resolve(root, args.out);

/** Example slices, each fed by the sum of a disjoint group of held-out Milan squares, scaled to its capacity. */
const SLICES = [
  { file: 'embb.yaml', squares: [12, 17, 18, 23, 25, 27, 28, 38, 42, 46, 49, 57], peakOfMax: 0.75 },
  { file: 'urllc.yaml', squares: [59, 66, 71, 77, 86, 88, 101, 102], peakOfMax: 0.6 },
  { file: 'mmtc.yaml', squares: [104, 106, 107, 110, 111, 114, 116, 117, 119, 132, 133, 139], peakOfMax: 0.7 },
];

type Manifest = { metadata: { name: string; namespace?: string }; spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Milan local time (CET = UTC+1 over the whole data set) of a replayed hour. */
const cet = (h: number): Date => new Date(MILAN_START_MS + h * HOUR_MS + HOUR_MS);
const hourLabel = (h: number): string => `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][cet(h).getUTCDay()]} ${String(cet(h).getUTCHours()).padStart(2, '0')}:00`;

async function main(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const shutdown = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    }
    process.exit(code);
  };
  // Ctrl-C, SIGTERM of npm's or tsx's PID, or the end of the command's processes.
  stopWithCommand((why) => {
    console.error(`\ninterrupted (${why}): stopping the operator, Prometheus, the replayer and the cluster...`);
    void shutdown(why === 'SIGINT' ? 130 : 143);
  });

  try {
    // 1. Cluster.
    let kubeconfig: string;
    let serverVersion = '';
    if (args['existing-cluster']) {
      const kc = new k8s.KubeConfig();
      kc.loadFromDefault();
      kubeconfig = path.join(outDir, 'kubeconfig');
      writeFileSync(kubeconfig, kc.exportConfig());
      console.log(`using the existing cluster of $KUBECONFIG (${kc.getCurrentCluster()?.server}); its nodes need slicing.telco.dev/site labels`);
    } else {
      console.log('starting the local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes in 3 sites)...');
      const cluster = new LocalCluster({ log: () => undefined });
      cleanups.push(() => cluster.stop());
      await cluster.start();
      kubeconfig = cluster.details.kubeconfig;
      serverVersion = cluster.details.serverVersion;
      console.log(`  kube-apiserver ${serverVersion} at ${cluster.details.server}; export KUBECONFIG=${kubeconfig}`);
    }
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const client = new KubeClient(kc, 'slice-operator-demo');
    if (!serverVersion) serverVersion = String((await client.request<{ gitVersion: string }>('GET', '/version')).gitVersion);

    // 2. Traffic: real Milan squares, scaled so each slice peaks at a share of its max capacity.
    const rows = loadHourlySquares(milanCsvPath(packageRoot()));
    const manifests: { op: Manifest; twin: Manifest; trace: Trace; perReplica: number; squares: number[]; serviceType: string; mode: string }[] = [];
    for (const s of SLICES) {
      const m = parse(readFileSync(path.join(root, 'examples', s.file), 'utf8')) as Manifest;
      const upf = m.spec.cnfs.find((c: { type: string }) => c.type === 'upf');
      const series = aggregate(rows, s.squares);
      const window = series.slice(START_HOUR - BACKFILL_HOURS, START_HOUR + HOURS + WARMUP_HOURS).filter(Number.isFinite);
      const scale = (s.peakOfMax * upf.capacity.sessions * upf.maxReplicas) / Math.max(...window);
      // Time runs STEP_SECONDS per hour: a scale-down stabilisation of one replayed hour, and
      // maxStep per decision (stepPeriodSeconds 0): the default 15 s period is a hundredth of a
      // replayed second, so any period the API takes (whole seconds) would slow scaling against
      // the load hundreds of times more than it does in real time.
      m.spec.scaling = { ...m.spec.scaling, scaleDownStabilizationSeconds: STEP_SECONDS, stepPeriodSeconds: 0 };
      m.metadata.namespace = NS;
      const twin = structuredClone(m);
      twin.metadata.name = `${m.metadata.name}-reactive`;
      twin.spec.snssai.sd = (parseInt(m.spec.snssai.sd, 16) + 0x100).toString(16).padStart(6, '0');
      twin.spec.scaling.mode = 'reactive';
      manifests.push({ op: m, twin, trace: hourlyTrace(series, scale), perReplica: upf.capacity.sessions, squares: s.squares, serviceType: m.spec.serviceType, mode: m.spec.scaling.mode ?? 'predictive' });
    }
    const plmnid = (m: Manifest) => `${m.spec.plmn.mcc}${m.spec.plmn.mnc}`;
    const replayed: ReplayedSlice[] = manifests.flatMap((x) => [x.op, x.twin].map((m) => ({ snssai: snssaiLabel(m.spec.snssai.sst, m.spec.snssai.sd), plmnid: plmnid(m), trace: x.trace })));
    const wallStartMs = Date.now();
    const clock = { wallStartMs, startStep: START_HOUR - WARMUP_HOURS, stepSeconds: STEP_SECONDS };
    const replayer = new ReplayerServer(replayed, clock);
    cleanups.push(() => replayer.stop());
    const exporterPort = await replayer.start();
    const metricsPort = await freePort();

    // 3. Prometheus with BACKFILL_HOURS of history, scraping the exporter and the operator.
    const prom = new LocalPrometheus({
      dir: path.join(outDir, 'prometheus'),
      targets: [
        { job: 'open5gs', target: `127.0.0.1:${exporterPort}` },
        { job: 'slice-operator', target: `127.0.0.1:${metricsPort}` },
      ],
      scrapeIntervalSeconds: 1,
      backfill: openMetricsHistory(replayed, clock, BACKFILL_HOURS, wallStartMs, { job: 'open5gs', instance: `127.0.0.1:${exporterPort}` }),
    });
    cleanups.push(() => prom.stop());
    await prom.start();
    console.log(`  Prometheus ${prom.url} (${BACKFILL_HOURS} replayed hours of backfilled history), replayer 127.0.0.1:${exporterPort}`);

    // 4. CRD and slices.
    await installNetworkSliceCrd(client, FIELD_MANAGER);
    await client.apply(`/api/v1/namespaces/${NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, FIELD_MANAGER);
    for (const x of manifests) for (const m of [x.op, x.twin]) await client.apply(objectPath('NetworkSlice', NS, m.metadata.name), { apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice', ...m }, 'kubectl');

    // 5. The operator, as its own process.
    const virtualStartMs = MILAN_START_MS + (START_HOUR - WARMUP_HOURS) * HOUR_MS;
    const operator: SupervisedProcess = startSupervised(
      'slice-operator',
      process.execPath,
      [
        '--import', 'tsx', path.join(root, 'src', 'cmd', 'operator.ts'),
        `--kubeconfig=${kubeconfig}`, `--prometheus-url=${prom.url}`, `--step-seconds=${STEP_SECONDS}`, '--cycle-seconds=1',
        `--replay-clock=${wallStartMs}:${virtualStartMs}`, '--leader-elect=false',
        // Plain HTTP on loopback: the demo's Prometheus scrapes it without credentials.
        `--metrics-bind-address=127.0.0.1:${metricsPort}`, '--metrics-secure=false', `--health-probe-bind-address=127.0.0.1:${await freePort()}`,
      ],
      path.join(outDir, 'operator.log'),
      { cwd: root },
    );
    cleanups.push(() => operator.stop());
    console.log(`  operator running (log: ${path.relative(root, path.join(outDir, 'operator.log'))}), metrics 127.0.0.1:${metricsPort}\n`);

    // 6. Replay, with a live table.
    const ticks = new Map<string, Tick[]>();
    const endMs = wallStartMs + (HOURS + WARMUP_HOURS) * STEP_SECONDS * 1000;
    const tty = process.stdout.isTTY;
    let lastPrintedHour = -1;
    while (Date.now() < endMs) {
      if (!operator.running()) throw new Error(`the operator exited; see ${path.join(outDir, 'operator.log')}`);
      const now = Date.now();
      const step = stepAt(clock, now);
      const [slices, deps] = await Promise.all([
        client.request<{ items: Manifest[] & { status?: any }[] }>('GET', `/apis/slicing.telco.dev/v1alpha1/namespaces/${NS}/networkslices`), // eslint-disable-line @typescript-eslint/no-explicit-any
        client.request<{ items: { metadata: { name: string }; spec: { replicas: number }; status?: { readyReplicas?: number } }[] }>('GET', `/apis/apps/v1/namespaces/${NS}/deployments`),
      ]);
      const byName = new Map(slices.items.map((s) => [s.metadata.name, s as Manifest & { status?: any }])); // eslint-disable-line @typescript-eslint/no-explicit-any
      const depBy = new Map(deps.items.map((d) => [d.metadata.name, d]));
      const table: string[][] = [];
      for (const x of manifests) {
        for (const m of [x.op, x.twin]) {
          const s = byName.get(m.metadata.name);
          const d = depBy.get(`${m.metadata.name}-upf`);
          const load = x.trace.at(step);
          const replicas = d?.spec.replicas ?? 0;
          const forecast = s?.status?.forecastValue as number | undefined;
          const list = ticks.get(m.metadata.name) ?? [];
          ticks.set(m.metadata.name, list);
          if (step >= START_HOUR) list.push({ step, load, replicas, ...(forecast !== undefined ? { forecast } : {}) });
          const violations = new Set(list.filter((t) => t.replicas * x.perReplica < t.load).map((t) => Math.floor(t.step))).size;
          table.push([
            m.metadata.name,
            m.spec.scaling.mode ?? 'predictive',
            load.toFixed(0),
            forecast !== undefined ? forecast.toFixed(0) : '-',
            `${replicas}/${d?.status?.readyReplicas ?? 0}`,
            String(replicas * x.perReplica),
            (s?.status?.placement?.upfSites ?? []).join(',') || '-',
            String(violations),
            s?.status?.phase ?? '-',
          ]);
        }
      }
      const hour = Math.floor(step);
      if (tty || hour !== lastPrintedHour) {
        lastPrintedHour = hour;
        const header = ['SLICE', 'POLICY', 'LOAD', 'FORECAST', 'UPF', 'CAPACITY', 'SITES', 'VIOLATED H', 'PHASE'];
        const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
        const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
        const head = `replayed ${hourLabel(hour)} (hour ${hour - START_HOUR + 1} of ${HOURS}${hour < START_HOUR ? ', warm-up' : ''})`;
        const text = [head, fmt(header), ...table.map(fmt)].join('\n');
        process.stdout.write(tty ? `\x1b[H\x1b[2J${text}\n` : `${text}\n\n`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }

    // 7. Report.
    const results: SliceResult[] = manifests.map((x) => ({
      name: x.op.metadata.name,
      serviceType: x.serviceType,
      perReplica: x.perReplica,
      squares: x.squares,
      operator: { mode: x.mode, ticks: ticks.get(x.op.metadata.name) ?? [] },
      reactive: { ticks: ticks.get(x.twin.metadata.name) ?? [] },
    }));
    const { markdown, svgs } = renderReport(results, { startedAt: new Date(wallStartMs).toISOString(), replayedFrom: `${cet(START_HOUR).toISOString().slice(0, 13).replace('T', ' ')}:00 CET (${hourLabel(START_HOUR).slice(0, 3)})`, hours: HOURS, stepSeconds: STEP_SECONDS, serverVersion, attribution: MILAN_ATTRIBUTION, hourLabel }, START_HOUR, START_HOUR + HOURS);
    writeFileSync(path.join(outDir, 'report.md'), markdown);
    for (const [name, svg] of Object.entries(svgs)) writeFileSync(path.join(outDir, `${name}.svg`), svg);
    writeFileSync(path.join(outDir, 'ticks.json'), JSON.stringify(Object.fromEntries(ticks)));
    if (args.record) record(markdown, svgs);
    console.log(`\n${markdown.split('\n## Plots')[0]}\n\nreport: ${path.relative(process.cwd(), path.join(outDir, 'report.md'))} (+ one SVG per slice)`);
    await shutdown(0);
  } catch (e) {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
    await shutdown(1);
  }
}

function record(markdown: string, svgs: Record<string, string>): void {
  const docs = path.join(root, 'docs');
  mkdirSync(path.join(docs, 'demo'), { recursive: true });
  for (const [name, svg] of Object.entries(svgs)) writeFileSync(path.join(docs, 'demo', `${name}.svg`), svg);
  const command = `\`npm run demo -- --record${process.argv.slice(2).filter((a) => a !== '--record').map((a) => ` ${a}`).join('')}\``;
  writeFileSync(path.join(docs, 'demo.md'), `${markdown.replace(/\]\((\S+)\.svg\)/g, '](demo/$1.svg)').replace('# slice-operator demo report', `# slice-operator demo report\n\nRecorded with ${command}.`)}`);
  const table = markdown.split('\n').filter((l) => l.startsWith('|')).join('\n');
  replaceDocBlock(path.join(root, 'README.md'), 'demo', table);
}

void main();
