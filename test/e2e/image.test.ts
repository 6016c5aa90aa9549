/**
 * The built container image (`npm run image`) on the real control plane, run the way the chart's
 * pod runs it: podman with host networking, a read-only root filesystem, every capability dropped,
 * no new privileges, uid 65532, and the chart's ServiceAccount token, CA and namespace mounted
 * where the kubelet mounts them, with KUBERNETES_SERVICE_HOST/PORT set, so the operator takes its
 * in-cluster configuration. It reconciles a slice; probes (plain HTTP) and metrics (HTTPS, with the
 * token of a ServiceAccount bound to the chart's metrics-reader role) are read from outside.
 * `npm test` builds the image and sets SLICE_E2E_IMAGE when buildah is available; without it these
 * tests are skipped and say so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createNamespace, e2eEnv, eventually, installCrd, kubeConfig, kubectl, repoRoot, sliceReady, staticSlice } from './support.js';

const image = process.env.SLICE_E2E_IMAGE;
const podman = path.join(repoRoot, 'hack', 'image', 'podman.sh');
const chart = path.join(repoRoot, 'charts', 'slice-operator');
const release = 'slice-image';
const releaseNs = 'slice-image-system';
const container = `slice-operator-e2e-${process.pid}`;

if (!image) process.stderr.write('[image] SLICE_E2E_IMAGE is unset (no buildah here): the image tests are skipped\n');

function helm(args: string[]) {
  const { kubeconfig, binDir } = e2eEnv();
  const env = { ...process.env, HELM_CACHE_HOME: '/tmp/helm-e2e/cache', HELM_CONFIG_HOME: '/tmp/helm-e2e/config', HELM_DATA_HOME: '/tmp/helm-e2e/data' };
  return spawnSync(path.join(binDir, 'helm'), [...args, '--kubeconfig', kubeconfig], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

(image ? describe : describe.skip)('the container image against the local control plane', () => {
  const saDir = mkdtempSync(path.join(os.tmpdir(), 'slice-image-sa-'));
  let run: ChildProcess | undefined;
  let logs = '';
  let port = 0;
  let probePort = 0;
  let scraperToken = '';
  /** A probe: plain HTTP on the probe port. */
  const get = async (p: string) => {
    const r = await fetch(`http://127.0.0.1:${probePort}${p}`);
    return { status: r.status, body: await r.text() };
  };
  /** /metrics: HTTPS (the self-signed certificate not verified, as the chart's ServiceMonitor), with a bearer token. */
  const scrape = (token?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path: '/metrics', agent: false, rejectUnauthorized: false, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });

  beforeAll(async () => {
    await installCrd();
    const install = helm(['install', release, chart, '-n', releaseNs, '--create-namespace', '--set', 'replicaCount=1,podDisruptionBudget.enabled=false,crds.enabled=false', '--wait', '--timeout', '3m']);
    expect(install.stderr).toBe('');
    const manifest = parseAllDocuments(helm(['get', 'manifest', release, '-n', releaseNs]).stdout).map((d) => d.toJSON());
    const dep = manifest.find((o) => o?.kind === 'Deployment');
    const sa = dep.spec.template.spec.serviceAccountName as string;
    // What the kubelet projects into a pod: a bound token, the cluster CA, the namespace.
    const token = (await kubectl(['create', 'token', sa, '-n', releaseNs, '--duration=1h'])).stdout.trim();
    const cluster = kubeConfig().getCurrentCluster()!;
    writeFileSync(path.join(saDir, 'token'), token);
    writeFileSync(path.join(saDir, 'ca.crt'), cluster.caData ? Buffer.from(cluster.caData, 'base64') : readFileSync(cluster.caFile!));
    writeFileSync(path.join(saDir, 'namespace'), releaseNs);
    chmodSync(saDir, 0o755);
    for (const f of ['token', 'ca.crt', 'namespace']) chmodSync(path.join(saDir, f), 0o644);
    const api = new URL(cluster.server);
    port = await freePort();
    probePort = await freePort();
    // The chart's own arguments, but metrics and probes on loopback (the pod binds 0.0.0.0).
    const args = (dep.spec.template.spec.containers[0].args as string[]).map((a) =>
      a.startsWith('--metrics-bind-address=') ? `--metrics-bind-address=127.0.0.1:${port}` : a.startsWith('--health-probe-bind-address=') ? `--health-probe-bind-address=127.0.0.1:${probePort}` : a,
    );
    expect(args).toContain('--metrics-secure=true');
    // A scraper, as Prometheus' ServiceAccount would be: bound to the chart's metrics-reader role.
    expect((await kubectl(['create', 'serviceaccount', 'scraper', '-n', releaseNs])).code).toBe(0);
    expect((await kubectl(['create', 'clusterrolebinding', `${release}-scraper`, `--clusterrole=${release}-slice-operator-metrics-reader`, `--serviceaccount=${releaseNs}:scraper`])).code).toBe(0);
    scraperToken = (await kubectl(['create', 'token', 'scraper', '-n', releaseNs, '--duration=1h'])).stdout.trim();
    const sc = dep.spec.template.spec.containers[0].securityContext;
    expect(sc).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    run = spawn(
      podman,
      [
        'run', '--rm', '--name', container, '--network', 'host', '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL',
        '--security-opt', 'no-new-privileges', '--user', '65532:65532', '--timeout', '900',
        '-v', `${saDir}:/var/run/secrets/kubernetes.io/serviceaccount:ro`,
        '-e', `KUBERNETES_SERVICE_HOST=${api.hostname}`, '-e', `KUBERNETES_SERVICE_PORT=${api.port}`,
        image!, ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    run.stdout!.on('data', (d) => (logs += d));
    run.stderr!.on('data', (d) => (logs += d));
  }, 240_000);

  afterAll(async () => {
    spawnSync(podman, ['rm', '-f', '--time', '0', container], { encoding: 'utf8' });
    run?.kill('SIGKILL');
    helm(['uninstall', release, '-n', releaseNs, '--wait']);
    await kubectl(['delete', 'clusterrolebinding', `${release}-scraper`]);
    rmSync(saDir, { recursive: true, force: true });
  }, 120_000);

  test('runs read-only, without capabilities, as uid 65532', async () => {
    const info = await eventually('the container running', async () => {
      const r = spawnSync(podman, ['inspect', container], { encoding: 'utf8' });
      return r.status === 0 ? JSON.parse(r.stdout)[0] : undefined;
    }, 60_000, 500).catch((e) => Promise.reject(new Error(`${e}\n${logs}`)));
    expect(info.State.Status).toBe('running');
    expect(info.Config.User).toBe('65532:65532');
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.EffectiveCaps ?? []).toEqual([]);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
  });

  test('probes answer from outside, and it takes the Lease with the ServiceAccount token', async () => {
    await eventually('/readyz 200', async () => (await get('/readyz').catch(() => ({ status: 0 }))).status === 200, 90_000, 500).catch((e) => Promise.reject(new Error(`${e}\n${logs}`)));
    expect((await get('/healthz')).status).toBe(200);
    const dep = parseAllDocuments(helm(['get', 'manifest', release, '-n', releaseNs]).stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'Deployment');
    const leaseName = (dep.spec.template.spec.containers[0].args as string[]).find((a) => a.startsWith('--lease-name='))!.split('=')[1]!;
    const lease = await eventually('Lease held', async () => {
      const r = await kubectl(['get', 'lease', '-n', releaseNs, leaseName, '-o', 'json']);
      return r.code === 0 && JSON.parse(r.stdout).spec.holderIdentity ? JSON.parse(r.stdout) : undefined;
    }, 60_000, 500);
    // The operator logged it too (JSON lines on stderr): this container is the holder.
    expect(logs).toContain(lease.spec.holderIdentity);
  });

  test('reconciles a slice, and its metrics say so', async () => {
    const ns = await createNamespace('image');
    const slice = staticSlice(ns, 'iot', '0000d1');
    expect((await kubectl(['apply', '-f', '-'], JSON.stringify(slice))).stderr).toBe('');
    await sliceReady(ns, 'iot', 120_000).catch((e) => Promise.reject(new Error(`${e}\n${logs}`)));
    const upf = JSON.parse((await kubectl(['get', '-n', ns, 'deployment', 'iot-upf', '-o', 'json'])).stdout);
    expect(upf.spec.replicas).toBe(2);
    expect((await scrape()).status).toBe(401);
    const metrics = await eventually('slice metrics', async () => {
      const m = await scrape(scraperToken);
      return m.status === 200 && m.body.includes(`namespace="${ns}"`) ? m.body : undefined;
    }, 30_000, 500);
    expect(metrics).toMatch(new RegExp(`slice_operator_desired_replicas\\{[^}]*namespace="${ns}"[^}]*cnf="upf"[^}]*\\} 2`));
  });

  test('is at most 100 MB compressed', () => {
    const r = spawnSync('bash', ['-c', `"${podman}" save --format docker-archive "${image}" 2>/dev/null | gzip | wc -c`], { encoding: 'utf8' });
    const mb = Number(r.stdout.trim()) / 1e6;
    process.stderr.write(`[image] ${image}: ${mb.toFixed(1)} MB gzip-compressed\n`);
    expect(mb).toBeGreaterThan(10);
    expect(mb).toBeLessThanOrEqual(100);
  }, 180_000);
});
