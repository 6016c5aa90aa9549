/** @jest-environment ./test/support/ort-environment.cjs */
/**
 * Every scaling and placement action of a replayed day carries an explanation with its numbers:
 * the three examples on real Milan traffic (the demo's squares and day, Tuesday 2013-12-03), the
 * embedded ONNX model forecasting each hour from the week before, online calibration, the
 * forecast's attribution by occlusion, and the pure slice plan reconciled every 15 minutes.
 */
import path from 'node:path';
import { ConformalCalibrator } from '../../../src/forecast/calibration.js';
import { Forecaster, packageRoot } from '../../../src/forecast/forecaster.js';
import type { SliceMemory } from '../../../src/controller/slice-memory.js';
import { planOutcome, planSlice, type SliceObservations } from '../../../src/controller/slice-plan.js';
import { discoverSites, type NodeLike } from '../../../src/controller/sites.js';
import type { SliceView } from '../../../src/controller/slice-view.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import type { SliceLoad } from '../../../src/telemetry/slice-load.js';
import { summarize } from '../../../src/telemetry/slice-load.js';
import { DEFAULT_SITES, fakeNode } from '../../../tools/devcluster/topology.js';
import { aggregate, hourToDate, loadHourlySquares, milanCsvPath } from '../../../tools/replayer/milan.js';
import { examples } from '../../fixtures/api/corpus.js';

const START_HOUR = 768; // Tuesday 2013-12-03 00:00 CET, as the demo
const HOURS = 24;
const PER_HOUR = 4;
const SLICES = [
  { file: 'embb.yaml', squares: [12, 17, 18, 23, 25, 27, 28, 38, 42, 46, 49, 57], peakOfMax: 0.75 },
  { file: 'urllc.yaml', squares: [59, 66, 71, 77, 86, 88, 101, 102], peakOfMax: 0.6 },
  { file: 'mmtc.yaml', squares: [104, 106, 107, 110, 111, 114, 116, 117, 119, 132, 133, 139], peakOfMax: 0.7 },
];
const SCALING_REASONS = new Set(['ForecastScaleUp', 'ForecastScaleDown', 'ReactiveScaleUp', 'ReactiveScaleDown', 'StepLimited', 'BoundedByMax', 'BoundedByMin', 'ScaleDownStabilized', 'Approved']);

const sites = discoverSites(
  DEFAULT_SITES.flatMap((s) =>
    Array.from({ length: s.nodes }, (_, i) => {
      const n = fakeNode(s, i, 'v1.34.4') as { status: object };
      return { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True' }] } } as NodeLike;
    }),
  ),
);

function viewOf(file: string): SliceView {
  const m = structuredClone(examples().find((e) => e.file === file)!.manifest) as { metadata: object; spec: { scaling?: object } };
  // One decision per 15 minutes: a step per decision, and stabilisation of one replayed hour.
  m.spec.scaling = { ...m.spec.scaling, stepPeriodSeconds: 0, scaleDownStabilizationSeconds: 3600 };
  const r = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u1', generation: 1 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.view;
}

const numbers = /\d/;
const data = milanCsvPath(packageRoot());

describe('explanations over a replayed day (real Milan traffic, embedded model)', () => {
  let forecaster: Forecaster;
  beforeAll(async () => {
    forecaster = await Forecaster.create();
    expect(forecaster.modelStatus.loaded).toBe(true);
  });
  afterAll(() => forecaster.close());

  test.each(SLICES)('$file: 100 % of actions carry an explanation with the numbers', async (s) => {
    const view = viewOf(s.file);
    const upf = view.cnfs.find((c) => c.type === 'upf')!;
    const series = aggregate(loadHourlySquares(data), s.squares);
    const scale = (s.peakOfMax * upf.sessionsPerReplica * upf.maxReplicas) / Math.max(...series.slice(START_HOUR - 168, START_HOUR + HOURS).filter(Number.isFinite));
    const at = (h: number) => series[h]! * scale;
    const calibrator = new ConformalCalibrator();
    const key = 'ns/x';
    let mem: SliceMemory = { recommendations: {} };
    const deployments: SliceObservations['deployments'] = {};
    let upfSites: string[] | undefined;
    let actions = 0;
    let explained = 0;
    let attributed = 0;
    let previous: number | undefined;
    for (let h = START_HOUR; h < START_HOUR + HOURS; h++) {
      if (previous !== undefined) calibrator.observe(key, previous, at(h));
      const input = { key, history: series.slice(h - 168, h).map((v) => v * scale), endTime: hourToDate(h - 1) };
      const [f] = await forecaster.forecast([input]);
      const attribution = (await forecaster.attribute([input], view.scaling.quantile)).get(key);
      const q = f![view.scaling.quantile].slice(0, view.scaling.horizonSteps);
      previous = f![view.scaling.quantile][0];
      for (let k = 0; k < PER_HOUR; k++) {
        const now = hourToDate(h).getTime() + (k * 3_600_000) / PER_HOUR;
        const current = at(h - 1) + ((at(h) - at(h - 1)) * k) / PER_HOUR;
        const load: SliceLoad = { current, observedAt: now, forecast: summarize(f!), forecastPeak: Math.max(...q), calibration: calibrator.factor(key), coverage: calibrator.coverage(key), ...(attribution ? { attribution } : {}) };
        const obs: SliceObservations = { now, deployments, sites, load, upfSites, stepOf: (ms) => Math.floor(ms / 3_600_000) };
        const plan = planSlice(view, obs, mem);
        const result = planOutcome(view, obs, mem, plan, { applied: 1, allNew: false, hasStatus: true });
        mem = { ...mem, ...result.memory, recommendations: plan.recommendations };
        for (const c of view.cnfs) deployments[c.name] = { spec: { replicas: plan.replicas[c.name]! }, status: { readyReplicas: plan.replicas[c.name]!, updatedReplicas: plan.replicas[c.name]! } };
        upfSites = plan.upfSites;
        for (const e of result.events) {
          if (e.reason === 'UPFPlaced' || e.reason === 'UPFReplaced') {
            actions++;
            // Chosen sites and why each other site was skipped (the topology has three sites).
            if (/placed on \S/.test(e.message) && /Skipped \S+: /.test(e.message)) explained++;
            continue;
          }
          if (!SCALING_REASONS.has(e.reason)) continue;
          actions++;
          const cnf = e.message.slice(0, e.message.indexOf(':'));
          const x = result.memory.cnfs![cnf]!.lastDecision!.explanation!;
          const complete =
            e.message.includes(`Why: ${x.text}`) &&
            [x.loadNow, x.calibration, x.headroomPercent, x.perReplicaCapacity, x.rawReplicas, x.chosenReplicas, x.reactiveReplicas, x.forecast?.p50, x.forecast?.p90, x.forecast?.p99, x.forecast?.peak].every((v) => typeof v === 'number' && Number.isFinite(v)) &&
            typeof x.bound === 'string' &&
            numbers.test(x.text) &&
            (cnf !== upf.name || (x.placement?.chosen.length ?? 0) > 0);
          if (complete) explained++;
          if (x.attribution?.length === 3) attributed++;
        }
      }
    }
    process.stderr.write(`[explain-replay] ${path.basename(s.file)}: ${actions} actions, ${explained} explained with numbers, ${attributed} scaling actions with a 3-factor attribution\n`);
    expect(actions).toBeGreaterThan(2);
    expect(explained).toBe(actions);
    expect(attributed).toBeGreaterThan(0);
  }, 120_000);
});
