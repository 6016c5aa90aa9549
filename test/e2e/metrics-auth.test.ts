/**
 * Secure metrics on the real control plane, as a cluster runs them: the operator process (the
 * real entry point, default flags: HTTPS with a self-signed certificate, authentication and
 * authorization by the API server) runs with the chart's ServiceAccount token and RBAC
 * (templates/rbac.yaml, metrics-reader.yaml), so its TokenReviews and SubjectAccessReviews go
 * through the least-privilege rules of the chart. Scrapes: no token 401, a ServiceAccount token
 * without the metrics-reader binding 403, one with it 200 with the controller-runtime metrics; a
 * real Prometheus (Go's TLS and x509) scrapes it as the chart's ServiceMonitor says. Probes stay
 * plain HTTP on their own port.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { stringify } from 'yaml';
import { freePort } from '../../tools/devcluster/ports.js';
import { startSupervised, type SupervisedProcess } from '../../tools/devcluster/process.js';
import { LocalPrometheus } from '../../tools/devcluster/prometheus.js';
import { createNamespace, e2eEnv, eventually, installCrd, kubeConfig, kubectl, repoRoot, sliceReady, staticSlice } from './support.js';

const release = 'mauth';
const fullname = `${release}-slice-operator`;

const helm = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(
      path.join(e2eEnv().binDir, 'helm'),
      args,
      {
        env: {
          ...process.env,
          HELM_CACHE_HOME: '/tmp/helm-e2e/cache',
          HELM_CONFIG_HOME: '/tmp/helm-e2e/config',
          HELM_DATA_HOME: '/tmp/helm-e2e/data',
        },
      },
      (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
    ),
  );

interface Scrape {
  status: number;
  body: string;
  /** The certificate the server presented. */
  subject?: string;
  altNames?: string;
}

/** One HTTPS GET of /metrics on a fresh connection; the self-signed certificate is not verified (as the ServiceMonitor does). */
const scrape = (port: number, token?: string): Promise<Scrape> =>
  new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        path: '/metrics',
        agent: false,
        rejectUnauthorized: false,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, subject: cert.subject?.CN as string | undefined, altNames: cert.subjectaltname }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });

