/**
 * The chart's roles for people (templates/slice-roles.yaml) on the real API server, with real
 * identities: ServiceAccount tokens from the TokenRequest API. The editor (bound to the built-in
 * `edit` role, so aggregation is proved too) changes slices but cannot approve a SliceDecision;
 * the approver approves but cannot change the slice or the decision's spec; the viewer (built-in
 * `view`) reads both and changes neither.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { createNamespace, e2eEnv, eventually, installCrd, kubeConfig, kubectl, repoRoot, upfSlice } from './support.js';

const release = 'rbac';
const helm = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(path.join(e2eEnv().binDir, 'helm'), args, { env: { ...process.env, HELM_CACHE_HOME: '/tmp/helm-e2e/cache', HELM_CONFIG_HOME: '/tmp/helm-e2e/config', HELM_DATA_HOME: '/tmp/helm-e2e/data' } }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr)) : resolve(stdout),
    ),
  );

describe('RBAC separation of slice editors, approvers and viewers (real identities)', () => {
  let ns: string;
  let dir: string;
  const kubeconfigs: Record<string, string> = {};
  const as = (who: string, args: string[], input?: string) => kubectl(['-n', ns, ...args], input, kubeconfigs[who]);

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('rbac');
    dir = mkdtempSync(path.join(os.tmpdir(), 'slice-rbac-'));
    const roles = await helm(['template', release, path.join(repoRoot, 'charts', 'slice-operator'), '--show-only', 'templates/slice-roles.yaml']);
    expect((await kubectl(['apply', '-f', '-'], roles)).code).toBe(0);
    const bindings: [string, string][] = [
      ['editor', 'edit'],
      ['approver', `${release}-slice-operator-slice-approver`],
      ['viewer', 'view'],
    ];
    const cluster = kubeConfig().getCurrentCluster()!;
    for (const [who, role] of bindings) {
      expect((await kubectl(['create', 'serviceaccount', who, '-n', ns])).code).toBe(0);
      expect((await kubectl(['create', 'rolebinding', who, '-n', ns, `--clusterrole=${role}`, `--serviceaccount=${ns}:${who}`])).code).toBe(0);
      const token = (await kubectl(['create', 'token', who, '-n', ns, '--duration=1h'])).stdout.trim();
      const file = path.join(dir, `${who}.kubeconfig`);
      const ca = cluster.caFile ? { 'certificate-authority': cluster.caFile } : { 'certificate-authority-data': cluster.caData };
      writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster: { server: cluster.server, ...ca } }], users: [{ name: who, user: { token } }], contexts: [{ name: who, context: { cluster: 'c', user: who, namespace: ns } }], 'current-context': who }), { mode: 0o600 });
      kubeconfigs[who] = file;
    }
    // Admin plays the operator: a slice and the decision it proposed.
    const slice = { ...upfSlice('s', 'b00001', { perReplica: 8, maxReplicas: 12, scaling: { mode: 'static' } }) };
    expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(slice))).code).toBe(0);
    const decision = {
      apiVersion: 'slicing.telco.dev/v1alpha1',
      kind: 'SliceDecision',
      metadata: { name: 'd', labels: { 'slicing.telco.dev/slice': 's' } },
      spec: { slice: 's', cnf: 'upf', action: 'Scale', fromReplicas: 1, toReplicas: 8, reason: 'ForecastScaleUp', needsApproval: ['step of 7 replicas exceeds maxStepReplicas 2'], explanation: { text: 'load 64' }, proposedAt: '2026-12-02T10:00:00Z', expiresAt: '2026-12-02T11:00:00Z' },
    };
    const r = await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(decision));
    expect(r.stderr).toBe('');
    // The aggregation controller fills the built-in roles in its own time.
    await eventually('edit aggregates the editor role', async () => (await as('editor', ['get', 'nsl', 's'])).code === 0, 30_000, 250);
    await eventually('view aggregates the viewer role', async () => (await as('viewer', ['get', 'slicedecision', 'd'])).code === 0, 30_000, 250);
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await kubectl(['delete', 'clusterrole', `${release}-slice-operator-slice-editor`, `${release}-slice-operator-slice-approver`, `${release}-slice-operator-slice-viewer`]);
    rmSync(dir, { recursive: true, force: true });
  });

  const approval = (type: string) => JSON.stringify({ status: { conditions: [{ type, status: 'True', reason: type, message: 'test', lastTransitionTime: '2026-12-02T10:01:00Z' }] } });
  const forbidden = (r: { code: number; stderr: string }) => r.code !== 0 && /forbidden/i.test(r.stderr);

  test('an editor edits the slice and cannot approve a decision', async () => {
    expect((await as('editor', ['annotate', 'nsl', 's', 'team=core'])).code).toBe(0);
    const r = await as('editor', ['patch', 'slicedecision', 'd', '--subresource=status', '--type=merge', '-p', approval('Approved')]);
    expect(forbidden(r)).toBe(true);
    expect(r.stderr).toContain('slicedecisions/status');
    expect(forbidden(await as('editor', ['patch', 'slicedecision', 'd', '--type=merge', '-p', '{"spec":{"toReplicas":12}}']))).toBe(true);
  });

  test('an approver approves and cannot edit the slice or the decision it approves', async () => {
    expect(forbidden(await as('approver', ['annotate', 'nsl', 's', 'approver=was-here']))).toBe(true);
    expect(forbidden(await as('approver', ['patch', 'nsl', 's', '--type=merge', '-p', '{"spec":{"automation":{"mode":"Auto"}}}']))).toBe(true);
    expect(forbidden(await as('approver', ['patch', 'slicedecision', 'd', '--type=merge', '-p', '{"spec":{"toReplicas":12}}']))).toBe(true);
    const ok = await as('approver', ['patch', 'slicedecision', 'd', '--subresource=status', '--type=merge', '-p', approval('Approved')]);
    expect(ok.stderr).toBe('');
    const got = JSON.parse((await kubectl(['get', '-n', ns, 'slicedecision', 'd', '-o', 'json'])).stdout);
    expect(got.status.conditions[0]).toMatchObject({ type: 'Approved', status: 'True' });
    // The answer is final: even the approver cannot turn it into a denial.
    const flip = await as('approver', ['patch', 'slicedecision', 'd', '--subresource=status', '--type=merge', '-p', approval('Denied')]);
    expect(flip.code).not.toBe(0);
    expect(flip.stderr).toContain('an approval or denial is final');
  });

  test('a viewer reads slices and decisions and changes neither', async () => {
    expect((await as('viewer', ['get', 'nsl', 's'])).code).toBe(0);
    expect(forbidden(await as('viewer', ['annotate', 'nsl', 's', 'x=y']))).toBe(true);
    expect(forbidden(await as('viewer', ['patch', 'slicedecision', 'd', '--subresource=status', '--type=merge', '-p', approval('Denied')]))).toBe(true);
  });
});
