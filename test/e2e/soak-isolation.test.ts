/**
 * Soak: ten slices on real Milan traffic (ODbL, Telecom Italia: one held-out square each) through
 * a real Prometheus, one of them with a loadQuery that does not parse. Over twelve replayed hours
 * (a morning ramp) the nine healthy slices are scaled as their load moves, as fast as a slice
 * beside a broken one should be: the capacity of each covers its load within a few cycles, every
 * time. The figures are printed ([soak]) for docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { defaultCardPath } from '../../src/forecast/forecaster.js';
import { loadHourlySquares, milanCsvPath } from '../../tools/replayer/milan.js';
import { stepAt, type ReplayedSlice } from '../../tools/replayer/replayer.js';
import { hourlyTrace } from '../../tools/replayer/trace.js';
import { conditionOf, createNamespace, getSlice, installCrd, kubeConfig, kubectl, repoRoot, upfSlice } from './support.js';
import { startTelemetryRig, type TelemetryRig } from './telemetry-rig.js';

const STEP_SECONDS = 3;
const START_HOUR = 747; // 2013-12-02 03:00 CET, before the Monday-morning ramp
const HOURS = 12;
const PER_REPLICA = 10;
const HEALTHY = 9;
const BROKEN_QUERY = 'sum(rate(fivegs_smffunction_sm_sessionnbr{snssai="1-0000ca"}[5m]';

const rows = loadHourlySquares(milanCsvPath(repoRoot));
const card = JSON.parse(readFileSync(defaultCardPath(), 'utf8')) as { training: { split: { heldOutSquares: number[] } } };
const squares = card.training.split.heldOutSquares.filter((i) => (rows[i]?.length ?? 0) >= START_HOUR + HOURS + 24).slice(0, HEALTHY + 1);
// Each slice peaks at about 80 sessions over the window: 8 replicas of 10.
const traces = squares.map((sq) => {
  const row = rows[sq]!;
  const peak = Math.max(...row.slice(START_HOUR, START_HOUR + HOURS).filter(Number.isFinite));
  return hourlyTrace(row, 80 / peak);
});
const sd = (i: number) => (0xc0 + i).toString(16).padStart(6, '0');

const manifest = (i: number, loadQuery?: string) =>
  upfSlice(`soak-${i}`, sd(i), {
    perReplica: PER_REPLICA,
    maxReplicas: 20,
    cpu: '10m',
    scaling: { mode: 'reactive', headroomPercent: 20, scaleDownStabilizationSeconds: STEP_SECONDS, maxStep: 4, stepPeriodSeconds: 1 },
    loadQuery,
  });

describe('soak: one broken slice among ten (real Prometheus, real Milan traffic)', () => {
  const slices: ReplayedSlice[] = traces.map((trace, i) => ({ snssai: `1-${sd(i)}`, plmnid: '00101', trace }));
  let rig: TelemetryRig;
  let ns: string;
  let apps: k8s.AppsV1Api;

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('soak');
    apps = kubeConfig().makeApiClient(k8s.AppsV1Api);
    rig = await startTelemetryRig({ slices, stepSeconds: STEP_SECONDS, startHour: START_HOUR });
    for (let i = 0; i <= HEALTHY; i++) {
      const m = manifest(i, i === HEALTHY ? BROKEN_QUERY.replace('1-0000ca', `1-${sd(i)}`) : undefined);
      expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
    }
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
    await rig?.stop();
  });

  test('the nine healthy slices follow their load while the tenth is Degraded for its query', async () => {
    const { clock } = rig;
    // One list a sample (not a read per slice): the sampler stays dense on a loaded machine.
    const replicasNow = async () => {
      const byName = new Map((await apps.listNamespacedDeployment({ namespace: ns })).items.map((d) => [d.metadata?.name, d.spec?.replicas ?? 0]));
      return Array.from({ length: HEALTHY }, (_, i) => byName.get(`soak-${i}-upf`) ?? 0);
    };
    const samples: { t: number; step: number; replicas: number[] }[] = [];
    const end = clock.wallStartMs + HOURS * STEP_SECONDS * 1000;
    while (Date.now() < end) {
      const replicas = await replicasNow();
      const t = Date.now();
      samples.push({ t, step: stepAt(clock, t), replicas });
      await new Promise((r) => setTimeout(r, 250));
    }
    // Past the first two replayed hours (backfill, first reconciles), per healthy slice: the share
    // of samples whose capacity is below the load, and the longest such stretch.
    const live = samples.filter((s) => s.step >= START_HOUR + 2);
    const report = Array.from({ length: HEALTHY }, (_, i) => {
      let longest = 0;
      let since: number | undefined;
      let under = 0;
      for (const s of live) {
        const short = s.replicas[i]! * PER_REPLICA < traces[i]!.at(s.step);
        if (short) {
          under++;
          since ??= s.t;
          longest = Math.max(longest, s.t - since);
        } else since = undefined;
      }
      return { slice: `soak-${i}`, underShare: Math.round((1000 * under) / live.length) / 10, longestShortMs: longest, maxReplicas: Math.max(...live.map((s) => s.replicas[i]!)) };
    });
    // The longest shortfall is only measured as finely as the samples are spaced: at most half
    // the replayed hour it is checked against (one sample every ~0.3 s on a quiet machine).
    const widestGap = Math.max(...live.slice(1).map((s, j) => s.t - live[j]!.t));
    process.stderr.write(`[soak] ${HEALTHY} healthy slices beside a broken one, ${HOURS} replayed hours (1 h = ${STEP_SECONDS} s), ${live.length} samples, widest gap ${widestGap} ms: ${JSON.stringify(report)}\n`);
    expect(live.length).toBeGreaterThan(20);
    expect(widestGap).toBeLessThan((STEP_SECONDS * 1000) / 2);
    for (const r of report) {
      // Each followed its load (it scaled at all, up from 1), and was never short for more than a
      // replayed hour: the scrape, the cycle and a reconcile take a few seconds.
      expect(r.maxReplicas).toBeGreaterThan(2);
      expect(r.longestShortMs).toBeLessThan(STEP_SECONDS * 1000);
    }
    expect(conditionOf(await getSlice(ns, `soak-${HEALTHY}`), 'Degraded')).toMatchObject({ status: 'True', reason: 'TelemetryQueryInvalid' });
    for (let i = 0; i < HEALTHY; i++) expect(conditionOf(await getSlice(ns, `soak-${i}`), 'Degraded')?.reason).not.toMatch(/^Telemetry/);
  }, 240_000);
});
