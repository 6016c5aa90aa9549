import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import type { SliceLoad } from '../../../src/telemetry/slice-load.js';
import { SliceMetrics } from '../../../src/controller/slice-metrics.js';
import { examples } from '../../fixtures/api/corpus.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const view = () => {
  const r = toSliceView({ ...examples().find((e) => e.file === 'embb.yaml')!.manifest, metadata: { name: 'embb', namespace: 'ns', uid: 'u1', generation: 1 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.view;
};

const load = (current: number, p50: number): SliceLoad => ({
  current,
  observedAt: 0,
  forecast: { source: 'onnx', model: 'm', p50, p90: p50 * 1.2, p99: p50 * 1.5 },
  calibration: 1,
});

async function series(registry: Registry): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of await registry.getMetricsAsJSON()) {
    for (const v of (m as { values: { labels: Record<string, string>; value: number }[] }).values) {
      if (!('slice' in v.labels)) continue;
      const labels = Object.entries(v.labels).sort().map(([k, x]) => `${k}=${x}`).join(',');
      out.set(`${m.name}{${labels}}`, v.value);
    }
  }
  return out;
}

describe('SliceMetrics', () => {
  it('updates one series per slice and label value across observations, and forget removes them all', async () => {
    const registry = new Registry();
    const m = new SliceMetrics(registry);
    const v = view();
    const cnfs = v.cnfs.map((c) => c.name);
    const replicas = Object.fromEntries(cnfs.map((c) => [c, 2]));
    m.observe('ns/embb', v, load(10, 12), replicas, cnfs.map((cnf) => ({ cnf, ready: 1 })), false);
    const first = await series(registry);
    m.observe('ns/embb', v, load(20, 22), Object.fromEntries(cnfs.map((c) => [c, 3])), cnfs.map((cnf) => ({ cnf, ready: 3 })), true);
    m.observe('ns/other', v, load(5, 5), replicas, [], false);
    const after = await series(registry);

    const of = (m: Map<string, number>, slice: string) => [...m.keys()].filter((k) => new RegExp(`slice=${slice}[,}]`).test(k)).sort();
    // The same series, plus the forecast error once there was a previous forecast.
    expect(of(after, 'embb')).toEqual([...first.keys(), 'slice_operator_forecast_error{namespace=ns,slice=embb}'].sort());
    expect(after.get(`slice_operator_forecast{namespace=ns,quantile=p90,slice=embb}`)).toBeCloseTo(26.4);
    expect(after.get(`slice_operator_desired_replicas{cnf=${cnfs[0]},namespace=ns,slice=embb}`)).toBe(3);
    expect(after.get(`slice_operator_ready_replicas{cnf=${cnfs[0]},namespace=ns,slice=embb}`)).toBe(3);
    expect(after.get('slice_operator_forecast_error{namespace=ns,slice=embb}')).toBe(20 - 12);
    expect(after.get('slice_operator_slice_degraded{namespace=ns,slice=embb}')).toBe(1);

    m.forget('ns/embb');
    const left = await series(registry);
    expect(of(left, 'embb')).toEqual([]);
    expect(of(left, 'other')).toEqual(of(after, 'other'));
    m.forget('ns/never-observed');
  });
});

describe('SliceMetrics memory', () => {
  it('holds no prom-client series per slice: well under the 1,836 bytes a slice they took', () => {
    // A child with --expose-gc (the benchmark re-runs itself with it) measures live memory only.
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/slice-metrics-memory.ts', '2000'], { cwd: repoRoot, encoding: 'utf8' });
    const m = /([\d,]+) series: .* (-?\d+) bytes per slice/.exec(out);
    expect(m).not.toBeNull();
    expect(Number(m![1]!.replaceAll(',', ''))).toBe(2000 * 13);
    // 630 bytes a slice at 10,000 slices with rows; 1,836 with a prom-client series each.
    expect(Number(m![2])).toBeGreaterThan(0);
    expect(Number(m![2])).toBeLessThan(1000);
  });
});
