/**
 * The Helm chart on the real control plane: lint and template pass, install succeeds, and the
 * operator running with the chart's ServiceAccount token (not the admin credential) reconciles a
 * slice, while verbs the chart does not grant are refused by the real RBAC authorizer.
 */
import { execFile, spawnSync } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { SERVICE_TYPES } from '../../src/api/limits.js';
import { priorityClassName } from '../../src/controller/names.js';
import { Manager } from '../../src/controller/manager.js';
import { toSliceView } from '../../src/controller/view-from-api.js';
import { ApiError } from '../../src/runtime/errors.js';
import { ServingCert } from '../../src/runtime/serving-cert.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { createNamespace, e2eEnv, eventually, installCrd, kubectl, repoRoot, sliceReady, staticSlice, tokenKubeConfig } from './support.js';

const chart = path.join(repoRoot, 'charts', 'slice-operator');
const release = 'slice-operator';
const releaseNs = 'slice-operator-system';
const sa = `system:serviceaccount:${releaseNs}:slice-operator`;

function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { kubeconfig, binDir } = e2eEnv();
  return new Promise((resolve) => {
    execFile(path.join(binDir, 'helm'), [...args, '--kubeconfig', kubeconfig], { maxBuffer: 64 << 20, env: { ...process.env, HELM_CACHE_HOME: '/tmp/helm-e2e/cache', HELM_CONFIG_HOME: '/tmp/helm-e2e/config', HELM_DATA_HOME: '/tmp/helm-e2e/data' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('Helm chart', () => {
  let manager: Manager | undefined;

  afterAll(async () => {
    await manager?.stop();
    await helm(['uninstall', release, '-n', releaseNs, '--wait']);
  });

  test('helm lint and helm template pass', async () => {
    const lint = await helm(['lint', chart, '--strict']);
    expect(lint.stdout + lint.stderr).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const withAll = await helm(['lint', chart, '--strict', '--set', 'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true,operator.prometheusUrl=http://prom:9090,networkPolicy.enabled=true,crds.keep=false']);
    expect(withAll.code).toBe(0);
    const bad = await helm(['lint', chart, '--set', 'operator.logLevel=loud']);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('logLevel');
    // The embedded model is hourly: any other step is refused at install, not in a crash loop.
    const step = await helm(['lint', chart, '--set', 'operator.stepSeconds=900']);
    expect(step.code).not.toBe(0);
    expect(step.stdout + step.stderr).toContain('stepSeconds');
    expect((await helm(['lint', chart, '--strict', '--set', 'operator.logLevel=warn'])).code).toBe(0);

    // Where the Prometheus Operator serves its kinds (--api-versions), ServiceMonitor and PrometheusRule render.
    const monitoring = ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor', '--api-versions', 'monitoring.coreos.com/v1/PrometheusRule'];
    const t = await helm(['template', release, chart, '-n', releaseNs, ...monitoring, '--set', 'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true,networkPolicy.enabled=true']);
    expect(t.stderr).toBe('');
    const kinds = parseAllDocuments(t.stdout).map((d) => (d.toJSON() as { kind?: string } | null)?.kind).filter(Boolean).sort();
    expect(kinds).toEqual(
      [
        // The operator's, the slice editor, approver and viewer roles (slice-roles.yaml), and
        // the metrics reader (metrics-reader.yaml: metrics.secure is the default).
        ...['ClusterRole', 'ClusterRole', 'ClusterRole', 'ClusterRole', 'ClusterRole'],
        'ClusterRoleBinding',
        'ConfigMap',
        // NetworkSlice and SliceDecision.
        ...['CustomResourceDefinition', 'CustomResourceDefinition'],
        'Deployment',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'PriorityClass',
        // The operator's alerts, and the SliceDecision alerts (prometheusrule-decisions.yaml).
        ...['PrometheusRule', 'PrometheusRule'],
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
        // delete-owned-only.yaml and operator-cannot-answer.yaml.
        ...['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicy'],
        ...['ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicyBinding'],
      ].sort(),
    );
    // Where it does not, they are left out (and NOTES.txt says so) instead of failing the install.
    const bare = await helm(['template', release, chart, '-n', releaseNs, '--set', 'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true']);
    expect(bare.code).toBe(0);
    expect(bare.stdout).not.toMatch(/^kind: (ServiceMonitor|PrometheusRule)$/m);
    // The CRD is a template (upgraded with the chart), kept on uninstall unless crds.keep=false.
    const crd = parseAllDocuments(t.stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'CustomResourceDefinition');
    expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(crd.spec).toEqual(parse(readFileSync(path.join(repoRoot, 'crds', 'networkslices.slicing.telco.dev.yaml'), 'utf8')).spec);
    const noCrd = await helm(['template', release, chart, '-n', releaseNs, '--set', 'crds.enabled=false']);
    expect(noCrd.stdout).not.toContain('kind: CustomResourceDefinition');
    // Unsafe combinations are refused by values.schema.json, saying why.
    const refusals: [string, string][] = [
      ['operator.leaderElect=false', 'operator.leaderElect=false runs one replica only'],
      ['replicaCount=1', 'podDisruptionBudget.minAvailable must be below replicaCount (1)'],
      ['replicaCount=3,podDisruptionBudget.minAvailable=3', 'podDisruptionBudget.minAvailable must be below replicaCount (3)'],
      ['podDisruptionBudget.minAvailable=100%', 'podDisruptionBudget.minAvailable 100% blocks every node drain'],
      ['podDisruptionBudget.unhealthyPodEvictionPolicy=Sometimes', 'unhealthyPodEvictionPolicy'],
      ['metrics.secure=false,metrics.certSecret=metrics-tls', 'metrics.certSecret needs metrics.secure=true'],
      ['operator.maxConcurrentReplacements=-1', 'maxConcurrentReplacements'],
    ];
    for (const [set, message] of refusals) {
      const r = await helm(['lint', chart, '--set', set]);
      expect([set, r.code === 0 ? 'accepted' : r.stdout + r.stderr]).toEqual([set, expect.stringContaining(message)]);
    }
    expect((await helm(['lint', chart, '--strict', '--set', 'replicaCount=1,podDisruptionBudget.minAvailable=0,operator.leaderElect=false'])).code).toBe(0);
    // As a subchart: a parent's global values are accepted; names follow the overrides.
    const sub = await helm(['template', release, chart, '-n', releaseNs, '--set', 'global.imageRegistry=r.example,fullnameOverride=so,image.digest=sha256:' + 'a'.repeat(64) + ',podAnnotations.a=b,podLabels.team=net,extraEnv[0].name=X,extraEnv[0].value=y,strategy.type=Recreate']);
    expect(sub.stderr).toBe('');
    const subDep = parseAllDocuments(sub.stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'Deployment');
    expect(subDep.metadata.name).toBe('so');
    expect(subDep.spec.strategy).toEqual({ type: 'Recreate' });
    expect(subDep.spec.template.metadata).toMatchObject({ annotations: { a: 'b' }, labels: { team: 'net' } });
    expect(subDep.spec.template.spec.containers[0].image).toBe('ghcr.io/slice-operator/slice-operator@sha256:' + 'a'.repeat(64));
    expect(subDep.spec.template.spec.containers[0].env).toEqual([{ name: 'X', value: 'y' }]);
    expect(subDep.spec.template.spec.priorityClassName).toBe('so');
    // RBAC names the slice pods' PriorityClasses as the operator names them.
    const role = parseAllDocuments(t.stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'ClusterRole' && o.metadata.name === release);
    const pcRule = role.rules.find((r: { resources: string[]; resourceNames?: string[] }) => r.resources.includes('priorityclasses') && r.resourceNames);
    expect([...pcRule.resourceNames].sort()).toEqual(SERVICE_TYPES.map(priorityClassName).sort());
    const dep = parseAllDocuments(t.stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'Deployment');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(dep.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(dep.spec.template.spec.containers[0].args).toContain('--leader-elect=true');
    expect(dep.spec.template.spec.containers[0].args).toContain('--prometheus-timeout-seconds=20');
    // Secure metrics by default, probes plain HTTP on their own port (as controller-runtime).
    const container = dep.spec.template.spec.containers[0];
    expect(container.args).toEqual(expect.arrayContaining(['--metrics-bind-address=0.0.0.0:8443', '--metrics-secure=true', '--health-probe-bind-address=0.0.0.0:8081', '--max-concurrent-replacements=0']));
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'probes' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'probes' });
    const monitor = parseAllDocuments(t.stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'https', bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token', tlsConfig: { insecureSkipVerify: true } }]);
    const reader = parseAllDocuments(t.stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'ClusterRole' && o.metadata.name === `${release}-metrics-reader`);
    expect(reader.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    // Plain HTTP: no reviews granted, no reader role, the ServiceMonitor scrapes http.
    const plain = await helm(['template', release, chart, '-n', releaseNs, ...monitoring, '--set', 'metrics.secure=false,metrics.port=8080,metrics.serviceMonitor.enabled=true']);
    expect(plain.stderr).toBe('');
    const plainDocs = parseAllDocuments(plain.stdout).map((d) => d.toJSON());
    expect(plain.stdout).not.toMatch(/tokenreviews|subjectaccessreviews|metrics-reader/);
    expect(plainDocs.find((o) => o?.kind === 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }]);
    expect(plainDocs.find((o) => o?.kind === 'Deployment').spec.template.spec.containers[0].args).toContain('--metrics-secure=false');
    // The alerts are real PromQL: Prometheus's own checker reads the rendered rule groups.
    const rules = parseAllDocuments(t.stdout).map((d) => d.toJSON()).filter((o) => o?.kind === 'PrometheusRule');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slice-rules-'));
    try {
      const alerts: string[] = [];
      for (const rule of rules) {
        const file = path.join(dir, 'rules.yaml');
        writeFileSync(file, stringify({ groups: rule.spec.groups }));
        const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
        expect(check.stdout + check.stderr).toContain(`SUCCESS: ${rule.spec.groups[0].rules.length} rules found`);
        alerts.push(...rule.spec.groups[0].rules.map((r: { alert: string }) => r.alert));
      }
      expect(alerts).toEqual(expect.arrayContaining(['SliceOperatorTelemetryDown', 'SliceOperatorAbsent', 'SliceOperatorNoLeader', 'NetworkSliceOutage', 'SliceDecisionExpiredUnanswered', 'SliceDecisionsPending']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('helm install into the real control plane', async () => {
    await installCrd(); // CRDs may exist already (other tests): helm leaves them as they are
    // crds.enabled=false: the other e2e tests installed the CRD with kubectl already.
    const r = await helm(['install', release, chart, '-n', releaseNs, '--create-namespace', '--set', 'crds.enabled=false', '--wait', '--timeout', '3m']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('STATUS: deployed');
    expect(r.stdout).toContain('operator.prometheusUrl is empty');
    await eventually('2 operator pods Running on kwok nodes', async () => {
      const pods = JSON.parse((await kubectl(['get', 'pods', '-n', releaseNs, '-o', 'json'])).stdout);
      return pods.items.filter((p: { status: { phase: string } }) => p.status.phase === 'Running').length === 2;
    });
  });

  test("the operator with the chart's ServiceAccount token reconciles a slice, and RBAC refuses what it was not granted", async () => {
    const token = (await kubectl(['create', 'token', 'slice-operator', '-n', releaseNs, '--duration=1h'])).stdout.trim();
    expect(token.split('.').length).toBe(3);
    manager = new Manager({
      kubeConfig: tokenKubeConfig(token),
      log: silentLogger,
      parse: toSliceView,
      leaderElect: true,
      leaseNamespace: releaseNs,
      leaseName: release,
      stepSeconds: 3600,
      cycleMs: 1000,
      onLostLeadership: () => undefined,
      // Secure metrics, as the chart runs them: the reviews go out with this token.
      metricsSecure: { cert: ServingCert.selfSigned(['localhost']) },
    });
    await manager.start();
    const ns = await createNamespace('rbac');
    const slice = staticSlice(ns, 'iot', '0000c1');
    expect((await kubectl(['apply', '-f', '-'], JSON.stringify(slice))).stderr).toBe('');
    await sliceReady(ns, 'iot');
    // Without --prometheus-url a slice that scales on load cannot see it: it holds and says why.
    const blind = { ...slice, metadata: { name: 'iot-blind', namespace: ns }, spec: { ...slice.spec, snssai: { sst: 3, sd: '0000c2' }, scaling: { mode: 'reactive' } } };
    expect((await kubectl(['apply', '-f', '-'], JSON.stringify(blind))).stderr).toBe('');
    const degraded = await eventually('blind slice Degraded', async () => {
      const s = JSON.parse((await kubectl(['get', '-n', ns, 'nsl', 'iot-blind', '-o', 'json'])).stdout);
      return s.status?.conditions?.find((c: { type: string; status: string }) => c.type === 'Degraded' && c.status === 'True');
    }, 60_000, 500);
    expect(degraded).toMatchObject({ reason: 'TelemetryUnavailable', message: expect.stringContaining('no Prometheus configured') });
    const lease = JSON.parse((await kubectl(['get', 'lease', '-n', releaseNs, release, '-o', 'json'])).stdout);
    expect(lease.spec.holderIdentity).toBe(manager.elector!.identity);

    // The same credential, a verb it should not have: refused by the API server (403).
    const forbidden = async (method: string, p: string, body?: unknown) => {
      try {
        await manager!.client.request(method, p, body ? { body } : {});
        return 'allowed';
      } catch (e) {
        return e instanceof ApiError ? e.status : String(e);
      }
    };
    expect(await forbidden('GET', '/api/v1/secrets')).toBe(403);
    expect(await forbidden('DELETE', `/api/v1/namespaces/${ns}/configmaps/iot-qos`)).toBe(403);
    expect(await forbidden('DELETE', '/api/v1/nodes/edge-a-node-0')).toBe(403);
    // Deployments and Services it may delete only when they are a slice's own (admission policy).
    const bystander = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bystander', namespace: ns, labels: { app: 'b' } }, spec: { selector: { matchLabels: { app: 'b' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } } } };
    expect((await kubectl(['apply', '-f', '-'], JSON.stringify(bystander))).stderr).toBe('');
    const refused = await eventually('the admission policy in force', async () => {
      const code = await forbidden('DELETE', `/apis/apps/v1/namespaces/${ns}/deployments/bystander`);
      return code === 'allowed' ? Promise.reject(new Error('the operator deleted a Deployment it does not own')) : code === 403 || code === 422 ? code : undefined;
    }, 30_000, 500);
    expect([403, 422]).toContain(refused);
    expect((await kubectl(['get', '-n', ns, 'deployment', 'bystander'])).code).toBe(0);
    // A CNF removed from the slice's spec: its Deployment is deleted under the same credential.
    const withSmf = { ...slice, spec: { ...slice.spec, cnfs: [...slice.spec.cnfs, { name: 'smf', type: 'smf', image: 'smf:1', capacity: { sessions: 100 }, minReplicas: 1 }] } };
    expect((await kubectl(['apply', '-f', '-'], JSON.stringify(withSmf))).stderr).toBe('');
    await eventually('the smf Deployment', async () => (await kubectl(['get', '-n', ns, 'deployment', 'iot-smf'])).code === 0, 60_000, 500);
    expect((await kubectl(['apply', '-f', '-'], JSON.stringify(slice))).stderr).toBe('');
    await eventually('the smf Deployment pruned', async () => (await kubectl(['get', '-n', ns, 'deployment', 'iot-smf'])).code !== 0, 60_000, 500);
    expect(await forbidden('POST', '/api/v1/namespaces', { metadata: { name: 'nope' } })).toBe(403);
    // It records Applied on a SliceDecision, and may not approve one (admission policy). Each try
    // is on a new decision: an approval that got through before the policy was in force is final.
    const decision = (name: string) => ({ apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'SliceDecision', metadata: { name, namespace: ns }, spec: { slice: 'iot', cnf: 'upf', action: 'Scale', fromReplicas: 1, toReplicas: 5, reason: 'ForecastScaleUp', needsApproval: ['step'], explanation: { text: 't' }, proposedAt: '2026-12-02T10:00:00Z', expiresAt: '2026-12-02T11:00:00Z' } });
    const status = (name: string, type: string) => ({ apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'SliceDecision', metadata: { name }, status: { conditions: [{ type, status: 'True', reason: type, message: 'by the operator', lastTransitionTime: '2026-12-02T10:01:00Z' }] } });
    const decisionStatus = (name: string) => `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/slicedecisions/${name}/status`;
    let tries = 0;
    const approvedByOperator = await eventually('the answer policy in force', async () => {
      const name = `d${tries++}`;
      expect((await kubectl(['apply', '-f', '-'], JSON.stringify(decision(name)))).stderr).toBe('');
      try {
        await manager!.client.apply(decisionStatus(name), status(name, 'Approved'), 'slice-operator');
        return undefined;
      } catch (e) {
        return e instanceof ApiError && (e.status === 403 || e.status === 422) ? e : undefined;
      }
    }, 30_000, 500);
    expect(approvedByOperator.message).toContain('never approve or deny it');
    const last = `d${tries - 1}`;
    await manager!.client.apply(decisionStatus(last), status(last, 'Applied'), 'slice-operator');
    expect(JSON.parse((await kubectl(['get', '-n', ns, 'slicedecision', last, '-o', 'json'])).stdout).status.conditions).toEqual([expect.objectContaining({ type: 'Applied', status: 'True' })]);
    const can = async (...a: string[]) => (await kubectl(['auth', 'can-i', ...a, `--as=${sa}`])).stdout.trim();
    // Secure metrics: the operator's token creates the TokenReview and SubjectAccessReview of
    // each scrape; a scraper bound to the chart's metrics-reader role reads them.
    expect((await kubectl(['create', 'serviceaccount', 'prom', '-n', releaseNs])).code).toBe(0);
    expect((await kubectl(['create', 'clusterrolebinding', 'chart-test-prom', `--clusterrole=${release}-metrics-reader`, `--serviceaccount=${releaseNs}:prom`])).code).toBe(0);
    try {
      const prom = (await kubectl(['create', 'token', 'prom', '-n', releaseNs, '--duration=1h'])).stdout.trim();
      const scrape = (bearer?: string) =>
        new Promise<number>((resolve, reject) =>
          https.get({ host: '127.0.0.1', port: manager!.metricsPort, path: '/metrics', agent: false, rejectUnauthorized: false, headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }).on('error', reject),
        );
      expect(await scrape()).toBe(401);
      expect(await scrape(token)).toBe(403); // the operator itself is no reader
      expect(await scrape(prom)).toBe(200);
      expect(manager.metricsAuth!.reviews).toEqual({ TokenReview: 2, SubjectAccessReview: 2 });
    } finally {
      await kubectl(['delete', 'clusterrolebinding', 'chart-test-prom']);
    }
    expect(await can('create', 'tokenreviews')).toBe('yes');
    expect(await can('create', 'subjectaccessreviews')).toBe('yes');
    // Reviews only: nothing else of those API groups.
    expect(await can('create', 'localsubjectaccessreviews', '-n', releaseNs)).toBe('no');
    expect(await can('create', 'serviceaccounts/token', '-n', releaseNs)).toBe('no');
    // Nothing is granted by wildcard.
    const list = await kubectl(['auth', 'can-i', '--list', `--as=${sa}`]);
    expect(list.code).toBe(0);
    const ours = list.stdout.split('\n').filter((l) => /slicing|deployments|configmaps|services|leases|priorityclasses|nodes|events|tokenreviews|subjectaccessreviews/.test(l));
    expect(ours.length).toBeGreaterThan(5);
    expect(ours.join('\n')).not.toMatch(/\[\*\]|\s\*\s/);
    expect((await kubectl(['auth', 'can-i', 'delete', 'networkslices', `--as=${sa}`, '-A'])).stdout.trim()).toBe('no');
    expect((await kubectl(['auth', 'can-i', 'update', 'leases', `--as=${sa}`, '-n', 'default'])).stdout.trim()).toBe('no');
    // Its own Lease and the slice pods' PriorityClasses only, by name.
    expect(await can('update', `leases/${release}`, '-n', releaseNs)).toBe('yes');
    expect(await can('update', 'leases/someone-else', '-n', releaseNs)).toBe('no');
    expect(await can('patch', 'priorityclasses/slice-urllc')).toBe('yes');
    expect(await can('patch', 'priorityclasses/system-cluster-critical')).toBe('no');
  });
  test('namespace-scoped mode: watchNamespaces grants and reconciles those namespaces only', async () => {
    // The cluster-wide operator of the test above would reconcile every namespace.
    await manager?.stop();
    manager = undefined;
    const mine = await createNamespace('watched');
    const other = await createNamespace('unwatched');
    const nsRelease = 'slice-ns';
    const nsReleaseNs = 'slice-ns-system';
    const r = await helm(['install', nsRelease, chart, '-n', nsReleaseNs, '--create-namespace', '--set', `crds.enabled=false,replicaCount=1,podDisruptionBudget.enabled=false,watchNamespaces={${mine}}`, '--wait', '--timeout', '3m']);
    expect(r.stderr).toBe('');
    try {
      const nsSa = `system:serviceaccount:${nsReleaseNs}:${nsRelease}-slice-operator`;
      const can = async (...a: string[]) => (await kubectl(['auth', 'can-i', ...a, `--as=${nsSa}`])).stdout.trim();
      expect(await can('list', 'networkslices', '-n', mine)).toBe('yes');
      expect(await can('create', 'deployments', '-n', mine)).toBe('yes');
      expect(await can('list', 'networkslices', '-n', other)).toBe('no');
      expect(await can('create', 'deployments', '-n', other)).toBe('no');
      expect(await can('list', 'networkslices', '-A')).toBe('no');
      expect(await can('list', 'nodes')).toBe('yes');
      const dep = parseAllDocuments((await helm(['get', 'manifest', nsRelease, '-n', nsReleaseNs])).stdout).map((d) => d.toJSON()).find((o) => o?.kind === 'Deployment');
      expect(dep.spec.template.spec.containers[0].args).toContain(`--watch-namespaces=${mine}`);

      const token = (await kubectl(['create', 'token', `${nsRelease}-slice-operator`, '-n', nsReleaseNs, '--duration=1h'])).stdout.trim();
      manager = new Manager({ kubeConfig: tokenKubeConfig(token), log: silentLogger, parse: toSliceView, leaderElect: false, leaseNamespace: nsReleaseNs, namespaces: [mine], stepSeconds: 3600, cycleMs: 1000 });
      await manager.start();
      const slice = (ns: string, sd: string) => staticSlice(ns, 'iot', sd, 1);
      expect((await kubectl(['apply', '-f', '-'], JSON.stringify(slice(other, '0000e2')))).stderr).toBe('');
      expect((await kubectl(['apply', '-f', '-'], JSON.stringify(slice(mine, '0000e1')))).stderr).toBe('');
      await sliceReady(mine, 'iot');
      // The unwatched slice, created first, is untouched: no status, no children.
      const untouched = JSON.parse((await kubectl(['get', '-n', other, 'nsl', 'iot', '-o', 'json'])).stdout);
      expect(untouched.status).toBeUndefined();
      expect((await kubectl(['get', '-n', other, 'deployment', 'iot-upf'])).code).not.toBe(0);
    } finally {
      await manager?.stop();
      manager = undefined;
      await helm(['uninstall', nsRelease, '-n', nsReleaseNs, '--wait']);
    }
  });
});
