/**
 * `npm run demo`: the whole loop on one machine, against the alternative a platform team would
 * run. Starts the local control plane with the aggregation layer, KEDA, a real Prometheus, the
 * traffic replayer (real Milan traffic, time-compressed) and the operator process; every CNF pod
 * takes a start-up delay (kwok Stages). For each example slice the operator scales the slice's
 * UPF with its lead-time decision, and a KEDA ScaledObject on the same PromQL has
 * kube-controller-manager's HPA scale a twin Deployment; both are first tuned to the same SLA on
 * the week before by the what-if twin (tools/demo/tuning.ts). Replays the day with a live table
 * and writes demo-output/report.md: the run's figures, the twin's prediction, one plot and one
 * cost/SLA frontier per slice. KEDA's adapter binds every interface, so the demo re-runs itself
 * inside a private network namespace (tools/devcluster/netns.ts). Ctrl-C, SIGTERM of the command
 * (npm's or tsx's PID) or the end of the command's processes stops everything cleanly.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { FIELD_MANAGER } from '../../src/controller/names.js';
import { objectPath } from '../../src/controller/resources.js';
import type { SliceView } from '../../src/controller/slice-view.js';
import { snssaiLabel } from '../../src/controller/view-from-api.js';
import { Forecaster, packageRoot } from '../../src/forecast/forecaster.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { DEFAULT_HISTORY_STEPS } from '../../src/telemetry/load-history.js';
import { prepare, type FrontierPoint } from '../../src/twin/whatif.js';
import { LocalCluster } from '../devcluster/cluster.js';
import { installNetworkSliceCrd } from '../devcluster/install-crd.js';
import { LocalKeda, nonLoopbackInterfaces, resolveKeda } from '../devcluster/keda.js';
import { kedaTwinObjects, kedaTwinPaths } from '../devcluster/keda-twin.js';
import { rerunInPrivateNetwork } from '../devcluster/netns.js';
import { freePort } from '../devcluster/ports.js';
import { startSupervised, stopWithCommand, type SupervisedProcess } from '../devcluster/process.js';
import { replaceDocBlock } from '../docs/doc-block.js';
import { renderReport, type PolicyRun, type SliceResult, type Tick } from '../demo/report.js';
import { frontier, settingLabel, SLA_INTERVAL_SECONDS, SLA_PERCENT, tune } from '../demo/tuning.js';
import { aggregate, HOUR_MS, loadHourlySquares, MILAN_ATTRIBUTION, MILAN_START_MS, milanCsvPath } from '../replayer/milan.js';
import { startReplayedTelemetry } from '../replayer/replayed-telemetry.js';
import { stepAt, type ReplayedSlice } from '../replayer/replayer.js';
import { hourlyTrace, type Trace } from '../replayer/trace.js';
import { onRigClock, rigParams, seriesOf, type RigParams, type SliceManifest } from '../twin/validation.js';

const { values: args } = parseArgs({
  options: {
    hours: { type: 'string', default: '24' },
    // Wall seconds per replayed hour: 30 s is the time scale the twin was validated at (docs/twin.md).
    'step-seconds': { type: 'string', default: '30' },
    // 2013-12-03 00:00 CET: a Tuesday in the forecaster's held-out weeks.
    'start-hour': { type: 'string', default: '768' },
    // CNF start-up delay, wall seconds, uniform in [delay, delay + jitter].
    'startup-seconds': { type: 'string', default: '2' },
    'startup-jitter-seconds': { type: 'string', default: '1' },
    out: { type: 'string', default: 'demo-output' },
    // Also keep this run's report in docs/demo.md (+ docs/demo/*.svg) and its table in the README.
    record: { type: 'boolean', default: false },
    // Set when the demo re-runs itself inside its private network namespace.
    inside: { type: 'boolean', default: false },
    tty: { type: 'boolean', default: false },
  },
});
const HOURS = Number(args.hours);
const STEP_SECONDS = Number(args['step-seconds']);
const START_HOUR = Number(args['start-hour']);
const WARMUP_HOURS = 2; // replayed before the reported window, so the slices have settled
// Prometheus starts with the model's window and the calibration warm-up's steps before it (what a
// Prometheus with the usual 15 days' retention holds), plus two hours.
const BACKFILL_HOURS = DEFAULT_HISTORY_STEPS + 2;
/** The twin's forecasts need the model's week and 48 h of calibration warm-up before what it replays. */
const TWIN_WARMUP = 48;
const TWIN_HISTORY = 168 + TWIN_WARMUP;
const TUNING_HOURS = 168;
const NS = 'slice-demo';
const root = packageRoot();
const self = fileURLToPath(import.meta.url);
const outDir = path.resolve(root, args.out);

