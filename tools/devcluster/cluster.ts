import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveBinaries, type BinaryPaths } from './binaries.js';
import { ComponentStartError } from './errors.js';
import { probe, waitFor } from './http.js';
import { writeKubeconfig } from './kubeconfig.js';
import { generateFrontProxy, generatePki, type FrontProxyPki, type Pki } from './pki.js';
import { freePorts } from './ports.js';
import { startSupervised, type SupervisedProcess } from './process.js';
import { DEFAULT_SITES, fakeNode, KWOK_ANNOTATION, type SiteSpec } from './topology.js';
import { kwokStageConfig, type CnfReadiness } from './kwok-stages.js';

export interface ClusterOptions {
  /** Sites (and their kwok nodes) to create. Defaults to two edge sites and one regional site. */
  sites?: SiteSpec[];
  /** Working directory; a fresh temporary one by default, removed on stop unless keepDir. */
  dir?: string;
  keepDir?: boolean;
  log?: (line: string) => void;
  /** Build the binaries if they are not cached (default true). */
  build?: boolean;
  /** CNF pods become Ready only after this start-up delay (kwok Stages, kwok-stages.ts); default: at once. */
  cnfReadiness?: CnfReadiness;
  /**
   * Enable the aggregation layer (front-proxy CA and requestheader flags), for aggregated APIs
   * such as KEDA's external metrics server (keda.ts).
   */
  aggregation?: boolean;
  /** kube-controller-manager's --horizontal-pod-autoscaler-sync-period, seconds (its default: 15). */
  hpaSyncSeconds?: number;
}

export interface ClusterInfo {
  dir: string;
  kubeconfig: string;
  server: string;
  serverVersion: string;
  bins: BinaryPaths;
  pki: Pki;
  /** With `aggregation`: the front proxy's CA and client certificate. */
  frontProxy?: FrontProxyPki;
  etcdUrl: string;
  nodes: string[];
  timings: Record<string, number>;
}

const STATE_FILE = 'cluster.json';

/**
 * A real local Kubernetes control plane: etcd, kube-apiserver (TLS on 127.0.0.1, RBAC, client-cert
 * admin), kube-controller-manager (garbage collector, ReplicaSets, ServiceAccounts), kube-scheduler
 * and kwok (fake nodes that report Ready and run scheduled pods). Every process dies with us.
 */
export class LocalCluster {
  private readonly procs: SupervisedProcess[] = [];
  private info?: ClusterInfo;
  private stopping?: Promise<void>;
  private readonly restartable = new Map<string, () => SupervisedProcess>();

  constructor(private readonly opts: ClusterOptions = {}) {}

  get details(): ClusterInfo {
    if (!this.info) throw new Error('cluster not started');
    return this.info;
  }

  private log(line: string): void {
    this.opts.log?.(`[devcluster] ${line}`);
  }

