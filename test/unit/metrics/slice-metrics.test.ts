import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import type { SliceLoad } from '../../../src/metrics/load-observer.js';
import { SliceMetrics } from '../../../src/metrics/slice-metrics.js';
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
  history: [current],
  lastStep: 0,
  forecast: { p50: [p50], p90: [p50 * 1.2], p99: [p50 * 1.5] } as unknown as SliceLoad['forecast'],
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

describe('SliceMetrics label objects', () => {
  it('share one hidden class per label set (V8 gave each object a class of its own when they were spread)', () => {
    // %HaveSameMap needs --allow-natives-syntax, which this process does not have: a child checks.
    const code = `
      import { Registry } from 'prom-client';
      import { SliceMetrics } from './src/metrics/slice-metrics.ts';
      import { toSliceView } from './src/controller/view-from-api.ts';
      import { examples } from './test/fixtures/api/corpus.ts';
      const r = toSliceView({ ...examples().find((e) => e.file === 'embb.yaml').manifest, metadata: { name: 'embb', namespace: 'ns', uid: 'u1', generation: 1 } });
      const registry = new Registry();
      const m = new SliceMetrics(registry);
      const load = { current: 1, observedAt: 0, history: [1], lastStep: 0, forecast: { p50: [1], p90: [2], p99: [3] }, calibration: 1 };
      const replicas = Object.fromEntries(r.view.cnfs.map((c) => [c.name, 1]));
      for (let i = 0; i < 200; i++) m.observe('ns/s-' + i, r.view, load, replicas, [], false);
      const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
      const labels = async (name) => (await registry.getSingleMetric(name).get()).values.map((v) => v.labels);
      const forecast = await labels('slice_operator_forecast');
      const desired = await labels('slice_operator_desired_replicas');
      console.log(JSON.stringify({ forecast: forecast.length, desired: desired.length, forecastShared: forecast.every((l) => same(l, forecast[0])), desiredShared: desired.every((l) => same(l, desired[0])) }));
    `;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ forecast: 600, desired: 200 * view().cnfs.length, forecastShared: true, desiredShared: true });
  });
});