describe('secure metrics: HTTPS, TokenReview and SubjectAccessReview on the real API server', () => {
  let ns: string;
  let dir: string;
  let operator: SupervisedProcess | undefined;
  let prometheus: LocalPrometheus | undefined;
  let metricsPort: number;
  let probePort: number;
  const tokens: Record<string, string> = {};
  const logFile = () => path.join(dir, 'operator.log');

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('metrics-auth');
    dir = mkdtempSync(path.join(os.tmpdir(), 'slice-metrics-auth-'));
    // The chart's ServiceAccount and RBAC, defaults (metrics.secure=true), in this namespace.
    const rbac = await helm([
      'template',
      release,
      path.join(repoRoot, 'charts', 'slice-operator'),
      '-n',
      ns,
      '--show-only',
      'templates/serviceaccount.yaml',
      '--show-only',
      'templates/rbac.yaml',
      '--show-only',
      'templates/metrics-reader.yaml',
    ]);
    expect((await kubectl(['apply', '-f', '-'], rbac)).stderr).toBe('');
    // Two scrapers: one bound to the chart's metrics-reader role, one not.
    for (const sa of ['scraper', 'stranger']) expect((await kubectl(['create', 'serviceaccount', sa, '-n', ns])).code).toBe(0);
    expect(
      (
        await kubectl([
          'create',
          'clusterrolebinding',
          `${ns}-scraper`,
          `--clusterrole=${fullname}-metrics-reader`,
          `--serviceaccount=${ns}:scraper`,
        ])
      ).code,
    ).toBe(0);
    for (const sa of [fullname, 'scraper', 'stranger'])
      tokens[sa] = (await kubectl(['create', 'token', sa, '-n', ns, '--duration=1h'])).stdout.trim();

    // The operator with the chart's ServiceAccount token, its flags as the chart renders them
    // (secure metrics by default), on loopback, reconciling this namespace only.
    const cluster = kubeConfig().getCurrentCluster()!;
    const kubeconfig = path.join(dir, 'operator.kubeconfig');
    const ca = cluster.caFile ? { 'certificate-authority': cluster.caFile } : { 'certificate-authority-data': cluster.caData };
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: cluster.server, ...ca } }],
        users: [{ name: 'op', user: { token: tokens[fullname] } }],
        contexts: [{ name: 'op', context: { cluster: 'c', user: 'op' } }],
        'current-context': 'op',
      }),
      { mode: 0o600 },
    );
    [metricsPort, probePort] = [await freePort(), await freePort()];
    operator = startSupervised(
      'slice-operator',
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'src/cmd/operator.ts'),
        `--kubeconfig=${kubeconfig}`,
        '--leader-elect=true',
        `--lease-namespace=${ns}`,
        `--lease-name=${fullname}`,
        `--watch-namespaces=${ns}`,
        `--metrics-bind-address=127.0.0.1:${metricsPort}`,
        `--health-probe-bind-address=127.0.0.1:${probePort}`,
        '--cycle-seconds=2',
      ],
      logFile(),
      { cwd: repoRoot, graceSeconds: 20 },
    );
    await eventually(
      'the operator ready on its probe port',
      async () => (await fetch(`http://127.0.0.1:${probePort}/readyz`)).status === 200,
      90_000,
      250,
    );
    expect((await kubectl(['apply', '-f', '-'], JSON.stringify(staticSlice(ns, 'iot', '00a0a1', 1)))).stderr).toBe('');
    await sliceReady(ns, 'iot');
  });

  afterAll(async () => {
    await prometheus?.stop();
    await operator?.stop();
    await kubectl(['delete', 'namespace', ns, '--timeout=60s']);
    await kubectl(['delete', 'clusterrolebinding', `${ns}-scraper`, fullname]);
    await kubectl(['delete', 'clusterrole', fullname, `${fullname}-metrics-reader`]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('no token: 401; a token the API server does not accept: 401', async () => {
    const none = await scrape(metricsPort);
    expect([none.status, none.body]).toEqual([401, 'Unauthorized\n']);
    // The certificate made at start-up: self-signed, for loopback.
    expect(none.subject).toBe('slice-operator-metrics');
    expect(none.altNames).toContain('DNS:localhost');
    expect(none.altNames).toContain('IP Address:127.0.0.1');
    expect((await scrape(metricsPort, 'not-a-token')).status).toBe(401);
    // A token of the right shape, signed by nobody the API server trusts.
    const [h, p] = tokens.scraper!.split('.');
    expect((await scrape(metricsPort, `${h}.${p}.${Buffer.from('forged').toString('base64url')}`)).status).toBe(401);
  });

  test('a ServiceAccount without the metrics-reader binding: 403', async () => {
    const r = await scrape(metricsPort, tokens.stranger);
    expect([r.status, r.body]).toEqual([403, `Authorization denied for user system:serviceaccount:${ns}:stranger\n`]);
  });

  test('a ServiceAccount bound to the metrics-reader role: 200, the controller-runtime metrics', async () => {
    // The first scrape of this token waits for a TokenReview and a SubjectAccessReview; the
    // next ones are answered from the caches.
    let t0 = performance.now();
    const r = await scrape(metricsPort, tokens.scraper);
    const firstMs = performance.now() - t0;
    t0 = performance.now();
    expect((await scrape(metricsPort, tokens.scraper)).status).toBe(200);
    process.stderr.write(`[metrics-auth] scrape with reviews ${firstMs.toFixed(1)} ms, from the caches ${(performance.now() - t0).toFixed(1)} ms\n`);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^controller_runtime_reconcile_total\{controller="networkslice",result="success"\} [1-9]\d*$/m);
    expect(r.body).toMatch(/^leader_election_master_status\{name="mauth-slice-operator"\} 1$/m);
    // The reviews are not counted as the operator's writes.
    expect(r.body).not.toMatch(/slice_operator_api_writes_total\{[^}]*resource="(tokenreviews|subjectaccessreviews)"/);
    // The operator's own token may review, and may not read metrics: it is not bound either.
    expect((await scrape(metricsPort, tokens[fullname])).status).toBe(403);
  });

  test('the probes are plain HTTP on their own port, and /metrics is not there', async () => {
    expect((await fetch(`http://127.0.0.1:${probePort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${probePort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${probePort}/metrics`)).status).toBe(404);
    // Plain HTTP on the metrics port: the TLS server hangs up.
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  test("a real Prometheus scrapes it as the chart's ServiceMonitor does (HTTPS, bearer token file, insecureSkipVerify)", async () => {
    const tokenFile = (sa: string) => {
      const f = path.join(dir, `${sa}.token`);
      writeFileSync(f, tokens[sa]!, { mode: 0o600 });
      return f;
    };
    prometheus = new LocalPrometheus({
      dir: path.join(dir, 'prometheus'),
      targets: [
        { job: 'bound', target: `127.0.0.1:${metricsPort}`, https: { bearerTokenFile: tokenFile('scraper') } },
        { job: 'unbound', target: `127.0.0.1:${metricsPort}`, https: { bearerTokenFile: tokenFile('stranger') } },
      ],
      scrapeIntervalSeconds: 1,
    });
    await prometheus.start();
    type Target = { labels: { job: string }; health: string; lastError: string };
    const targets = async () => (await (await fetch(`${prometheus!.url}/api/v1/targets`)).json()) as { data: { activeTargets: Target[] } };
    const seen = await eventually(
      'both targets scraped',
      async () => {
        const t = (await targets()).data.activeTargets;
        return t.length === 2 && t.every((x) => x.health !== 'unknown') ? t : undefined;
      },
      60_000,
      500,
    );
    const byJob = Object.fromEntries(seen.map((t) => [t.labels.job, t]));
    expect(byJob.bound).toMatchObject({ health: 'up', lastError: '' });
    expect(byJob.unbound).toMatchObject({ health: 'down', lastError: expect.stringContaining('403') });
    const q = async (expr: string) =>
      (
        (await (await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as {
          data: { result: { value: [number, string] }[] };
        }
      ).data.result;
    const reconciles = await eventually(
      'reconcile counter in Prometheus',
      async () => (await q('sum(controller_runtime_reconcile_total{job="bound"})'))[0],
      30_000,
      500,
    );
    expect(Number(reconciles.value[1])).toBeGreaterThan(0);
    // Nothing of the unbound scraper's reached Prometheus.
    expect(await q('controller_runtime_reconcile_total{job="unbound"}')).toEqual([]);
  });

  test('the operator logged no error: every review answered', () => {
    const errors = readFileSync(logFile(), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .filter((l) => l.level === 'error');
    expect(errors).toEqual([]);
  });
});