  async start(): Promise<ClusterInfo> {
    const t0 = Date.now();
    const timings: Record<string, number> = {};
    const mark = (k: string, since: number) => (timings[k] = Date.now() - since);
    const bins = resolveBinaries({ build: this.opts.build ?? true, log: (l) => this.log(l) });
    mark('binaries', t0);
    const dir = this.opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'slice-dev-'));
    mkdirSync(dir, { recursive: true });
    const pkiDir = path.join(dir, 'pki');
    mkdirSync(pkiDir, { recursive: true });
    let t = Date.now();
    const pki = generatePki(pkiDir);
    let frontProxy: FrontProxyPki | undefined;
    if (this.opts.aggregation) {
      const fpDir = path.join(dir, 'front-proxy');
      mkdirSync(fpDir, { recursive: true });
      frontProxy = generateFrontProxy(fpDir);
    }
    mark('pki', t);
    const [etcdPort, peerPort, apiPort, kcmPort, schedPort, kwokPort] = (await freePorts(6)) as [number, number, number, number, number, number];
    const server = `https://127.0.0.1:${apiPort}`;
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const kubeconfig = writeKubeconfig(path.join(dir, 'admin.kubeconfig'), server, pki.caCert, pki.clients.admin!);
    const kcmKubeconfig = writeKubeconfig(path.join(dir, 'kcm.kubeconfig'), server, pki.caCert, pki.clients['system:kube-controller-manager']!, 'kcm');
    const schedKubeconfig = writeKubeconfig(path.join(dir, 'scheduler.kubeconfig'), server, pki.caCert, pki.clients['system:kube-scheduler']!, 'scheduler');
    const logs = path.join(dir, 'logs');
    mkdirSync(logs, { recursive: true });
    // A throwaway cluster on a machine with memory to spare: Go's collector may let the heap grow
    // 4x instead of 2x between cycles. With 1,000 slices in flight the API server's GC is a large
    // share of its CPU, and the API server is what bounds a 2-core machine.
    const go = { env: { GOGC: '400' } };
    const fail = (component: string) => (what: string) => new ComponentStartError(component, `${what} timed out`, path.join(logs, `${component}.log`));

    try {
      // etcd: a single member, no fsync (test data only).
      t = Date.now();
      const etcdArgs = [
        '--name=default', `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${peerPort}`, '--unsafe-no-fsync=true', '--log-level=warn',
      ];
      this.supervise('etcd', () => startSupervised('etcd', bins.etcd, etcdArgs, path.join(logs, 'etcd.log'), go));
      await waitFor('etcd /health', async () => (await probe(`${etcdUrl}/health`)).body.includes('"health":"true"'), 30_000, fail('etcd'));
      mark('etcd', t);

      t = Date.now();
      const apiArgs = [
        `--etcd-servers=${etcdUrl}`, '--bind-address=127.0.0.1', `--secure-port=${apiPort}`,
        '--advertise-address=127.0.0.1', '--endpoint-reconciler-type=none',
        `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.caCert}`,
        '--service-cluster-ip-range=10.0.0.0/24', '--allow-privileged=true', '--authorization-mode=Node,RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
        `--cert-dir=${path.join(dir, 'apiserver-certs')}`, '--v=1',
      ];
      if (frontProxy) {
        // The aggregation layer. --enable-aggregator-routing stays off: it would route to the
        // Service's endpoints, and Endpoints reject loopback addresses (keda.ts routes through
        // an ExternalName Service naming localhost instead).
        apiArgs.push(
          `--requestheader-client-ca-file=${frontProxy.caCert}`, '--requestheader-allowed-names=front-proxy-client',
          '--requestheader-extra-headers-prefix=X-Remote-Extra-', '--requestheader-group-headers=X-Remote-Group', '--requestheader-username-headers=X-Remote-User',
          `--proxy-client-cert-file=${frontProxy.clientCert}`, `--proxy-client-key-file=${frontProxy.clientKey}`,
        );
      }
      this.supervise('kube-apiserver', () => startSupervised('kube-apiserver', bins['kube-apiserver'], apiArgs, path.join(logs, 'kube-apiserver.log'), go));
      const adminTls = { ca: pki.caCert, cert: pki.clients.admin!.cert, key: pki.clients.admin!.key };
      await waitFor('kube-apiserver /readyz', async () => (await probe(`${server}/readyz`, adminTls)).status === 200, 90_000, fail('kube-apiserver'));
      mark('kube-apiserver', t);

      t = Date.now();
      const allow = '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics';
      const kcmArgs = [
        `--kubeconfig=${kcmKubeconfig}`, `--authentication-kubeconfig=${kcmKubeconfig}`, `--authorization-kubeconfig=${kcmKubeconfig}`,
        '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${kcmPort}`, allow,
        `--root-ca-file=${pki.caCert}`, `--service-account-private-key-file=${pki.saKey}`, '--use-service-account-credentials=true',
        '--cluster-cidr=10.244.0.0/16', '--allocate-node-cidrs=false', '--v=1',
        // The default 20 QPS makes 1,000 ReplicaSets take minutes; a dev cluster on loopback can take more.
        '--kube-api-qps=200', '--kube-api-burst=400',
        // With 5 workers each (the default), which wait on a busy API server in turn, 1,000 new
        // Deployments queue behind them for tens of seconds.
        '--concurrent-deployment-syncs=20', '--concurrent-replicaset-syncs=20', '--concurrent-endpoint-syncs=20', '--concurrent-service-endpoint-syncs=20',
      ];
      if (this.opts.hpaSyncSeconds !== undefined) kcmArgs.push(`--horizontal-pod-autoscaler-sync-period=${this.opts.hpaSyncSeconds}s`);
      this.supervise('kube-controller-manager', () => startSupervised('kube-controller-manager', bins['kube-controller-manager'], kcmArgs, path.join(logs, 'kube-controller-manager.log'), go));
      const schedArgs = [
        `--kubeconfig=${schedKubeconfig}`, `--authentication-kubeconfig=${schedKubeconfig}`, `--authorization-kubeconfig=${schedKubeconfig}`,
        '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${schedPort}`, allow, '--v=1',
        '--kube-api-qps=200', '--kube-api-burst=400',
      ];
      this.supervise('kube-scheduler', () => startSupervised('kube-scheduler', bins['kube-scheduler'], schedArgs, path.join(logs, 'kube-scheduler.log'), go));
      const kwokArgs = [
        `--kubeconfig=${kubeconfig}`, `--manage-nodes-with-annotation-selector=${KWOK_ANNOTATION}=fake`,
        '--cidr=10.244.0.1/16', '--node-ip=127.0.0.1', `--server-address=127.0.0.1:${kwokPort}`,
        // Heartbeat through node Leases, as kubelets do. Without it kwok's status heartbeats can
        // miss the controller-manager's grace period: nodes flap NotReady and their pods lose
        // Ready for good (kwok does not set it back), which stalls long runs such as the demo.
        '--node-lease-duration-seconds=40',
      ];
      if (this.opts.cnfReadiness) {
        const stages = path.join(dir, 'kwok-stages.yaml');
        writeFileSync(stages, kwokStageConfig(this.opts.cnfReadiness));
        kwokArgs.push(`--config=${stages}`);
      }
      this.supervise('kwok', () => startSupervised('kwok', bins.kwok, kwokArgs, path.join(logs, 'kwok.log'), { cwd: dir, env: { HOME: dir, ...go.env } }));
      await Promise.all([
        waitFor('kube-controller-manager /healthz', async () => (await probe(`https://127.0.0.1:${kcmPort}/healthz`)).status === 200, 60_000, fail('kube-controller-manager')),
        waitFor('kube-scheduler /healthz', async () => (await probe(`https://127.0.0.1:${schedPort}/healthz`)).status === 200, 60_000, fail('kube-scheduler')),
        waitFor('kwok /healthz', async () => (await probe(`http://127.0.0.1:${kwokPort}/healthz`)).status === 200, 60_000, fail('kwok')),
      ]);
      mark('components', t);

      const version = JSON.parse((await probe(`${server}/version`, adminTls)).body) as { gitVersion: string };
      t = Date.now();
      const nodes = await this.createNodes(bins.kubectl, kubeconfig, this.opts.sites ?? DEFAULT_SITES, version.gitVersion);
      mark('nodes', t);
      timings.total = Date.now() - t0;
      this.info = { dir, kubeconfig, server, serverVersion: version.gitVersion, bins, pki, ...(frontProxy ? { frontProxy } : {}), etcdUrl, nodes, timings };
      writeFileSync(path.join(dir, STATE_FILE), JSON.stringify({ kubeconfig, server, serverVersion: version.gitVersion, pids: this.procs.map((p) => p.child.pid) }, null, 2));
      this.log(`ready in ${timings.total} ms: ${server} (${version.gitVersion}), ${nodes.length} kwok nodes, kubeconfig ${kubeconfig}`);
      return this.info;
    } catch (err) {
      await this.stopProcesses();
      if (!this.opts.keepDir && !this.opts.dir) this.tailLogsOnError(logs);
      throw err;
    }
  }

  private supervise(name: string, start: () => SupervisedProcess): void {
    this.restartable.set(name, start);
    this.procs.push(start());
  }

  /** Restart one component (fault injection: etcd or kube-apiserver restart mid-run). */
  async restart(name: string): Promise<void> {
    const idx = this.procs.findIndex((p) => p.name === name);
    const start = this.restartable.get(name);
    if (idx < 0 || !start) throw new Error(`unknown component ${name}`);
    await this.procs[idx]!.stop();
    this.procs[idx] = start();
  }

  /** Name and pid of each running component (benchmarks read their CPU time from /proc). */
  processes(): { name: string; pid: number }[] {
    return this.procs.filter((p) => p.running() && p.child.pid !== undefined).map((p) => ({ name: p.name, pid: p.child.pid! }));
  }

  /** Stop one component without restarting it. */
  async stopComponent(name: string): Promise<void> {
    await this.procs.find((p) => p.name === name)?.stop();
  }

  private async createNodes(kubectl: string, kubeconfig: string, sites: SiteSpec[], version: string): Promise<string[]> {
    const items = sites.flatMap((s) => Array.from({ length: s.nodes }, (_, i) => fakeNode(s, i, version)));
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { input: list, stdio: ['pipe', 'ignore', 'pipe'] });
    const names = items.map((n) => (n.metadata as { name: string }).name);
    // kwok reports the nodes Ready; the scheduler only uses Ready nodes.
    await waitFor(
      'kwok nodes Ready',
      async () => {
        const out = execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'], { encoding: 'utf8' });
        const ready = out.split('\n').filter((l) => l.endsWith('=True')).length;
        return ready >= names.length;
      },
      60_000,
      (w) => new ComponentStartError('kwok', `${w} timed out`),
      500,
    );
    return names;
  }

  private tailLogsOnError(logs: string): void {
    for (const p of this.procs) {
      if (!existsSync(p.logFile)) continue;
      const tail = readFileSync(p.logFile, 'utf8').split('\n').slice(-15).join('\n');
      this.log(`--- last lines of ${path.basename(p.logFile)} ---\n${tail}`);
    }
    void logs;
  }

  private async stopProcesses(): Promise<void> {
    // Reverse order: clients before the API server, the API server before etcd.
    for (const p of [...this.procs].reverse()) await p.stop();
  }

  /** Stops every process and removes the working directory (unless it was given or keepDir). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.stopProcesses();
      if (this.info && !this.opts.keepDir && !this.opts.dir) rmSync(this.info.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

export async function startCluster(opts: ClusterOptions = {}): Promise<LocalCluster> {
  const c = new LocalCluster(opts);
  await c.start();
  return c;
}
