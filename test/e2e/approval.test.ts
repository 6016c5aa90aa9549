/**
 * Human in the loop on the real control plane with a real Prometheus: a slice in Recommend
 * changes nothing while its recommendation follows the load; in Approve, a big scale-up waits for
 * a SliceDecision, is applied within one reconcile of its approval, a denied or expired one never
 * is, a small one inside the policy is applied without asking; an operator restart loses no
 * pending decision and applies none twice.
 */
import type { ReplayedSlice } from '../../tools/replayer/replayer.js';
import { rampTrace } from '../../tools/replayer/trace.js';
import { createNamespace, eventually, installCrd, kubectl, upfSlice } from './support.js';
import { startTelemetryRig, type TelemetryRig } from './telemetry-rig.js';

const STEP_SECONDS = 2;
const START_HOUR = 400;
const sd = (i: number) => (0xa0 + i).toString(16).padStart(6, '0');
const constant = (v: number) => rampTrace(v, v, 0, 1);
const reactive = { mode: 'reactive', headroomPercent: 0, maxStep: 20, scaleDownStabilizationSeconds: 0 };
const approve = (o: Record<string, unknown> = {}) => ({ mode: 'Approve', policy: { maxStepReplicas: 2, ...o } });

interface Decision {
  metadata: { name: string; creationTimestamp: string };
  spec: { slice: string; cnf: string; fromReplicas: number; toReplicas: number; needsApproval: string[]; explanation: { text: string; rawReplicas: number; loadNow: number } };
  status?: { conditions?: { type: string; status: string; message?: string; lastTransitionTime: string }[] };
}