/** Example slices, each fed by the sum of a disjoint group of held-out Milan squares, scaled to its capacity. */
const SLICES = [
  { file: 'embb.yaml', squares: [12, 17, 18, 23, 25, 27, 28, 38, 42, 46, 49, 57], peakOfMax: 0.75 },
  { file: 'urllc.yaml', squares: [59, 66, 71, 77, 86, 88, 101, 102], peakOfMax: 0.6 },
  { file: 'mmtc.yaml', squares: [104, 106, 107, 110, 111, 114, 116, 117, 119, 132, 133, 139], peakOfMax: 0.7 },
];

type Manifest = SliceManifest;

/** Milan local time (CET = UTC+1 over the whole data set) of a replayed hour. */
const cet = (h: number): Date => new Date(MILAN_START_MS + h * HOUR_MS + HOUR_MS);
const hourLabel = (h: number): string => `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][cet(h).getUTCDay()]} ${String(cet(h).getUTCHours()).padStart(2, '0')}:00`;

function params(): RigParams {
  const delay = Number(args['startup-seconds']);
  const jitter = Number(args['startup-jitter-seconds']);
  if (!(Number.isInteger(HOURS) && HOURS >= 1 && HOURS <= 72)) throw new RangeError(`--hours must be a whole number in [1, 72], got ${args.hours}`);
  if (!(STEP_SECONDS >= 10 && STEP_SECONDS <= 3600)) throw new RangeError(`--step-seconds must be in [10, 3600] (the HPA syncs and the operator decides once a second), got ${args['step-seconds']}`);
  if (!(Number.isInteger(START_HOUR) && START_HOUR >= TUNING_HOURS + TWIN_HISTORY && START_HOUR >= BACKFILL_HOURS)) throw new RangeError(`--start-hour must be a whole number >= ${TUNING_HOURS + TWIN_HISTORY} (the tuning week and the model's history before it), got ${args['start-hour']}`);
  if (!(delay >= 0 && jitter >= 0 && delay + jitter <= STEP_SECONDS)) throw new RangeError(`--startup-seconds and --startup-jitter-seconds must be >= 0 and add up to at most --step-seconds, got ${delay} and ${jitter}`);
  return { ...rigParams(STEP_SECONDS, HOURS), settleHours: WARMUP_HOURS, readiness: { delaySeconds: delay, jitterSeconds: jitter } };
}

interface DemoSlice {
  op: Manifest;
  view: SliceView;
  trace: Trace;
  perReplica: number;
  squares: number[];
  serviceType: string;
  operator: Omit<PolicyRun, 'ticks'>;
  hpa: Omit<PolicyRun, 'ticks'> & { targetUtilization: number };
  frontier: FrontierPoint[];
}

/** The example as the demo runs it (onRigClock: lead-time decision, the start-up delay, windows in wall seconds), in the demo's namespace. */
function operatorManifest(file: string, p: RigParams, quantile?: string, headroomPercent?: number): { m: Manifest; view: SliceView } {
  const m = parse(readFileSync(path.join(root, 'examples', file), 'utf8')) as Manifest;
  m.metadata.namespace = NS;
  const r = onRigClock(m, p, { ...(quantile ? { quantile } : {}), ...(headroomPercent !== undefined ? { headroomPercent } : {}) });
  return { m: r.manifest, view: r.view };
}

