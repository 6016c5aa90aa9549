/**
 * KEDA on the local control plane, as host processes: its operator (which turns ScaledObjects
 * into HPAs and serves metric values over gRPC) and its metrics API server (the adapter: the
 * aggregated API `external.metrics.k8s.io` that kube-controller-manager's HPA controller reads).
 * The cluster needs `aggregation: true` (cluster.ts). kube-apiserver reaches the adapter through
 * an ExternalName Service naming localhost; it verifies the adapter's certificate against that
 * Service's DNS name, so the serving certificate carries it.
 *
 * The adapter always serves its own /metrics on every interface (`--port`, no bind address), so
 * KEDA only starts inside a private network namespace whose one interface is loopback
 * (netns.ts); elsewhere start() refuses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterInfo } from './cluster.js';
import { ComponentStartError, MissingBinariesError } from './errors.js';
import { waitFor } from './http.js';
import { repoRoot } from './binaries.js';
import { servingCert } from './pki.js';
import { freePorts } from './ports.js';
import { startSupervised, type SupervisedProcess } from './process.js';

export const KEDA_NAMESPACE = 'keda';
const SERVICE = 'keda-metrics-apiserver';

export interface KedaBinaries {
  operator: string;
  adapter: string;
  /** Directory of KEDA's CRDs (ScaledObject and the rest). */
  crds: string;
}

/** KEDA's binaries from hack/keda/build.sh's cache, built first if `build` (minutes on 2 cores). */
export function resolveKeda(o: { build?: boolean; log?: (line: string) => void } = {}): KedaBinaries {
  const script = path.join(repoRoot(), 'hack', 'keda', 'build.sh');
  const dirOf = (d: string): KedaBinaries => ({ operator: path.join(d, 'keda-operator'), adapter: path.join(d, 'keda-adapter'), crds: path.join(d, 'crds') });
  const printed = spawnSync('bash', [script, '--print'], { encoding: 'utf8' }).stdout.trim();
  if (printed && existsSync(path.join(printed, '.complete'))) return dirOf(printed);
  if (o.build === false) throw new MissingBinariesError(`KEDA is not built yet; run: bash ${script}`);
  o.log?.(`building KEDA with ${script} (first run takes several minutes)...`);
  const built = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (built.status !== 0) throw new MissingBinariesError(`hack/keda/build.sh failed (exit ${built.status ?? built.signal})`);
  return dirOf(built.stdout.trim().split('\n').pop() ?? '');
}

/** Interfaces other than loopback: where a server bound to every interface would be reachable. */
export function nonLoopbackInterfaces(): string[] {
  return Object.entries(os.networkInterfaces())
    .filter(([, addrs]) => (addrs ?? []).some((a) => !a.internal))
    .map(([name]) => name);
}

export class LocalKeda {
  private readonly procs: SupervisedProcess[] = [];

  constructor(
    private readonly cluster: ClusterInfo,
    private readonly o: { dir: string; log?: (line: string) => void; build?: boolean },
  ) {}

