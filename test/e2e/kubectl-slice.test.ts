/**
 * The `kubectl slice` plugin against the real API server: get with pending decisions, explain,
 * approve and deny through the status subresource, pause and resume, and its errors for an
 * unknown name, an expired decision, an answered one and a missing permission.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { createNamespace, e2eEnv, installCrd, kubectl, repoRoot, upfSlice } from './support.js';

const plugin = (args: string[], kubeconfig = e2eEnv().kubeconfig): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cmd', 'kubectl-slice.ts'), '--kubeconfig', kubeconfig, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, stdout, stderr }),
    ),
  );

describe('kubectl slice (real API server)', () => {
  let ns: string;
  const decision = (name: string, expiresAt: string) => ({
    apiVersion: 'slicing.telco.dev/v1alpha1',
    kind: 'SliceDecision',
    metadata: { name, labels: { 'slicing.telco.dev/slice': 's' } },
    spec: { slice: 's', cnf: 'upf', action: 'Scale', fromReplicas: 1, toReplicas: 8, reason: 'ForecastScaleUp', needsApproval: ['step of 7 replicas exceeds maxStepReplicas 2'], explanation: { text: 'load 64', loadNow: 64, rawReplicas: 8, chosenReplicas: 1, bound: 'Approval', headroomPercent: 0, perReplicaCapacity: 8 }, proposedAt: '2026-12-02T10:00:00Z', expiresAt },
  });

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('plugin');
    const slice = upfSlice('s', 'c00001', { perReplica: 8, maxReplicas: 12, scaling: { mode: 'static' } });
    const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    for (const m of [slice, decision('up', future), decision('down', future), decision('old', '2020-01-01T00:00:00Z')]) {
      const r = await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m));
      expect(r.stderr).toBe('');
    }
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
  });

  test('get lists the slice with its pending decisions; explain prints the numbers', async () => {
    const g = await plugin(['get', '-n', ns]);
    expect(g.stderr).toBe('');
    expect(g.stdout).toMatch(/^NAME\s+MODE\s+PHASE\s+UPF\s+LOAD\s+FORECAST\s+PAUSED\s+PENDING DECISIONS/);
    expect(g.stdout).toContain('down (upf 1->8), up (upf 1->8)');
    expect(g.stdout).not.toContain('old (');
    const e = await plugin(['explain', 's', '-n', ns]);
    expect(e.stdout).toContain(`NetworkSlice ${ns}/s: mode Auto`);
    expect(e.stdout).toContain('up: upf 1 -> 8 Pending');
    expect(e.stdout).toContain('old: upf 1 -> 8 Expired');
  });

  test('approve and deny answer through the status subresource, once', async () => {
    const a = await plugin(['approve', 'up', '-n', ns, '--reason', 'match day']);
    expect(a.stdout).toContain('SliceDecision up approved (upf 1 -> 8): approved by');
    expect(a.stdout).toContain(': match day');
    const got = JSON.parse((await kubectl(['get', '-n', ns, 'slicedecision', 'up', '-o', 'json'])).stdout);
    expect(got.status.conditions).toEqual([expect.objectContaining({ type: 'Approved', status: 'True', message: expect.stringContaining('match day') })]);
    expect((await plugin(['deny', 'down', '-n', ns])).code).toBe(0);
    const again = await plugin(['deny', 'up', '-n', ns]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: SliceDecision up is already Approved; an answer is final\n');
  });

  test('clear errors: unknown names, expired decisions, missing RBAC', async () => {
    expect((await plugin(['explain', 'nope', '-n', ns])).stderr).toBe(`error: NetworkSlice "nope" not found in namespace ${ns}\n`);
    expect((await plugin(['approve', 'nope', '-n', ns])).stderr).toBe(`error: SliceDecision "nope" not found in namespace ${ns}\n`);
    const old = await plugin(['approve', 'old', '-n', ns]);
    expect(old.stderr).toContain('error: SliceDecision old expired at 2020-01-01T00:00:00Z: it will never be applied');
    // A ServiceAccount with no role at all.
    expect((await kubectl(['create', 'serviceaccount', 'nobody', '-n', ns])).code).toBe(0);
    const token = (await kubectl(['create', 'token', 'nobody', '-n', ns])).stdout.trim();
    const cfg = (await kubectl(['config', 'view', '--raw', '--minify', '-o', 'json'])).stdout;
    const c = JSON.parse(cfg);
    c.users = [{ name: 'nobody', user: { token } }];
    c.contexts[0].context.user = 'nobody';
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const file = path.join(mkdtempSync('/tmp/plugin-'), 'nobody.kubeconfig');
    writeFileSync(file, JSON.stringify(c), { mode: 0o600 });
    const denied = await plugin(['get', '-n', ns], file);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('error: forbidden: you may not list NetworkSlices in');
    expect(denied.stderr).toContain('slice-viewer ClusterRole');
  });

  test('pause and resume set and clear the annotation', async () => {
    expect((await plugin(['pause', 's', '-n', ns])).stdout).toContain('NetworkSlice s paused');
    expect((await kubectl(['get', '-n', ns, 'nsl', 's', '-o', 'jsonpath={.metadata.annotations.slicing\\.telco\\.dev/paused}'])).stdout).toBe('true');
    expect((await plugin(['resume', 's', '-n', ns])).stdout).toContain('NetworkSlice s resumed');
    expect((await kubectl(['get', '-n', ns, 'nsl', 's', '-o', 'jsonpath={.metadata.annotations}'])).stdout).not.toContain('paused');
  });
});
