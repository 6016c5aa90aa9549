/**
 * CNF fault evaluation on the real control plane (`npm run eval:cnf-faults`): starts the local
 * cluster (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes in three sites), runs
 * the operator as its own process with its defaults, creates slices whose UPF runs on one of two
 * edge sites, waits until each has a healthy image, then injects labelled faults on some of them
 * and leaves the others clean, playing the kubelet through the pods' status subresource:
 *   - a crash loop after an image change (CrashLoopBackOff, the pod not ready),
 *   - an image pull failure after an image change (ErrImagePull),
 *   - the UPF's pods on its site turning unready with their containers running (a failing site),
 * and, on the clean slices, changes that must not raise anything: an image upgrade whose pods
 * come up ready, or the pods on its site unready for half the grace, then ready again. It watches every slice's Anomalous condition, the UPF's Deployment and
 * placement, and scores precision, recall and F1 per fault kind (tools/eval/cnf-score.ts), the
 * detection delay and the time to repair. --per-kind N slices per kind (default 10);
 * --write-docs records the table in docs/anomalies.md.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../../src/controller/names.js';
import { UNREADY_GRACE_MS } from '../../src/controller/pod-health.js';
import { collectionPath, objectPath } from '../../src/controller/resources.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { LocalCluster } from '../devcluster/cluster.js';
import { installNetworkSliceCrd } from '../devcluster/install-crd.js';
import { startSupervised, type SupervisedProcess } from '../devcluster/process.js';
import { replaceDocBlock } from '../docs/doc-block.js';
import { FAULTS, score, scoreTable, type FaultKind, type SliceRun } from './cnf-score.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NS = 'cnf-faults';
const HEALTHY = 'upf:1';
const POLL_MS = 250;
/** How long after the injections the run waits for every repair (the site fault has a minute of grace). */
const OBSERVE_MS = 180_000;
/** Observed after the last repair, for late false alarms. */
const TAIL_MS = 20_000;

type Cond = { type: string; status: string; reason?: string };
interface SliceObj {
  metadata: { name: string };
  status?: { conditions?: Cond[]; cnfs?: { healthyImage?: string }[]; placement?: { upfSites?: string[] } };
}
interface PodObj {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { image: string }[] };
  status?: { podIP?: string };
}
interface DeploymentObj {
  metadata: { name: string; generation?: number };
  spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}

/** A clean slice's benign change: an upgrade to a working image, or its pods unready for less than the grace. */
type Benign = 'upgrade' | 'blip';
type Plan = { slice: string; fault?: FaultKind; benign?: Benign };
/** How long a blip keeps the pods unready: half the grace. */
const BLIP_MS = UNREADY_GRACE_MS / 2;

const sliceManifest = (name: string, sd: string, image: string) => ({
  apiVersion: 'slicing.telco.dev/v1alpha1',
  kind: 'NetworkSlice',
  metadata: { name, namespace: NS },
  spec: {
    snssai: { sst: 1, sd },
    plmn: { mcc: '001', mnc: '01' },
    serviceType: 'eMBB',
    cnfs: [{ name: 'upf', type: 'upf', image, capacity: { sessions: 10 }, minReplicas: 2, maxReplicas: 2, resources: { requests: { cpu: '100m' } } }],
    scaling: { mode: 'static' },
    placement: { sites: ['edge-a', 'edge-b'], maxSites: 1, antiAffinity: 'none' },
  },
});

