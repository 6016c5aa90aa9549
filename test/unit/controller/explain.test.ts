/** Explanations of a LeadTime decision say what was provisioned for: the load when a new replica is Ready, without calibration. */
import path from 'node:path';
import { explainScaling } from '../../../src/controller/explain.js';
import { decideReplicas } from '../../../src/controller/scaling.js';
import { scalingPolicyOf } from '../../../src/controller/scaling-policy.js';
import type { SliceLoad } from '../../../src/telemetry/slice-load.js';
import { sliceViewsFromFile } from '../../../src/twin/manifests.js';
import { repoRoot } from '../../../tools/devcluster/binaries.js';

const view = sliceViewsFromFile(path.join(repoRoot(), 'examples', 'embb.yaml'))[0]!;
const upf = view.cnfs.find((c) => c.type === 'upf')!;
const load = { current: 132, forecastPeak: 164.43, calibration: 1.03, coverage: 0.89, forecast: { p50: 144.5, p90: 164.43, p99: 190.14, source: 'onnx' } } as unknown as SliceLoad;

describe('explainScaling', () => {
  test('a LeadTime decision: the load in lead seconds, calibration 1, and the provisioned load from them', () => {
    const policy = { ...scalingPolicyOf(view, upf), headroomPercent: 0 };
    const dec = decideReplicas(policy, 7, { current: 132, forecastPeak: 140.87, calibration: 1, leadSeconds: 4 }, [], 0);
    const e = explainScaling({ ...view, scaling: { ...view.scaling, headroomPercent: 0, capacityBasis: 'LeadTime' } }, upf, 7, dec, load);
    expect(e.leadTime).toEqual({ seconds: 4, load: 140.87 });
    expect(e.calibration).toBe(1);
    expect(e.coverage).toBe(0.89);
    expect(e.provisionedLoad).toBe(140.87);
    expect(e.text).toContain('load in 4 s (when a replica started now is Ready) 140.87');
  });

  test('a HorizonPeak decision keeps the calibration it applied and has no leadTime', () => {
    const dec = decideReplicas(scalingPolicyOf(view, upf), 7, { current: 132, forecastPeak: 164.43, calibration: 1.03 }, [], 0);
    const e = explainScaling(view, upf, 7, dec, load);
    expect(e.leadTime).toBeUndefined();
    expect(e.calibration).toBe(1.03);
  });
});