/** Tunes both policies on the week before the replayed day and draws the day's frontier, with the what-if twin at the demo's time scale. */
async function tuneSlices(p: RigParams, log: (l: string) => void): Promise<DemoSlice[]> {
  const rows = loadHourlySquares(milanCsvPath(root));
  const base = SLICES.map((s) => {
    const { m, view } = operatorManifest(s.file, p);
    const upf = view.cnfs.find((c) => c.type === 'upf')!;
    const series = aggregate(rows, s.squares);
    const window = series.slice(START_HOUR - BACKFILL_HOURS, START_HOUR + HOURS + WARMUP_HOURS).filter(Number.isFinite);
    const trace = hourlyTrace(series, (s.peakOfMax * upf.sessionsPerReplica * upf.maxReplicas) / Math.max(...window));
    return { s, m, view, upf, trace };
  });
  const windowOf = (trace: Trace, from: number, hours: number) => seriesOf(trace, from - TWIN_HISTORY, TWIN_HISTORY + hours, MILAN_START_MS + (from - TWIN_HISTORY) * HOUR_MS);
  const forecaster = await Forecaster.create();
  try {
    const tuning = await prepare(forecaster, base.map((b) => ({ name: b.m.metadata.name, view: b.view, series: windowOf(b.trace, START_HOUR - TUNING_HOURS, TUNING_HOURS) })), TWIN_WARMUP);
    const day = await prepare(forecaster, base.map((b) => ({ name: b.m.metadata.name, view: b.view, series: windowOf(b.trace, START_HOUR, HOURS) })), TWIN_WARMUP);
    return base.map((b, i) => {
      const tuned = frontier(tuning[i]!, b.view, p);
      const op = tune(tuned, 'operator');
      const hpa = tune(tuned, 'hpa');
      const dayPoints = frontier(day[i]!, b.view, p);
      const predicted = (label: string, policy: string) => dayPoints.find((x) => x.point.label === label && x.point.policy === policy)!.point;
      if (op.setting.policy !== 'operator' || hpa.setting.policy !== 'hpa') throw new Error('tuning returned a setting of the other policy');
      const { m, view } = operatorManifest(b.s.file, p, op.setting.quantile, op.setting.headroomPercent);
      log(`  ${m.metadata.name}: operator ${settingLabel(op.setting)} (${op.point.violatingIntervals}/${op.point.intervals} intervals, ${op.point.replicaHours.toFixed(1)} rh on the tuning week); KEDA/HPA ${settingLabel(hpa.setting)} (${hpa.point.violatingIntervals}/${hpa.point.intervals}, ${hpa.point.replicaHours.toFixed(1)} rh)`);
      return {
        op: m,
        view,
        trace: b.trace,
        perReplica: b.upf.sessionsPerReplica,
        squares: b.s.squares,
        serviceType: m.spec.serviceType,
        operator: { label: settingLabel(op.setting), tuned: { point: op.point, meets: op.meets }, predicted: predicted(op.point.label, 'operator') },
        hpa: { label: settingLabel(hpa.setting), tuned: { point: hpa.point, meets: hpa.meets }, predicted: predicted(hpa.point.label, 'hpa'), targetUtilization: hpa.setting.targetUtilization },
        frontier: dayPoints.map((x) => x.point),
      };
    });
  } finally {
    await forecaster.close();
  }
}