  private kubectl(args: string[], input?: string): string {
    return execFileSync(this.cluster.bins.kubectl, ['--kubeconfig', this.cluster.kubeconfig, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  }

  async start(): Promise<void> {
    const open = nonLoopbackInterfaces();
    if (open.length > 0) {
      throw new ComponentStartError('keda', `KEDA's adapter serves /metrics on every interface; start it inside a private network namespace (tools/devcluster/netns.ts), not here (interfaces: ${open.join(', ')})`);
    }
    if (!this.cluster.frontProxy) throw new ComponentStartError('keda', 'the cluster was started without aggregation: true');
    const bins = resolveKeda({ build: this.o.build, log: this.o.log });
    const logs = path.join(this.o.dir, 'logs');
    const certs = path.join(this.o.dir, 'keda-certs');
    mkdirSync(logs, { recursive: true });
    mkdirSync(certs, { recursive: true });

    this.kubectl(['create', 'namespace', KEDA_NAMESPACE]);
    for (const f of readdirSync(bins.crds).filter((f) => f.endsWith('.yaml'))) this.kubectl(['apply', '--server-side', '-f', path.join(bins.crds, f)]);

    // One certificate for the adapter's serving port and both ends of the operator's gRPC (KEDA
    // reads ca.crt, tls.crt and tls.key from its cert directory).
    const caDir = path.dirname(this.cluster.pki.caCert);
    const c = servingCert(caDir, 'keda', [`${SERVICE}.${KEDA_NAMESPACE}.svc`, `keda-operator.${KEDA_NAMESPACE}.svc`, 'localhost'], ['127.0.0.1']);
    copyFileSync(this.cluster.pki.caCert, path.join(certs, 'ca.crt'));
    copyFileSync(c.cert, path.join(certs, 'tls.crt'));
    copyFileSync(c.key, path.join(certs, 'tls.key'));

    const [grpc, opMetrics, opProbe, secure, adapterMetrics] = (await freePorts(5)) as [number, number, number, number, number];
    // WATCH_NAMESPACE empty: every namespace (KEDA requires it set).
    const env = { POD_NAMESPACE: KEDA_NAMESPACE, KEDA_CLUSTER_OBJECT_NAMESPACE: KEDA_NAMESPACE, WATCH_NAMESPACE: '', KUBECONFIG: this.cluster.kubeconfig };
    this.procs.push(
      startSupervised(
        'keda-operator',
        bins.operator,
        [
          `--kubeconfig=${this.cluster.kubeconfig}`, '--leader-elect=false', `--cert-dir=${certs}`,
          `--metrics-bind-address=127.0.0.1:${opMetrics}`, `--health-probe-bind-address=127.0.0.1:${opProbe}`, `--metrics-service-bind-address=127.0.0.1:${grpc}`,
          // The rig writes the APIService and has no webhooks: the operator leaves both alone.
          '--enable-webhook-patching=false', '--enable-apiservice-patching=false', '--zap-log-level=info',
        ],
        path.join(logs, 'keda-operator.log'),
        { env },
      ),
    );
    const kc = this.cluster.kubeconfig;
    this.procs.push(
      startSupervised(
        'keda-adapter',
        bins.adapter,
        [
          `--lister-kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`,
          `--secure-port=${secure}`, '--bind-address=127.0.0.1', `--cert-dir=${certs}`,
          `--tls-cert-file=${path.join(certs, 'tls.crt')}`, `--tls-private-key-file=${path.join(certs, 'tls.key')}`, `--client-ca-file=${this.cluster.pki.caCert}`,
          `--metrics-service-address=127.0.0.1:${grpc}`, `--metrics-service-grpc-authority=keda-operator.${KEDA_NAMESPACE}.svc`, `--port=${adapterMetrics}`,
        ],
        path.join(logs, 'keda-adapter.log'),
        { env },
      ),
    );
    const caBundle = readFileSync(this.cluster.pki.caCert).toString('base64');
    this.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Service', metadata: { name: SERVICE, namespace: KEDA_NAMESPACE }, spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ name: 'https', port: secure, targetPort: secure }] } },
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            kind: 'APIService',
            metadata: { name: 'v1beta1.external.metrics.k8s.io' },
            spec: { group: 'external.metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, caBundle, service: { name: SERVICE, namespace: KEDA_NAMESPACE, port: secure } },
          },
        ],
      }),
    );
    // The APIService's Available condition can say True before requests get through: probe the API itself.
    await waitFor(
      'external.metrics.k8s.io served by the KEDA adapter',
      async () => {
        try {
          this.kubectl(['get', '--raw', '/apis/external.metrics.k8s.io/v1beta1']);
          return true;
        } catch {
          return false;
        }
      },
      90_000,
      (what) => new ComponentStartError('keda-adapter', `${what} timed out`, path.join(logs, 'keda-adapter.log')),
      500,
    );
    this.o.log?.(`[keda] operator and adapter up; external metrics served on 127.0.0.1:${secure}`);
  }


  /** The first KEDA process that has exited, if any (a rig run is void without it). */
  exited(): string | undefined {
    return this.procs.find((p) => !p.running())?.name;
  }

  async stop(): Promise<void> {
    for (const p of [...this.procs].reverse()) await p.stop();
  }
}
