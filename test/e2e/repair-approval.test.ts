/**
 * Repairs in automation mode Approve, on the real control plane (kube-scheduler, Deployment
 * controller, kwok nodes): a crash loop right after an image change proposes a Rollback
 * SliceDecision with the pods' evidence and rolls nothing back until a person approves it with
 * `kubectl slice approve`; a site whose UPF pods go unready proposes moving the UPF away
 * (reason SiteUnhealthy), made once approved.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Manager } from '../../src/controller/manager.js';
import { toSliceView } from '../../src/controller/view-from-api.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { conditionOf, crashLoopStatus, createNamespace, e2eEnv, eventually, getSlice, healthyImage, installCrd, kubeConfig, kubectl, repoRoot, upfSlice } from './support.js';

const plugin = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cmd', 'kubectl-slice.ts'), '--kubeconfig', e2eEnv().kubeconfig, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, stdout, stderr }),
    ),
  );

interface Decision {
  metadata: { name: string };
  spec: { action: string; reason: string; fromImage?: string; toImage?: string; fromSites?: string[]; toSites?: string[]; anomaly?: { kind: string; message: string }; explanation: { text: string } };
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

describe('repairs in automation mode Approve (real control plane)', () => {
  let manager: Manager;
  let ns: string;

  const slice = (name: string, sd: string) => {
    const s = upfSlice(name, sd, { perReplica: 10, minReplicas: 2, maxReplicas: 2, scaling: { mode: 'static' } });
    return { ...s, spec: { ...s.spec, placement: { sites: ['edge-a', 'edge-b'], maxSites: 1, antiAffinity: 'none' }, automation: { mode: 'Approve', policy: { maxStepReplicas: 2 } } } };
  };
  const apply = async (m: ReturnType<typeof slice>): Promise<void> => {
    expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
  };
  const decisionsOf = async (name: string): Promise<Decision[]> =>
    (JSON.parse((await kubectl(['get', '-n', ns, 'slicedecisions', '-l', `slicing.telco.dev/slice=${name}`, '-o', 'json'])).stdout) as { items: Decision[] }).items;
  const eventsOf = async (name: string, reason: string) =>
    (JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name},reason=${reason}`, '-o', 'json'])).stdout) as { items: { message: string }[] }).items;
  const crashy = slice('crashy', '0000f1');

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('repair-approval');
    manager = new Manager({ kubeConfig: kubeConfig(), log: silentLogger, parse: toSliceView, leaderElect: false, leaseNamespace: 'default', stepSeconds: 3600, resyncMs: 5_000 });
    await manager.start();
    await apply(crashy);
    await apply(slice('sick', '0000f2'));
  });

  afterAll(async () => {
    await manager?.stop();
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
  });

  test('a crash loop after an image change waits for an approved Rollback decision, then rolls back', async () => {
    // An image is healthy once its pods have all been ready for a minute.
    await healthyImage(ns, 'crashy', 'upf:1');
    crashy.spec.cnfs[0]!.image = 'upf:bad';
    await apply(crashy);
    // What a kubelet reports of a container that exits at start: the test plays the kubelet.
    const crashLoop = crashLoopStatus('upf:bad');
    const badPods = async () =>
      (JSON.parse((await kubectl(['get', '-n', ns, 'pods', '-l', 'slicing.telco.dev/slice=crashy', '-o', 'json'])).stdout) as { items: { metadata: { name: string }; spec: { containers: { image: string }[] } }[] }).items.filter((p) => p.spec.containers[0]!.image === 'upf:bad');
    const deployImage = async () => (await kubectl(['get', '-n', ns, 'deploy', 'crashy-upf', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
    let injectedAt: number | undefined;
    const proposal = await eventually('a Rollback SliceDecision', async () => {
      for (const p of await badPods()) if ((await kubectl(['patch', '-n', ns, 'pod', p.metadata.name, '--subresource=status', '--type=merge', '-p', crashLoop])).code === 0) injectedAt ??= Date.now();
      return (await decisionsOf('crashy')).find((d) => d.spec.action === 'Rollback');
    }, 60_000, 300);
    process.stderr.write(`[repair-approval] crash loop injected -> Rollback decision ${proposal.metadata.name} in ${((Date.now() - injectedAt!) / 1000).toFixed(1)} s\n`);
    expect(proposal.spec).toMatchObject({ reason: 'RolledBack', fromImage: 'upf:bad', toImage: 'upf:1', anomaly: { kind: 'CNFFailing', message: expect.stringContaining('CrashLoopBackOff: back-off 40s') } });
    expect(proposal.spec.explanation.text).toMatch(/^roll upf back from image upf:bad to upf:1, the last image all its pods ran ready on; anomaly CNFFailing: .*; needs approval: automation mode Approve/);
    expect((await eventsOf('crashy', 'DecisionProposed')).length).toBe(1);

    // Nothing rolls back while the decision waits: the failing image stays, and the slice says why.
    for (let i = 0; i < 6; i++) {
      expect(await deployImage()).toBe('upf:bad');
      await new Promise((r) => setTimeout(r, 500));
    }
    const anomalous = conditionOf(await getSlice(ns, 'crashy'), 'Anomalous');
    expect(anomalous).toMatchObject({ status: 'True', reason: 'CNFFailing' });
    expect(anomalous!.message).toContain(`rolling upf back from upf:bad to upf:1 waits for approval of SliceDecision ${proposal.metadata.name}`);
    expect(await eventsOf('crashy', 'RolledBack')).toEqual([]);
    const listed = await plugin(['get', '-n', ns]);
    expect(listed.stdout).toContain(`${proposal.metadata.name} (upf rollback upf:bad->upf:1)`);

    const approvedAt = Date.now();
    const a = await plugin(['approve', proposal.metadata.name, '-n', ns, '--reason', 'bad build']);
    expect(a.stderr).toBe('');
    expect(a.stdout).toContain(`SliceDecision ${proposal.metadata.name} approved (upf rollback upf:bad -> upf:1): approved by`);
    await eventually('rolled back to upf:1', async () => (await deployImage()) === 'upf:1', 30_000, 200);
    process.stderr.write(`[repair-approval] approved -> Deployment back on upf:1 in ${((Date.now() - approvedAt) / 1000).toFixed(1)} s\n`);
    const applied = await eventually('decision Applied', async () => (await decisionsOf('crashy')).find((d) => d.status?.conditions?.some((c) => c.type === 'Applied' && c.status === 'True')), 30_000, 250);
    expect(applied.metadata.name).toBe(proposal.metadata.name);
    const rolled = await eventually('RolledBack event', async () => (await eventsOf('crashy', 'RolledBack'))[0], 30_000, 250);
    expect(rolled.message).toContain(`approved in SliceDecision ${proposal.metadata.name}`);
  });

  test('a site whose UPF pods go unready: the move away waits for an approved Replace decision', async () => {
    type Placed = { status?: { placement?: { upfSites: string[] } } };
    const sites = async () => ((await getSlice(ns, 'sick')) as unknown as Placed).status?.placement?.upfSites;
    await eventually('sick Ready', async () => conditionOf(await getSlice(ns, 'sick'), 'Ready')?.status === 'True', 60_000, 250);
    const [first] = (await sites())!;
    const other = first === 'edge-a' ? 'edge-b' : 'edge-a';
    // What a kubelet on a failing site reports: the containers run, the pods stopped being ready,
    // stamped 90 s ago so the test need not wait out the minute of grace.
    const since = new Date(Date.now() - 90_000).toISOString();
    const unready = JSON.stringify({ status: { conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Initialized', status: 'True' }, { type: 'ContainersReady', status: 'False', lastTransitionTime: since }, { type: 'Ready', status: 'False', lastTransitionTime: since }] } });
    const pods = JSON.parse((await kubectl(['get', '-n', ns, 'pods', '-l', 'slicing.telco.dev/slice=sick', '-o', 'json'])).stdout) as { items: { metadata: { name: string } }[] };
    for (const p of pods.items) expect((await kubectl(['patch', '-n', ns, 'pod', p.metadata.name, '--subresource=status', '--type=merge', '-p', unready])).code).toBe(0);
    const proposal = await eventually('a Replace SliceDecision', async () => (await decisionsOf('sick')).find((d) => d.spec.action === 'Replace'), 60_000, 250);
    expect(proposal.spec).toMatchObject({ reason: 'SiteUnhealthy', fromSites: [first], toSites: [other], anomaly: { kind: 'SiteUnhealthy', message: expect.stringContaining(`UPF pods were unhealthy on ${first}`) } });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await sites()).toEqual([first]);
    expect(conditionOf(await getSlice(ns, 'sick'), 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'AwaitingApproval' });

    const approvedAt = Date.now();
    expect((await plugin(['approve', proposal.metadata.name, '-n', ns])).stderr).toBe('');
    await eventually(`UPF moved to ${other}`, async () => ((await sites())?.join() === other ? true : undefined), 30_000, 200);
    process.stderr.write(`[repair-approval] approved -> UPF placed on ${other} in ${((Date.now() - approvedAt) / 1000).toFixed(1)} s\n`);
  });
});
