/** Helpers shared by e2e tests: clients and kubectl against the cluster from global-setup.ts. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

export function e2eEnv(): { kubeconfig: string; binDir: string; serverVersion: string } {
  const kubeconfig = process.env.SLICE_E2E_KUBECONFIG;
  const binDir = process.env.SLICE_E2E_BIN_DIR;
  if (!kubeconfig || !binDir) throw new Error('e2e cluster missing: run through the jest e2e project (globalSetup)');
  return { kubeconfig, binDir, serverVersion: process.env.SLICE_E2E_SERVER_VERSION ?? '' };
}

export function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(e2eEnv().kubeconfig);
  return kc;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real kubectl built with the cluster; resolves with the exit code (never rejects).
 * `kubeconfig` targets a test's own cluster instead of the shared one.
 */
export function kubectl(args: string[], input?: string, kubeconfig = e2eEnv().kubeconfig): Promise<KubectlResult> {
  const { binDir } = e2eEnv();
  return new Promise((resolve) => {
    const child = execFile(path.join(binDir, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A fresh namespace per test file keeps tests independent on the shared cluster. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const core = kubeConfig().makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Installs the NetworkSlice CRD from crds/ and waits until the API server serves it. */
export async function installCrd(kubeconfig = e2eEnv().kubeconfig): Promise<void> {
  const r = await kubectl(['apply', '--server-side', '-f', path.join(repoRoot, 'crds')], undefined, kubeconfig);
  if (r.code !== 0) throw new Error(`CRD install failed: ${r.stderr}`);
  await eventually('CRD established', async () => (await kubectl(['wait', '--for=condition=Established', '--timeout=30s', 'crd/networkslices.slicing.telco.dev'], undefined, kubeconfig)).code === 0);
  // kubectl caches discovery: wait until the short name resolves.
  await eventually('nsl served', async () => (await kubectl(['get', 'nsl', '-A'], undefined, kubeconfig)).code === 0);
}

/** An eMBB NetworkSlice with one UPF of `perReplica` sessions, scaled on its load as `scaling` says. */
export function upfSlice(name: string, sd: string, o: { perReplica: number; minReplicas?: number; maxReplicas: number; scaling: Record<string, unknown>; loadQuery?: string; cpu?: string }) {
  return {
    apiVersion: 'slicing.telco.dev/v1alpha1',
    kind: 'NetworkSlice',
    metadata: { name },
    spec: {
      snssai: { sst: 1, sd },
      plmn: { mcc: '001', mnc: '01' },
      serviceType: 'eMBB',
      cnfs: [{ name: 'upf', type: 'upf', image: 'upf:1', capacity: { sessions: o.perReplica }, minReplicas: o.minReplicas ?? 1, maxReplicas: o.maxReplicas, resources: { requests: { cpu: o.cpu ?? '100m' } } }],
      scaling: o.scaling,
      ...(o.loadQuery ? { telemetry: { loadQuery: o.loadQuery } } : {}),
    },
  };
}

/** A static mMTC NetworkSlice with one UPF of `minReplicas` replicas (no telemetry needed to be Ready). */
export function staticSlice(namespace: string, name: string, sd: string, minReplicas = 2) {
  return {
    apiVersion: 'slicing.telco.dev/v1alpha1',
    kind: 'NetworkSlice',
    metadata: { name, namespace },
    spec: {
      snssai: { sst: 3, sd },
      plmn: { mcc: '999', mnc: '70' },
      serviceType: 'mMTC',
      cnfs: [{ name: 'upf', type: 'upf', image: 'upf:1', capacity: { sessions: 100 }, minReplicas, resources: { requests: { cpu: '100m' } } }],
      scaling: { mode: 'static' } as Record<string, unknown>,
    },
  };
}

/** The test cluster's connection with a bearer token instead of the admin credential (a ServiceAccount's). */
export function tokenKubeConfig(token: string): k8s.KubeConfig {
  const cluster = kubeConfig().getCurrentCluster()!;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: cluster.server, caData: cluster.caData, caFile: cluster.caFile, skipTLSVerify: false }],
    users: [{ name: 'operator', token }],
    contexts: [{ name: 'operator', cluster: 'local', user: 'operator' }],
    currentContext: 'operator',
  });
  return kc;
}

export interface SliceConditions {
  status?: { upfReplicas?: number; conditions?: { type: string; status: string; reason: string; message: string }[] };
}

/** A NetworkSlice as kubectl gets it. */
export const getSlice = async (ns: string, name: string): Promise<SliceConditions> => JSON.parse((await kubectl(['get', '-n', ns, 'nsl', name, '-o', 'json'])).stdout);

export const conditionOf = (s: SliceConditions, type: string) => s.status?.conditions?.find((c) => c.type === type);

/** Waits until the slice is Ready=True; returns it as it was then. */
export const sliceReady = (ns: string, name: string, timeoutMs = 90_000): Promise<SliceConditions> =>
  eventually(`${ns}/${name} Ready`, async () => {
    const s = await getSlice(ns, name);
    return conditionOf(s, 'Ready')?.status === 'True' ? s : undefined;
  }, timeoutMs, 500);

/** Waits until the slice's condition `type` has `reason`; returns the slice as it was then. */
export const sliceWithReason = (ns: string, name: string, type: string, reason: string, timeoutMs = 60_000): Promise<SliceConditions> =>
  eventually(`${name} ${type} ${reason}`, async () => {
    const s = await getSlice(ns, name);
    return conditionOf(s, type)?.reason === reason ? s : undefined;
  }, timeoutMs, 250);

/** Waits until the slice is Ready and its first CNF's image counts as healthy (its pods all ready for a minute). */
export const healthyImage = (ns: string, name: string, image: string): Promise<SliceConditions> =>
  eventually(`${name} Ready with healthy image ${image}`, async () => {
    const s = await getSlice(ns, name);
    return conditionOf(s, 'Ready')?.status === 'True' && (s as unknown as { status?: { cnfs?: { healthyImage?: string }[] } }).status?.cnfs?.[0]?.healthyImage === image ? s : undefined;
  }, 120_000, 500);

/** What a kubelet reports of a container `upf` running `image` that exits at start (tests play the kubelet). */
export const crashLoopStatus = (image: string): string =>
  JSON.stringify({ status: { containerStatuses: [{ name: 'upf', image, imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=upf' } } }] } });
