/** What a CNF's predictive decision scales on, by spec.scaling.capacityBasis, through the pure slice plan. */
import { forecastBasis } from '../../../src/controller/capacity-basis.js';
import type { SliceMemory } from '../../../src/controller/slice-memory.js';
import { planSlice, type SliceObservations } from '../../../src/controller/slice-plan.js';
import type { SliceView } from '../../../src/controller/slice-view.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import type { SliceLoad } from '../../../src/telemetry/slice-load.js';
import { examples } from '../../fixtures/api/corpus.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);

function viewOf(edit: (spec: { scaling?: Record<string, unknown>; cnfs: Record<string, unknown>[] }) => void): SliceView {
  const m = structuredClone(examples().find((e) => e.file === 'embb.yaml')!.manifest) as { metadata: object; spec: { scaling?: Record<string, unknown>; cnfs: Record<string, unknown>[] } };
  edit(m.spec);
  const r = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u1', generation: 1 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.view;
}
const leadTime = (startupSeconds: number) =>
  viewOf((s) => {
    s.scaling = { ...s.scaling, capacityBasis: 'LeadTime', headroomPercent: 0 };
    for (const c of s.cnfs) c.startupSeconds = startupSeconds;
  });
const horizonPeak = viewOf((s) => {
  s.scaling = { ...s.scaling, headroomPercent: 0 };
});

/** Load 100 now at 10:30; the median rises from 100 (10:30) to 160 (11:30); p99 is 40 above it; the hourly peak is 200. */
const load = (o: Partial<SliceLoad> = {}): SliceLoad => ({
  current: 100,
  observedAt: T0 + H / 2,
  calibration: 1,
  forecastPeak: 200,
  forecast: { source: 'onnx', model: 'm', p50: 160, p90: 180, p99: 200 },
  leadPath: { hourStartMs: T0, stepMs: H, lagMs: 60_000, previous: 40, p50: [100, 160], upper: [140, 200] },
  ...o,
});

describe('forecastBasis', () => {
  const now = T0 + H / 2;
  test('HorizonPeak scales on the hourly peak with the slice calibration', () => {
    expect(forecastBasis(horizonPeak, horizonPeak.cnfs[0]!, load({ calibration: 1.2 }), now)).toEqual({ forecastPeak: 200, calibration: 1.2 });
  });
  test('LeadTime scales on the load at start-up plus one cycle ahead', () => {
    const v = leadTime(240);
    const b = forecastBasis(v, v.cnfs[0]!, load(), now);
    // Lead 240 + 60 = 300 s: the median adds 60 x 300/3600 = 5; the spread at step 1 is 40 x sqrt(300/3600).
    expect(b.leadSeconds).toBe(300);
    expect(b.calibration).toBe(1);
    expect(b.forecastPeak).toBeCloseTo(100 + 5 + 40 * Math.sqrt(300 / 3600), 6);
  });
  test('a longer start-up provisions further ahead', () => {
    const fast = leadTime(0);
    const slow = leadTime(900);
    expect(forecastBasis(slow, slow.cnfs[0]!, load(), now).forecastPeak!).toBeGreaterThan(forecastBasis(fast, fast.cnfs[0]!, load(), now).forecastPeak!);
  });
  test('LeadTime leaves the calibration factor out: the quantile is its knob', () => {
    const v = leadTime(240);
    expect(forecastBasis(v, v.cnfs[0]!, load({ calibration: 1.5 }), now)).toEqual(forecastBasis(v, v.cnfs[0]!, load(), now));
  });
    test('LeadTime without a path yet (no forecast since it asked) scales on the hourly peak meanwhile', () => {
    const v = leadTime(60);
    expect(forecastBasis(v, v.cnfs[0]!, load({ leadPath: undefined }), now)).toEqual({ forecastPeak: 200, calibration: 1 });
  });
  test('no forecast: no forecast basis', () => {
    const v = leadTime(60);
    expect(forecastBasis(v, v.cnfs[0]!, load({ forecast: undefined }), now).forecastPeak).toBeUndefined();
  });
});

describe('planSlice with capacityBasis LeadTime', () => {
  const obs = (l: SliceLoad): SliceObservations => ({ now: T0 + H / 2, deployments: {}, sites: [], stepOf: (ms) => Math.floor(ms / H), load: l });
  const mem = (): SliceMemory => ({ recommendations: {} });
  test('the UPF gets fewer replicas than for the hourly peak, and the decision says what it scaled on', () => {
    const v = leadTime(60);
    const upf = v.cnfs.find((c) => c.type === 'upf')!;
    const lead = planSlice(v, obs(load()), mem()).decisions[upf.name]!;
    const peak = planSlice(horizonPeak, obs(load()), mem()).decisions[upf.name]!;
    // 200 sessions at 20 a replica for the peak; 100 + 2 + 7.3 = 109.3 for a lead of 60 + 60 s.
    expect(peak.recommended).toBe(10);
    expect(lead.recommended).toBe(Math.ceil((100 + 60 * (120 / 3600) + 40 * Math.sqrt(120 / 3600)) / upf.sessionsPerReplica));
    expect(lead.recommended).toBe(6);
    expect(lead.message).toMatch(/^load in 120 s 109\.3 x1\.00 /);
  });
});
