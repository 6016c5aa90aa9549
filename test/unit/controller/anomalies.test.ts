/** The Anomalous condition's reason and message, from pods, load and telemetry. */
import { anomalyOf } from '../../../src/controller/anomalies.js';
import type { CnfPods } from '../../../src/controller/pod-health.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import type { SliceView } from '../../../src/controller/slice-view.js';
import { examples } from '../../fixtures/api/corpus.js';

const view = (file: string, mode?: string): SliceView => {
  const m = structuredClone(examples().find((e) => e.file === file)!.manifest) as { metadata: object; spec: { scaling?: { mode?: string } } };
  if (mode) m.spec.scaling = { ...m.spec.scaling, mode };
  const r = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u', generation: 1 } });
  if (!r.ok) throw new Error('bad example');
  return r.view;
};
const healthy: CnfPods = { total: 2, ready: 2, sites: { 'edge-a': 2 }, unready: {}, restarts: 0 };
const T = Date.UTC(2026, 11, 2, 9, 0, 0);
const surge = { current: 300, observedAt: T, calibration: 1, anomaly: { kind: 'Surge' as const, sinceMs: T - 60_000, evidence: 'load 300 against forecast p50 100, upper 130 (3x p50)' } };

describe('anomalyOf', () => {
  const embb = view('embb.yaml');

  it('a load anomaly: kind, evidence, since when, and the repair', () => {
    expect(anomalyOf(embb, surge, undefined, { upf: healthy })).toEqual({
      reason: 'Surge',
      message: 'load 300 against forecast p50 100, upper 130 (3x p50), since 2026-12-02T08:59:00Z; scaling to the observed load past the step limit',
    });
    expect(anomalyOf(embb, { ...surge, anomaly: undefined }, undefined, { upf: healthy })).toBeUndefined();
    // A static slice's load is not judged.
    expect(anomalyOf(view('embb.yaml', 'static'), surge, undefined, {})).toBeUndefined();
  });

  it('CNF pods that cannot start come first', () => {
    const failing = { ...healthy, failing: { pods: 1, reason: 'CrashLoopBackOff', message: 'back-off 40s' } };
    expect(anomalyOf(embb, surge, undefined, { upf: failing })).toEqual({ reason: 'CNFFailing', message: 'upf: 1 pod CrashLoopBackOff: back-off 40s' });
  });

  it("the slice's own series missing while the batch answers is TelemetryMissing; Prometheus down as a whole is not an anomaly", () => {
    const missing = { calibration: 1, telemetryError: 'query returned no sample: q', telemetryReason: 'TelemetryUnavailable' as const };
    expect(anomalyOf(embb, missing, undefined, {})).toEqual({ reason: 'TelemetryMissing', message: 'query returned no sample: q while other slices report' });
    expect(anomalyOf(embb, missing, 'Prometheus unreachable', {})).toBeUndefined();
  });
});
