/**
 * The twin validation's real half: on the local control plane with the aggregation layer, a
 * time-compressed Milan trace replayed as Open5GS metrics into a real Prometheus; the operator
 * (its own process, the real entry point) scales a LeadTime slice's UPF; KEDA's ScaledObject on
 * the same PromQL has kube-controller-manager's HPA controller scale a twin Deployment; every
 * CNF pod takes the same start-up delay (kwok Stages). Each wall second it records both
 * Deployments' spec.replicas. Must run inside a private network namespace (keda.ts).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { FIELD_MANAGER } from '../../src/controller/names.js';
import { objectPath } from '../../src/controller/resources.js';
import { snssaiLabel } from '../../src/controller/view-from-api.js';
import type { SliceView } from '../../src/controller/slice-view.js';
import { packageRoot } from '../../src/forecast/forecaster.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { DEFAULT_HISTORY_STEPS } from '../../src/telemetry/load-history.js';
import { LocalCluster } from '../devcluster/cluster.js';
import { installNetworkSliceCrd } from '../devcluster/install-crd.js';
import { LocalKeda } from '../devcluster/keda.js';
import { kedaHpaPath, kedaTwinObjects, kedaTwinPaths } from '../devcluster/keda-twin.js';
import { freePort } from '../devcluster/ports.js';
import { startSupervised, type SupervisedProcess } from '../devcluster/process.js';
import { HOUR_MS, MILAN_START_MS } from '../replayer/milan.js';
import { stepAt, type ReplayedSlice } from '../replayer/replayer.js';
import { startReplayedTelemetry } from '../replayer/replayed-telemetry.js';
import type { Trace } from '../replayer/trace.js';
import { onRigClock, type RigParams, type RigSample, type SliceManifest } from './validation.js';

const NS = 'twin-validation';
const SLICE = 'validate';
const HPA_DEPLOYMENT = 'keda-upf';
const HPA_PATH = kedaHpaPath({ namespace: NS, name: HPA_DEPLOYMENT });

interface HpaObject {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    currentMetrics?: { external?: { current?: { averageValue?: string } } }[];
  };
}

/** What the slice under test is: the embb example's UPF and SMF, as a LeadTime slice scaled for the compressed clock. */
export interface RigSlice {
  manifest: SliceManifest;
  view: SliceView;
  perReplica: number;
}

/**
 * The slice the rig runs: examples/embb.yaml as a LeadTime slice whose windows are in wall
 * seconds of the compressed clock (a scale-down window of a third of a trace hour, step limits
 * per wall second) and whose UPF start-up is the rig's.
 */
export function rigSlice(root: string, p: RigParams): RigSlice {
  const m = parse(readFileSync(path.join(root, 'examples', 'embb.yaml'), 'utf8')) as SliceManifest;
  m.metadata = { name: SLICE, namespace: NS };
  const r = onRigClock(m, p, { quantile: 'p90', headroomPercent: 0, maxStep: 4 });
  const upf = r.view.cnfs.find((c) => c.type === 'upf')!;
  return { manifest: r.manifest, view: r.view, perReplica: upf.sessionsPerReplica };
}

export interface RigRun {
  samples: RigSample[];
  /** Wall ms at which the compared window starts (trace step `compareStep`). */
  windowStartMs: number;
  /** Replicas of each Deployment at the window's start. */
  start: { operator: number; hpa: number };
  serverVersion: string;
  timings: Record<string, number>;
}