describe('automation modes and SliceDecision approval (real control plane, real Prometheus)', () => {
  // recommend: 16 sessions, 64 from the fourth replayed hour (8 s in).
  // budget: 64 sessions, down to 16 from the fourth replayed hour.
  const traces = [rampTrace(16, 64, START_HOUR + 4, 0.5), constant(64), constant(64), constant(24), constant(64), constant(64), rampTrace(64, 16, START_HOUR + 4, 0.5)];
  const slices: ReplayedSlice[] = traces.map((trace, i) => ({ snssai: `1-${sd(i)}`, plmnid: '00101', trace }));
  let rig: TelemetryRig;
  let ns: string;

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('approval');
    rig = await startTelemetryRig({ slices, stepSeconds: STEP_SECONDS, startHour: START_HOUR });
    const withAutomation = (m: ReturnType<typeof upfSlice>, automation: Record<string, unknown>) => ({ ...m, spec: { ...m.spec, automation } });
    const manifests = [
      withAutomation(upfSlice('recommend', sd(0), { perReplica: 8, maxReplicas: 12, scaling: reactive }), { mode: 'Recommend' }),
      withAutomation(upfSlice('big', sd(1), { perReplica: 8, maxReplicas: 12, scaling: reactive }), approve()),
      withAutomation(upfSlice('denied', sd(2), { perReplica: 8, maxReplicas: 12, scaling: reactive }), approve()),
      withAutomation(upfSlice('small', sd(3), { perReplica: 8, maxReplicas: 12, scaling: reactive }), approve()),
      withAutomation(upfSlice('expiring', sd(4), { perReplica: 8, maxReplicas: 12, scaling: reactive }), approve({ expirySeconds: 60 })),
      withAutomation(upfSlice('restart', sd(5), { perReplica: 8, maxReplicas: 12, scaling: reactive }), approve()),
      // A disruption window that opens half an hour from now: closed for the whole test.
      withAutomation(upfSlice('budget', sd(6), { perReplica: 8, maxReplicas: 12, scaling: reactive }), { mode: 'Auto', budgets: [{ schedule: `${(new Date().getUTCMinutes() + 30) % 60} * * * *`, durationSeconds: 60 }] }),
    ];
    for (const m of manifests) expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await rig?.stop();
  });

  const replicas = async (name: string) => Number((await kubectl(['get', '-n', ns, 'deploy', `${name}-upf`, '-o', 'jsonpath={.spec.replicas}'])).stdout || 0);
  const decisionsOf = async (slice: string): Promise<Decision[]> =>
    (JSON.parse((await kubectl(['get', '-n', ns, 'slicedecisions', '-l', `slicing.telco.dev/slice=${slice}`, '-o', 'json'])).stdout) as { items: Decision[] }).items;
  const pendingOf = (slice: string) => eventually(`${slice} proposes a decision`, async () => (await decisionsOf(slice))[0], 60_000, 250);
  const answer = async (name: string, type: 'Approved' | 'Denied') => {
    const cond = { type, status: 'True', reason: type, message: `${type.toLowerCase()} by the e2e test`, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    // A merge patch replaces the list: keep the conditions already there (the operator's Expired).
    const now = (await decisionsOf(name.split('-')[0]!)).find((d) => d.metadata.name === name)?.status?.conditions ?? [];
    const r = await kubectl(['patch', '-n', ns, 'slicedecision', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [...now, cond] } })]);
    expect(r.stderr).toBe('');
  };
  const condition = (d: Decision, type: string) => d.status?.conditions?.find((c) => c.type === type && c.status === 'True');
  const sliceStatus = async (name: string) => JSON.parse((await kubectl(['get', '-n', ns, 'nsl', name, '-o', 'json'])).stdout).status;
  const eventsOf = async (name: string) => (JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])).stdout) as { items: { reason: string; message: string; count?: number }[] }).items;

  test('Recommend changes nothing while its recommendation follows the load', async () => {
    const seen = new Set<number>();
    await eventually('recommendation reaches 8', async () => {
      const rec = (await sliceStatus('recommend'))?.cnfs?.[0]?.recommendation;
      if (rec) seen.add(rec.replicas);
      expect(await replicas('recommend')).toBe(1);
      return rec?.replicas === 8 ? rec : undefined;
    }, 60_000, 250);
    process.stderr.write(`[approval] recommend: recommendations seen ${JSON.stringify([...seen])}, Deployment 1 throughout\n`);
    expect(seen.has(2)).toBe(true);
    const s = await sliceStatus('recommend');
    // The recommendation is what the load asks, unbounded; the slice keeps 1 (ScalingLimited says
    // why). Its explanation is of the load when the recommendation became 8 (on the ramp, > 56).
    const e = s.cnfs[0].recommendation.explanation;
    expect(e).toMatchObject({ rawReplicas: 8, chosenReplicas: 8, reactiveReplicas: 8, bound: 'None', perReplicaCapacity: 8 });
    expect(e.loadNow).toBeGreaterThan(56);
    expect(e.text).toContain(`load now ${e.loadNow}`);
    expect(s.conditions.find((c: { type: string }) => c.type === 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'Recommended' });
    expect((await eventsOf('recommend')).some((e) => e.reason === 'Recommended' && e.message.includes('would scale 1 -> 8'))).toBe(true);
    expect(await decisionsOf('recommend')).toEqual([]);
  });

  test('Approve: a big scale-up waits; approved, it is applied within one reconcile, once', async () => {
    const d = await pendingOf('big');
    expect(d.spec).toMatchObject({ slice: 'big', cnf: 'upf', fromReplicas: 1, toReplicas: 8, needsApproval: ['step of 7 replicas exceeds maxStepReplicas 2'] });
    expect(d.spec.explanation).toMatchObject({ loadNow: 64, rawReplicas: 8 });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await replicas('big')).toBe(1);
    expect((await sliceStatus('big')).cnfs[0]).toMatchObject({ pendingDecision: d.metadata.name, desiredReplicas: 1 });
    const t0 = Date.now();
    await answer(d.metadata.name, 'Approved');
    await eventually('big at 8', async () => (await replicas('big')) === 8, 10_000, 100);
    process.stderr.write(`[approval] big: approved -> Deployment at 8 in ${Date.now() - t0} ms\n`);
    const after = (await decisionsOf('big'))[0]!;
    expect(condition(after, 'Applied')?.message).toBe('applied: upf 1 -> 8');
    expect((await sliceStatus('big')).cnfs[0].lastDecision).toMatchObject({ reason: 'Approved', decision: d.metadata.name, fromReplicas: 1, toReplicas: 8 });
    expect(await decisionsOf('big')).toHaveLength(1);
  });

  test('Approve: a denied decision is never applied', async () => {
    const d = await pendingOf('denied');
    await answer(d.metadata.name, 'Denied');
    await eventually('ApprovalDenied', async () => (await sliceStatus('denied'))?.conditions?.find((c: { type: string }) => c.type === 'ScalingLimited')?.reason === 'ApprovalDenied', 20_000, 250);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await replicas('denied')).toBe(1);
    const all = await decisionsOf('denied');
    expect(all).toHaveLength(1);
    expect(condition(all[0]!, 'Applied')).toBeUndefined();
  });

  test('Approve: a small change inside the policy is applied without asking', async () => {
    await eventually('small at 3', async () => (await replicas('small')) === 3, 60_000, 250);
    expect(await decisionsOf('small')).toEqual([]);
  });

  test('an operator restart loses no pending decision and applies none twice', async () => {
    const d = await pendingOf('restart');
    await rig.restartOperator();
    await new Promise((r) => setTimeout(r, 4000));
    expect((await decisionsOf('restart')).map((x) => x.metadata.name)).toEqual([d.metadata.name]);
    expect(await replicas('restart')).toBe(1);
    await answer(d.metadata.name, 'Approved');
    await eventually('restart at 8', async () => (await replicas('restart')) === 8, 10_000, 100);
    const appliedAt = condition((await decisionsOf('restart'))[0]!, 'Applied')!.lastTransitionTime;
    await rig.restartOperator();
    await new Promise((r) => setTimeout(r, 4000));
    const all = await decisionsOf('restart');
    expect(all).toHaveLength(1);
    expect(condition(all[0]!, 'Applied')!.lastTransitionTime).toBe(appliedAt);
    const approvedEvents = (await eventsOf('restart')).filter((e) => e.reason === 'Approved');
    expect(approvedEvents).toHaveLength(1);
    expect(approvedEvents[0]!.count ?? 1).toBe(1);
  });

  test('a scale-down outside every disruption window waits; inside one it goes', async () => {
    await eventually('budget at 8', async () => (await replicas('budget')) === 8, 60_000, 250);
    await eventually('OutsideBudget', async () => (await sliceStatus('budget'))?.conditions?.find((c: { type: string; reason: string }) => c.type === 'ScalingLimited' && c.reason === 'OutsideBudget'), 30_000, 250);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await replicas('budget')).toBe(8);
    const open = JSON.stringify({ spec: { automation: { mode: 'Auto', budgets: [{ schedule: '* * * * *', durationSeconds: 120 }] } } });
    expect((await kubectl(['patch', '-n', ns, 'nsl', 'budget', '--type=merge', '-p', open])).stderr).toBe('');
    await eventually('budget down to 2', async () => (await replicas('budget')) === 2, 30_000, 250);
  });

  test('an expired decision is marked Expired and never applied, even when approved late', async () => {
    const d = await pendingOf('expiring');
    const expired = await eventually('Expired', async () => {
      const x = (await decisionsOf('expiring')).find((y) => y.metadata.name === d.metadata.name);
      return x && condition(x, 'Expired') ? x : undefined;
    }, 90_000, 500);
    expect(condition(expired, 'Expired')!.message).toContain('never applied');
    await answer(d.metadata.name, 'Approved');
    await new Promise((r) => setTimeout(r, 4000));
    expect(await replicas('expiring')).toBe(1);
  }, 120_000);
});