async function main(): Promise<void> {
  let p: RigParams;
  try {
    p = params();
  } catch (e) {
    console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
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
    console.error(`\ninterrupted (${why}): stopping the operator, KEDA, Prometheus, the replayer and the cluster...`);
    void shutdown(why === 'SIGINT' ? 130 : 143);
  });

  try {
    // 1. Equal SLA: both policies tuned by the twin on the week before the replayed day.
    console.log(`tuning both policies on the week before with the what-if twin (SLA: at most ${SLA_PERCENT} % of ${SLA_INTERVAL_SECONDS / 60}-minute intervals under capacity)...`);
    const slices = await tuneSlices(p, (l) => console.log(l));

    // 2. Cluster with the aggregation layer and CNF start-up delays, and KEDA.
    console.log('starting the local control plane (etcd, kube-apiserver with the aggregation layer, controller-manager, scheduler, kwok nodes in 3 sites) and KEDA...');
    const cluster = new LocalCluster({
      aggregation: true,
      hpaSyncSeconds: p.hpaSyncSeconds,
      cnfReadiness: { delayMs: p.readiness.delaySeconds * 1000, jitterMs: p.readiness.jitterSeconds * 1000 },
      log: () => undefined,
    });
    cleanups.push(() => cluster.stop());
    const info = await cluster.start();
    const keda = new LocalKeda(info, { dir: path.join(outDir, 'keda'), log: (l) => console.log(`  ${l}`) });
    cleanups.push(() => keda.stop());
    await keda.start();
    const kubeconfig = info.kubeconfig;
    console.log(`  kube-apiserver ${info.serverVersion} at ${info.server}, in this demo's network namespace; to look: nsenter --net=/proc/${process.pid}/ns/net kubectl --kubeconfig ${kubeconfig} get networkslices,deployments,hpa -A`);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const client = new KubeClient(kc, 'slice-operator-demo');

    // 3. Traffic and Prometheus with BACKFILL_HOURS of history, scraping the exporter and the operator.
    const plmnid = (m: Manifest) => `${m.spec.plmn.mcc}${m.spec.plmn.mnc}`;
    const replayed: ReplayedSlice[] = slices.map((x) => ({ snssai: snssaiLabel(x.op.spec.snssai.sst, x.op.spec.snssai.sd), plmnid: plmnid(x.op), trace: x.trace }));
    const wallStartMs = Date.now();
    const clock = { wallStartMs, startStep: START_HOUR - WARMUP_HOURS, stepSeconds: STEP_SECONDS };
    const metricsPort = await freePort();
    const telemetry = await startReplayedTelemetry({
      slices: replayed,
      clock,
      dir: path.join(outDir, 'prometheus'),
      backfillSteps: BACKFILL_HOURS,
      scrapeIntervalSeconds: p.scrapeSeconds,
      extraTargets: [{ job: 'slice-operator', target: `127.0.0.1:${metricsPort}` }],
    });
    cleanups.push(() => telemetry.stop());
    const prom = telemetry.prometheus;
    console.log(`  Prometheus ${prom.url} (${BACKFILL_HOURS} replayed hours of backfilled history), replayer 127.0.0.1:${telemetry.exporterPort}`);

    // 4. CRD, the slices, and each slice's KEDA twin on the slice's own query.
    await installNetworkSliceCrd(client, FIELD_MANAGER);
    await client.apply(`/api/v1/namespaces/${NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, FIELD_MANAGER);
    for (const x of slices) {
      await client.apply(objectPath('NetworkSlice', NS, x.op.metadata.name), { apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice', ...x.op }, 'kubectl');
      const upf = x.view.cnfs.find((c) => c.type === 'upf')!;
      const twin = { namespace: NS, name: `${x.op.metadata.name}-keda`, image: upf.image, minReplicas: upf.minReplicas, maxReplicas: upf.maxReplicas, prometheusUrl: prom.url, query: x.view.loadQuery, perReplica: x.perReplica, targetUtilization: x.hpa.targetUtilization, pollingSeconds: p.pollingSeconds, behavior: p.hpaBehavior };
      const [deployment, scaledObject] = kedaTwinObjects(twin);
      const paths = kedaTwinPaths(twin);
      await client.apply(paths.deployment, deployment, FIELD_MANAGER);
      await client.apply(paths.scaledObject, scaledObject, FIELD_MANAGER);
    }

    // 5. The operator, as its own process.
    const virtualStartMs = MILAN_START_MS + (START_HOUR - WARMUP_HOURS) * HOUR_MS;
    const operator: SupervisedProcess = startSupervised(
      'slice-operator',
      process.execPath,
      [
        '--import', 'tsx', path.join(root, 'src', 'cmd', 'operator.ts'),
        `--kubeconfig=${kubeconfig}`, `--prometheus-url=${prom.url}`, `--step-seconds=${STEP_SECONDS}`, `--cycle-seconds=${p.cycleSeconds}`,
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
    const tty = args.tty || process.stdout.isTTY;
    const perHour = 3600 / SLA_INTERVAL_SECONDS;
    let lastPrintedHour = -1;
    while (Date.now() < endMs) {
      if (!operator.running()) throw new Error(`the operator exited; see ${path.join(outDir, 'operator.log')}`);
      const gone = keda.exited();
      if (gone) throw new Error(`${gone} exited; see ${path.join(outDir, 'keda', 'logs', `${gone}.log`)}`);
      const step = stepAt(clock, Date.now());
      const [list, deps] = await Promise.all([
        client.request<{ items: (Manifest & { status?: any })[] }>('GET', `/apis/slicing.telco.dev/v1alpha1/namespaces/${NS}/networkslices`), // eslint-disable-line @typescript-eslint/no-explicit-any
        client.request<{ items: { metadata: { name: string }; spec: { replicas: number }; status?: { readyReplicas?: number } }[] }>('GET', `/apis/apps/v1/namespaces/${NS}/deployments`),
      ]);
      const byName = new Map(list.items.map((s) => [s.metadata.name, s]));
      const depBy = new Map(deps.items.map((d) => [d.metadata.name, d]));
      const table: string[][] = [];
      for (const x of slices) {
        const s = byName.get(x.op.metadata.name);
        const load = x.trace.at(step);
        const forecast = s?.status?.forecastValue as number | undefined;
        for (const [key, dep, label] of [
          [x.op.metadata.name, `${x.op.metadata.name}-upf`, `operator ${x.operator.label}`],
          [`${x.op.metadata.name}-keda`, `${x.op.metadata.name}-keda`, `KEDA/HPA ${x.hpa.label}`],
        ] as const) {
          const d = depBy.get(dep);
          const replicas = d?.spec.replicas ?? 0;
          const ready = d?.status?.readyReplicas ?? 0;
          const mine = ticks.get(key) ?? [];
          ticks.set(key, mine);
          const isOp = key === x.op.metadata.name;
          if (step >= START_HOUR) mine.push({ step, load, replicas, ready, ...(isOp && forecast !== undefined ? { forecast } : {}) });
          const violated = new Set(mine.filter((t) => t.ready * x.perReplica < t.load).map((t) => Math.floor((t.step - START_HOUR) * perHour))).size;
          table.push([
            key,
            label,
            load.toFixed(0),
            isOp && forecast !== undefined ? forecast.toFixed(0) : '-',
            `${replicas}/${ready}`,
            String(ready * x.perReplica),
            isOp ? (s?.status?.placement?.upfSites ?? []).join(',') || '-' : '-',
            String(violated),
            isOp ? (s?.status?.phase ?? '-') : '-',
          ]);
        }
      }
      const hour = Math.floor(step);
      if (tty || hour !== lastPrintedHour) {
        lastPrintedHour = hour;
        const header = ['NAME', 'POLICY', 'LOAD', 'FORECAST', 'UPF DESIRED/READY', 'READY CAPACITY', 'SITES', `VIOLATED ${SLA_INTERVAL_SECONDS / 60}-MIN`, 'PHASE'];
        const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
        const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
        const head = `replayed ${hourLabel(hour)} (hour ${hour - START_HOUR + 1} of ${HOURS}${hour < START_HOUR ? ', warm-up' : ''})`;
        const text = [head, fmt(header), ...table.map(fmt)].join('\n');
        process.stdout.write(tty ? `\x1b[H\x1b[2J${text}\n` : `${text}\n\n`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }

    // 7. Report.
    const results: SliceResult[] = slices.map((x) => ({
      name: x.op.metadata.name,
      serviceType: x.serviceType,
      perReplica: x.perReplica,
      squares: x.squares,
      operator: { ...x.operator, ticks: ticks.get(x.op.metadata.name) ?? [] },
      hpa: { label: x.hpa.label, tuned: x.hpa.tuned, predicted: x.hpa.predicted, ticks: ticks.get(`${x.op.metadata.name}-keda`) ?? [] },
      frontier: x.frontier,
    }));
    const { markdown, svgs } = renderReport(
      results,
      {
        startedAt: new Date(wallStartMs).toISOString(),
        replayedFrom: `${cet(START_HOUR).toISOString().slice(0, 13).replace('T', ' ')}:00 CET (${hourLabel(START_HOUR).slice(0, 3)})`,
        hours: HOURS,
        stepSeconds: STEP_SECONDS,
        serverVersion: info.serverVersion,
        attribution: MILAN_ATTRIBUTION,
        hourLabel,
        startup: p.readiness,
        periodSeconds: p.hpaSyncSeconds,
        tuningFrom: `${cet(START_HOUR - TUNING_HOURS).toISOString().slice(0, 13).replace('T', ' ')}:00 CET`,
        slaPercent: SLA_PERCENT,
        intervalMinutes: SLA_INTERVAL_SECONDS / 60,
      },
      START_HOUR,
      START_HOUR + HOURS,
    );
    writeFileSync(path.join(outDir, 'report.md'), markdown);
    for (const [name, svg] of Object.entries(svgs)) writeFileSync(path.join(outDir, `${name}.svg`), svg);
    writeFileSync(path.join(outDir, 'ticks.json'), JSON.stringify(Object.fromEntries(ticks)));
    if (args.record) record(markdown, svgs);
    console.log(`\n${markdown.split('\n## Plots')[0]}\n\nreport: ${path.relative(process.cwd(), path.join(outDir, 'report.md'))} (+ two SVGs per slice)`);
    await shutdown(0);
  } catch (e) {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
    await shutdown(1);
  }
}

function record(markdown: string, svgs: Record<string, string>): void {
  const docs = path.join(root, 'docs');
  rmSync(path.join(docs, 'demo'), { recursive: true, force: true });
  mkdirSync(path.join(docs, 'demo'), { recursive: true });
  for (const [name, svg] of Object.entries(svgs)) writeFileSync(path.join(docs, 'demo', `${name}.svg`), svg);
  const command = `\`npm run demo -- --record${process.argv.slice(2).filter((a) => a !== '--record' && a !== '--inside' && a !== '--tty').map((a) => ` ${a}`).join('')}\``;
  writeFileSync(path.join(docs, 'demo.md'), `${markdown.replace(/\]\((\S+)\.svg\)/g, '](demo/$1.svg)').replace('# slice-operator demo report', `# slice-operator demo report\n\nRecorded with ${command}.`)}`);
  const table = markdown.split('\n').filter((l) => l.startsWith('|')).join('\n');
  replaceDocBlock(path.join(root, 'README.md'), 'demo', table);
}

/** Outside: the same command again, inside a private network namespace (KEDA's adapter binds every interface). */
async function outside(): Promise<void> {
  // Built here, before the network namespace: the build fetches modules from the Go module proxy.
  resolveKeda({ build: true, log: (l) => console.log(l) });
  const argv = process.argv.slice(2).concat('--inside', ...(process.stdout.isTTY ? ['--tty'] : []));
  const code = await rerunInPrivateNetwork('slice-demo', self, argv, { cwd: process.cwd(), out: process.stdout, graceSeconds: 30 });
  process.exit(typeof code === 'number' ? code : 1);
}

if (args.inside || nonLoopbackInterfaces().length === 0) void main();
else void outside();