export async function runRig(o: { p: RigParams; slice: RigSlice; trace: Trace; compareStep: number; dir: string; log: (line: string) => void }): Promise<RigRun> {
  const { p, slice, trace } = o;
  const root = packageRoot();
  const cleanups: (() => Promise<unknown>)[] = [];
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  try {
    const cluster = new LocalCluster({
      dir: path.join(o.dir, 'cluster'),
      keepDir: true,
      aggregation: true,
      hpaSyncSeconds: p.hpaSyncSeconds,
      cnfReadiness: { delayMs: p.readiness.delaySeconds * 1000, jitterMs: p.readiness.jitterSeconds * 1000 },
      log: o.log,
    });
    cleanups.push(() => cluster.stop());
    const info = await cluster.start();
    timings.cluster = Date.now() - t0;
    let t = Date.now();
    const keda = new LocalKeda(info, { dir: o.dir, log: o.log });
    cleanups.push(() => keda.stop());
    await keda.start();
    timings.keda = Date.now() - t;

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    const client = new KubeClient(kc, 'twin-validation');
    const m = slice.manifest;
    const snssai = snssaiLabel(m.spec.snssai.sst, m.spec.snssai.sd);
    const plmnid = `${m.spec.plmn.mcc}${m.spec.plmn.mnc}`;
    const replayed: ReplayedSlice[] = [{ snssai, plmnid, trace }];
    // The replay starts settleHours before the compared window, so both policies have settled.
    const wallStartMs = Date.now();
    const clock = { wallStartMs, startStep: o.compareStep - p.settleHours, stepSeconds: p.stepSeconds };
    const promDir = path.join(o.dir, 'prometheus');
    mkdirSync(promDir, { recursive: true });
    t = Date.now();
    const telemetry = await startReplayedTelemetry({ slices: replayed, clock, dir: promDir, backfillSteps: DEFAULT_HISTORY_STEPS + 2, scrapeIntervalSeconds: p.scrapeSeconds });
    cleanups.push(() => telemetry.stop());
    const prom = telemetry.prometheus;
    const metricsPort = await freePort();
    timings.prometheus = Date.now() - t;

    await installNetworkSliceCrd(client, FIELD_MANAGER);
    await client.apply(`/api/v1/namespaces/${NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, FIELD_MANAGER);
    await client.apply(objectPath('NetworkSlice', NS, SLICE), { apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice', ...m }, 'kubectl');

    // The alternative a platform team would run: the same UPF image and bounds, scaled by KEDA.
    const upf = slice.view.cnfs.find((c) => c.type === 'upf')!;
    const twin = { namespace: NS, name: HPA_DEPLOYMENT, image: upf.image, minReplicas: upf.minReplicas, maxReplicas: upf.maxReplicas, prometheusUrl: prom.url, query: slice.view.loadQuery, perReplica: slice.perReplica, targetUtilization: p.targetUtilization, pollingSeconds: p.pollingSeconds, behavior: p.hpaBehavior };
    const [deployment, scaledObject] = kedaTwinObjects(twin);
    const paths = kedaTwinPaths(twin);
    await client.apply(paths.deployment, deployment, FIELD_MANAGER);
    await client.apply(paths.scaledObject, scaledObject, FIELD_MANAGER);

    const virtualStartMs = MILAN_START_MS + clock.startStep * HOUR_MS;
    const operator: SupervisedProcess = startSupervised(
      'slice-operator',
      process.execPath,
      [
        '--import', 'tsx', path.join(root, 'src', 'cmd', 'operator.ts'),
        `--kubeconfig=${info.kubeconfig}`, `--prometheus-url=${prom.url}`, `--step-seconds=${p.stepSeconds}`, `--cycle-seconds=${p.cycleSeconds}`,
        `--replay-clock=${wallStartMs}:${virtualStartMs}`, '--leader-elect=false',
        // Nothing scrapes the operator here: plain metrics, and probes on loopback.
        `--metrics-bind-address=127.0.0.1:${metricsPort}`, '--metrics-secure=false', `--health-probe-bind-address=127.0.0.1:${await freePort()}`,
      ],
      path.join(o.dir, 'operator.log'),
      { cwd: root },
    );
    cleanups.push(() => operator.stop());
    timings.setup = Date.now() - t0;

    const windowStartMs = wallStartMs + p.settleHours * p.stepSeconds * 1000;
    const endMs = windowStartMs + p.hours * p.stepSeconds * 1000;
    const samples: RigSample[] = [];
    let start: RigRun['start'] | undefined;
    const opName = `${SLICE}-upf`;
    while (Date.now() < endMs) {
      if (!operator.running()) throw new Error(`the operator exited; see ${path.join(o.dir, 'operator.log')}`);
      const gone = keda.exited();
      if (gone) throw new Error(`${gone} exited; see ${path.join(o.dir, 'logs', `${gone}.log`)}`);
      const now = Date.now();
      const [deps, hpaNow] = await Promise.all([
        client.request<{ items: { metadata: { name: string }; spec: { replicas: number } }[] }>('GET', `/apis/apps/v1/namespaces/${NS}/deployments`),
        client.request<HpaObject>('GET', HPA_PATH).catch(() => undefined),
      ]);
      const by = new Map(deps.items.map((d) => [d.metadata.name, d.spec.replicas]));
      const op = by.get(opName);
      const hpa = by.get(HPA_DEPLOYMENT);
      if (op !== undefined && hpa !== undefined) {
        if (!start && now >= windowStartMs) start = { operator: op, hpa };
        const metric = hpaNow?.status?.currentMetrics?.[0]?.external?.current?.averageValue;
        if (now >= windowStartMs) samples.push({ wallMs: now, step: stepAt(clock, now), load: trace.at(stepAt(clock, now)), operator: op, hpa, ...(metric !== undefined ? { hpaMetric: metric } : {}) });
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - now))));
    }
    if (!start) throw new Error('neither Deployment existed when the compared window began');
    // What the HPA controller said last (its conditions and events), for a run to be read later.
    try {
      const hpa = await client.request<HpaObject>('GET', HPA_PATH);
      for (const c of hpa.status?.conditions ?? []) o.log(`[validate] HPA ${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`);
      const ev = await client.request<{ items: { reason?: string; message?: string; count?: number }[] }>('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.kind=HorizontalPodAutoscaler`);
      for (const e of ev.items.slice(-10)) o.log(`[validate] HPA event ${e.reason} x${e.count ?? 1}: ${e.message}`);
    } catch (e) {
      o.log(`[validate] could not read the HPA: ${String(e)}`);
    }
    timings.total = Date.now() - t0;
    return { samples, windowStartMs, start, serverVersion: info.serverVersion, timings };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}
