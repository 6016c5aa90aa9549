/**
 * Scaling guarantees at their edges, on the real control plane with a real Prometheus: a manual
 * `kubectl scale` is restored to the operator's decision (server-side apply takes replicas back
 * from kubectl's field manager) without cancelling stabilisation; a paused slice keeps a manual
 * count; maxStep is a rate over its period; a slice short of capacity at maxReplicas is not Ready.
 */
import type { ReplayedSlice } from '../../tools/replayer/replayer.js';
import { rampTrace } from '../../tools/replayer/trace.js';
import { conditionOf, createNamespace, eventually, installCrd, kubectl, sliceWithReason, upfSlice } from './support.js';
import { startTelemetryRig, type TelemetryRig } from './telemetry-rig.js';

const STEP_SECONDS = 2;
const START_HOUR = 400;
const sd = (i: number) => (0xd0 + i).toString(16).padStart(6, '0');
// 64 sessions, down to 10 from the sixth replayed hour (12 s in).
const falling = rampTrace(64, 10, START_HOUR + 6, 0.5);
const constant = (v: number) => rampTrace(v, v, 0, 1);


describe('scaling guarantees (real control plane, real Prometheus)', () => {
  const traces = [falling, falling, constant(1000), constant(150)];
  const slices: ReplayedSlice[] = traces.map((trace, i) => ({ snssai: `1-${sd(i)}`, plmnid: '00101', trace }));
  let rig: TelemetryRig;
  let ns: string;

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('guarantees');
    rig = await startTelemetryRig({ slices, stepSeconds: STEP_SECONDS, startHour: START_HOUR });
    const manifests = [
      upfSlice('manual', sd(0), { perReplica: 8, maxReplicas: 12, scaling: { mode: 'reactive', headroomPercent: 0, scaleDownStabilizationSeconds: 300, maxStep: 10 } }),
      upfSlice('paused', sd(1), { perReplica: 8, maxReplicas: 12, scaling: { mode: 'reactive', headroomPercent: 0, scaleDownStabilizationSeconds: 300, maxStep: 10 } }),
      upfSlice('stepper', sd(2), { perReplica: 10, maxReplicas: 40, scaling: { mode: 'reactive', headroomPercent: 0, maxStep: 4, stepPeriodSeconds: 15 } }),
      upfSlice('capped', sd(3), { perReplica: 20, maxReplicas: 5, scaling: { mode: 'reactive', headroomPercent: 0, maxStep: 10 } }),
    ];
    for (const m of manifests) expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await rig?.stop();
  });

  const replicas = async (name: string) => Number((await kubectl(['get', '-n', ns, 'deploy', `${name}-upf`, '-o', 'jsonpath={.spec.replicas}'])).stdout || 0);

  test('a manual kubectl scale is restored to the decision, and the held scale-down stays held', async () => {
    await eventually('manual at 8 replicas', async () => (await replicas('manual')) === 8, 60_000, 250);
    // The load falls to 10 (2 replicas): stabilisation holds 8 for 300 s.
    await sliceWithReason(ns, 'manual', 'ScalingLimited', 'ScaleDownStabilized');
    expect((await kubectl(['scale', '-n', ns, 'deploy', 'manual-upf', '--replicas=3'])).code).toBe(0);
    await eventually('restored to 8', async () => (await replicas('manual')) === 8, 30_000, 250);
    // It stays at the decision, not scaled down from the hand-set 3.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await replicas('manual')).toBe(8);
    const events = JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=manual', '-o', 'json'])).stdout) as { items: { reason: string; message: string }[] };
    expect(events.items.find((e) => e.reason === 'ReplicasRestored')?.message).toContain('set to 3 outside the operator; restored to 8');
  });

  test('a paused slice keeps a manual count', async () => {
    await eventually('paused at 8 replicas', async () => (await replicas('paused')) === 8, 60_000, 250);
    expect((await kubectl(['annotate', '-n', ns, 'nsl', 'paused', 'slicing.telco.dev/paused=true'])).code).toBe(0);
    await sliceWithReason(ns, 'paused', 'ScalingLimited', 'Paused', 30_000);
    expect((await kubectl(['scale', '-n', ns, 'deploy', 'paused-upf', '--replicas=3'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await replicas('paused')).toBe(3);
  });

  test('maxStep is a rate: each step of 4 waits for the next 15 s period', async () => {
    const changes: { t: number; n: number }[] = [];
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const n = await replicas('stepper');
      if (n && n !== changes.at(-1)?.n) changes.push({ t: Date.now(), n });
      await new Promise((r) => setTimeout(r, 200));
    }
    process.stderr.write(`[guarantees] stepper replicas over 40 s: ${JSON.stringify(changes.map((c) => c.n))}\n`);
    expect(changes.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < changes.length; i++) {
      expect(changes[i]!.n - changes[i - 1]!.n).toBeLessThanOrEqual(4);
      // The first change seen may be the Deployment's creation; later ones are a period apart.
      if (i > 1) expect(changes[i]!.t - changes[i - 1]!.t).toBeGreaterThan(13_000);
    }
  });

  test('a slice short of capacity at maxReplicas is not Ready, and says by how much', async () => {
    const s = await sliceWithReason(ns, 'capped', 'Degraded', 'CapacityShort');
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'False', reason: 'CapacityShort' });
    expect(conditionOf(s, 'Degraded')!.message).toBe('upf: load 150 exceeds the capacity of 5 replicas (100); maxReplicas 5 carries at most 100');
    expect(conditionOf(s, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'BoundedByMax', message: 'upf: the load needs 8 replicas; maxReplicas is 5' });
  });
});
