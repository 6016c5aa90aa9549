/**
 * One slice's bad PromQL is that slice's fault alone, on the real control plane with a real
 * Prometheus: a slice whose loadQuery does not parse is Degraded (TelemetryQueryInvalid, the query
 * in the message, a Warning event), a slice whose query fails at Prometheus is Degraded
 * (TelemetryQueryFailed), and a slice on the default query beside them is scaled as its load rises.
 */
import type { ReplayedSlice } from '../../tools/replayer/replayer.js';
import { rampTrace } from '../../tools/replayer/trace.js';
import { conditionOf, createNamespace, eventually, getSlice, installCrd, kubectl, sliceWithReason, upfSlice, type SliceConditions } from './support.js';
import { startTelemetryRig, type TelemetryRig } from './telemetry-rig.js';

const STEP_SECONDS = 3;
const START_HOUR = 300;
const PER_REPLICA = 10;
// 10 sessions, then 60 from three replayed hours in.
const trace = rampTrace(10, 60, START_HOUR + 3, 1);
const BAD = 'sum(rate(fivegs_smffunction_sm_sessionnbr{snssai="1-0000b2"}[5m]';
const FAILING = 'fivegs_smffunction_sm_sessionnbr{snssai="1-0000b1"} + on() group_left fivegs_smffunction_sm_sessionnbr';

const manifest = (name: string, sd: string, loadQuery?: string) =>
  upfSlice(name, sd, { perReplica: PER_REPLICA, maxReplicas: 10, scaling: { mode: 'reactive', headroomPercent: 0, scaleDownStabilizationSeconds: 0, maxStep: 10 }, loadQuery });


describe('telemetry faults stay with their slice (real Prometheus)', () => {
  const slices: ReplayedSlice[] = ['1-0000b1', '1-0000b2', '1-0000b3'].map((snssai) => ({ snssai, plmnid: '00101', trace }));
  let rig: TelemetryRig;
  let ns: string;

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('isolation');
    rig = await startTelemetryRig({ slices, stepSeconds: STEP_SECONDS, startHour: START_HOUR });
    for (const m of [manifest('bad-query', '0000b2', BAD), manifest('failing-query', '0000b1', FAILING), manifest('good', '0000b3')]) {
      expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
    }
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await rig?.stop();
  });

  const degraded = (s: SliceConditions) => conditionOf(s, 'Degraded');

  test('the slice whose query does not parse is Degraded alone, with the query and a Warning event', async () => {
    const s = await sliceWithReason(ns, 'bad-query', 'Degraded', 'TelemetryQueryInvalid');
    expect(degraded(s)!.message).toContain('spec.telemetry.loadQuery is not valid PromQL');
    expect(degraded(s)!.message).toContain(BAD);
    const events = await eventually('a Warning event', async () => {
      const out = (await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=bad-query,type=Warning', '-o', 'json'])).stdout;
      const items = (JSON.parse(out) as { items: { reason: string }[] }).items;
      return items.some((e) => e.reason === 'TelemetryQueryInvalid') ? items : undefined;
    }, 30_000, 500);
    expect(events.length).toBeGreaterThan(0);
  });

  test('the slice whose query fails at Prometheus is Degraded TelemetryQueryFailed', async () => {
    const s = await sliceWithReason(ns, 'failing-query', 'Degraded', 'TelemetryQueryFailed');
    expect(degraded(s)!.message).toContain('(query: ');
  });

  test('the slice beside them is served: not Degraded, and scaled to its risen load', async () => {
    const s = await eventually('good scaled to 60 sessions', async () => {
      const x = await getSlice(ns, 'good');
      return (x.status?.upfReplicas ?? 0) >= 60 / PER_REPLICA ? x : undefined;
    }, 90_000, 500);
    expect(degraded(s)?.status).toBe('False');
  });
});