const metaNow = () => new Date().toISOString();
const podConditions = (ready: boolean, since: string) => [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Initialized', status: 'True' },
  { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: since },
  { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since },
];
/** What a kubelet reports of a container that cannot start. */
const waitingStatus = (image: string, reason: string, message: string) => ({
  status: { conditions: podConditions(false, metaNow()), containerStatuses: [{ name: 'upf', image, imageID: '', ready: false, restartCount: reason === 'CrashLoopBackOff' ? 4 : 0, state: { waiting: { reason, message } } }] },
});
const BAD: Partial<Record<FaultKind, { image: string; reason: string; message: string }>> = {
  'crash loop after image change': { image: 'upf:crash', reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=upf' },
  'image pull failure after image change': { image: 'upf:missing', reason: 'ErrImagePull', message: 'rpc error: code = NotFound desc = failed to pull and unpack image "upf:missing"' },
};

class Harness {
  readonly runs = new Map<string, SliceRun>();
  private readonly patched = new Set<string>();
  private readonly sickSite = new Map<string, string>();
  private readonly blips = new Map<string, { site: string; endMs: number }>();

  constructor(
    private readonly client: KubeClient,
    private readonly plans: Plan[],
  ) {
    for (const p of plans) this.runs.set(p.slice, { slice: p.slice, ...(p.fault ? { fault: p.fault } : {}), alarms: [] });
  }

  slices = async () => (await this.client.get<{ items: SliceObj[] }>(collectionPath('NetworkSlice', NS))).items;
  pods = async () => (await this.client.get<{ items: PodObj[] }>(collectionPath('Pod', NS))).items;
  deployments = async () => (await this.client.get<{ items: DeploymentObj[] }>(collectionPath('Deployment', NS))).items;

  async create(): Promise<void> {
    for (const [i, p] of this.plans.entries()) await this.client.apply(objectPath('NetworkSlice', NS, p.slice), sliceManifest(p.slice, (0xfa000 + i).toString(16).padStart(6, '0'), HEALTHY), 'cnf-faults');
  }

  /** Every slice Ready with a healthy image: the baseline a fault breaks. */
  async settled(): Promise<boolean> {
    const s = await this.slices();
    return s.length === this.plans.length && s.every((x) => x.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && x.status.cnfs?.[0]?.healthyImage === HEALTHY);
  }

  private setImage = (slice: string, image: string) =>
    this.client.mergePatch(objectPath('NetworkSlice', NS, slice), { spec: { cnfs: [{ ...sliceManifest(slice, '', image).spec.cnfs[0] }] } });

  /** Starts every fault and upgrade: image changes first, then the site faults with their pods' status. */
  async inject(): Promise<void> {
    for (const p of this.plans) {
      const bad = p.fault ? BAD[p.fault] : undefined;
      if (bad) await this.setImage(p.slice, bad.image);
      if (p.benign === 'upgrade') await this.setImage(p.slice, 'upf:2');
    }
    const s = await this.slices();
    const pods = await this.pods();
    for (const p of this.plans.filter((x) => x.fault === 'UPF pods unready on one site' || x.benign === 'blip')) {
      const site = s.find((x) => x.metadata.name === p.slice)?.status?.placement?.upfSites?.[0];
      if (!site) throw new Error(`${p.slice}: no UPF site in status`);
      if (p.fault) this.sickSite.set(p.slice, site);
      await this.setReady(pods, p.slice, site, false);
      if (p.fault) this.runs.get(p.slice)!.onsetMs = Date.now();
      else this.blips.set(p.slice, { site, endMs: Date.now() + BLIP_MS });
    }
  }

  /** What a kubelet reports when the slice's pods on a site stop or start being ready, containers running. */
  private async setReady(pods: PodObj[], slice: string, site: string, ready: boolean): Promise<void> {
    const since = metaNow();
    for (const pod of pods.filter((x) => x.metadata.labels?.['slicing.telco.dev/slice'] === slice && x.spec.nodeName?.startsWith(site))) {
      await this.client.mergePatch(`${objectPath('Pod', NS, pod.metadata.name)}/status`, { status: { conditions: podConditions(ready, since) } });
    }
  }

  /** Ends the blips that are due: their pods ready again before the grace is up. */
  private async endBlips(pods: PodObj[]): Promise<void> {
    for (const [slice, b] of this.blips) {
      if (Date.now() < b.endMs) continue;
      this.blips.delete(slice);
      await this.setReady(pods, slice, b.site, true);
    }
  }

  /**
   * Plays the kubelet, apart from the observation so neither waits for the other: pods of a
   * failing image report the fault once they run (each new one, all at once), blips end when due.
   */
  async kubelet(): Promise<void> {
    const pods = await this.pods();
    const patches: Promise<void>[] = [];
    for (const p of this.plans) {
      const bad = p.fault ? BAD[p.fault] : undefined;
      if (!bad) continue;
      for (const pod of pods.filter((x) => x.metadata.labels?.['slicing.telco.dev/slice'] === p.slice && x.spec.containers[0]?.image === bad.image && x.status?.podIP && !x.metadata.deletionTimestamp)) {
        if (this.patched.has(pod.metadata.name)) continue;
        this.patched.add(pod.metadata.name);
        const patch = this.client.mergePatch(`${objectPath('Pod', NS, pod.metadata.name)}/status`, waitingStatus(bad.image, bad.reason, bad.message));
        patches.push(patch.then(() => void (this.runs.get(p.slice)!.onsetMs ??= Date.now()), () => void this.patched.delete(pod.metadata.name)));
      }
    }
    await Promise.all([...patches, this.endBlips(pods)]);
  }

  /** One look at the cluster: alarms, repairs, recoveries. */
  async observe(): Promise<void> {
    const [slices, pods, deployments] = await Promise.all([this.slices(), this.pods(), this.deployments()]);
    const now = Date.now();
    for (const s of slices) {
      const run = this.runs.get(s.metadata.name);
      if (!run) continue;
      const a = s.status?.conditions?.find((c) => c.type === 'Anomalous' && c.status === 'True');
      if (a?.reason && !run.alarms.some((x) => x.reason === a.reason)) run.alarms.push({ reason: a.reason, atMs: now });
      if (!run.fault || run.onsetMs === undefined) continue;
      const d = deployments.find((x) => x.metadata.name === `${s.metadata.name}-upf`);
      const sick = this.sickSite.get(s.metadata.name);
      const repaired = sick ? s.status?.placement?.upfSites?.length && !s.status.placement.upfSites.includes(sick) : d?.spec.template.spec.containers[0]?.image === HEALTHY;
      if (repaired) run.repairedMs ??= now;
      if (run.repairedMs !== undefined && d && rolledOut(d) && this.podsIn(pods, s.metadata.name, sick)) run.readyMs ??= now;
    }
  }

  /** The slice's pods all run the healthy image, off the sick site. */
  private podsIn(pods: PodObj[], slice: string, sick: string | undefined): boolean {
    const mine = pods.filter((x) => x.metadata.labels?.['slicing.telco.dev/slice'] === slice && !x.metadata.deletionTimestamp);
    return mine.length > 0 && mine.every((x) => x.spec.containers[0]?.image === HEALTHY && !(sick && x.spec.nodeName?.startsWith(sick)));
  }

  done(): boolean {
    return [...this.runs.values()].every((r) => !r.fault || r.readyMs !== undefined);
  }
}

const rolledOut = (d: DeploymentObj) => {
  const want = d.spec.replicas ?? 1;
  const st = d.status ?? {};
  return st.observedGeneration === d.metadata.generation && st.replicas === want && st.updatedReplicas === want && st.readyReplicas === want;
};

async function poll(what: string, timeoutMs: number, fn: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function plansOf(perKind: number): Plan[] {
  const plans: Plan[] = [];
  const short: Record<FaultKind, string> = { 'crash loop after image change': 'crash', 'image pull failure after image change': 'pull', 'UPF pods unready on one site': 'site' };
  for (let i = 0; i < perKind; i++) {
    for (const fault of Object.keys(FAULTS) as FaultKind[]) plans.push({ slice: `${short[fault]}-${i}`, fault });
    const benign: (Benign | undefined)[] = ['upgrade', 'blip', undefined];
    const b = benign[i % benign.length];
    plans.push({ slice: `clean-${i}`, ...(b ? { benign: b } : {}) });
  }
  return plans;
}

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--per-kind');
  const perKind = arg > 0 ? Number(process.argv[arg + 1]) : 10;
  if (!Number.isInteger(perKind) || perKind < 1) throw new Error(`--per-kind: expected a positive integer, got ${process.argv[arg + 1]}`);
  const log = (l: string) => process.stderr.write(`[cnf-faults] ${l}\n`);
  const cluster = new LocalCluster({ log: () => undefined });
  let operator: SupervisedProcess | undefined;
  try {
    await cluster.start();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.details.kubeconfig);
    const client = new KubeClient(kc, 'cnf-faults');
    await installNetworkSliceCrd(client, FIELD_MANAGER);
    await client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
    // The operator as its own process, with its defaults (forecast step, cycle, resync), without
    // telemetry (the slices are static), so the harness's own work does not slow it down.
    const opLog = path.join(cluster.details.dir, 'operator.log');
    const args = ['--import', 'tsx', path.join(root, 'src', 'cmd', 'operator.ts'), `--kubeconfig=${cluster.details.kubeconfig}`, '--leader-elect=false', '--metrics-bind-address=127.0.0.1:0'];
    operator = startSupervised('slice-operator', process.execPath, args, opLog, { cwd: root });
    const plans = plansOf(perKind);
    const h = new Harness(client, plans);
    const t0 = Date.now();
    await h.create();
    log(`${plans.length} slices created; waiting until each runs a healthy image (all pods ready for a minute)`);
    await poll('every slice Ready with a healthy image', 240_000, async () => {
      if (!operator!.running()) throw new Error(`the operator exited; see ${opLog}`);
      return h.settled();
    });
    log(`settled in ${((Date.now() - t0) / 1000).toFixed(0)} s; injecting`);
    const start = Date.now();
    const load = [os.loadavg()[0]!];
    await h.inject();
    let lastRepair: number | undefined;
    let stopped = false;
    const kubelet = (async () => {
      while (!stopped) {
        await h.kubelet();
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();
    while (Date.now() - start < OBSERVE_MS) {
      await h.observe();
      if (h.done()) lastRepair ??= Date.now();
      if (lastRepair !== undefined && Date.now() - lastRepair > TAIL_MS) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    stopped = true;
    await kubelet;
    load.push(os.loadavg()[0]!);
    const s = score([...h.runs.values()]);
    const clean = (b: Benign | undefined) => plans.filter((p) => !p.fault && p.benign === b).length;
    const table = [
      `${plans.length} slices, each a UPF of 2 replicas on one of two edge sites: ${perKind} per fault kind, ${perKind} clean (${clean('upgrade')} upgraded to a working image, ${clean('blip')} with their pods unready for ${BLIP_MS / 1000} s, ${clean(undefined)} untouched).`,
      `The operator as its own process with its defaults: a site counts as failing once its pods have been unready for ${UNREADY_GRACE_MS / 1000} s.`,
      `Machine: ${os.cpus().length} cores, load average ${load.map((x) => x.toFixed(1)).join(' / ')} (1 min at injection / 1 min at the end).`,
      '',
      scoreTable(s),
    ].join('\n');
    process.stdout.write(`${table}\n`);
    for (const r of h.runs.values()) if (r.fault && !r.alarms.some((a) => a.reason === FAULTS[r.fault!])) log(`missed: ${r.slice} (${r.fault}), alarms ${JSON.stringify(r.alarms.map((a) => a.reason))}`);
    for (const r of h.runs.values()) if (r.alarms.some((a) => !r.fault || a.reason !== FAULTS[r.fault])) log(`false alarm: ${r.slice} (${r.fault ?? 'clean'}): ${JSON.stringify(r.alarms.map((a) => a.reason))}`);
    if (process.argv.includes('--write-docs')) replaceDocBlock(path.join(root, 'docs', 'anomalies.md'), 'cnf-fault-eval', `Measured by \`npm run eval:cnf-faults\`.\n\n${table}`);
  } finally {
    await operator?.stop();
    await cluster.stop();
  }
}

await main();
