/**
 * buildStatus's telemetry figures: refreshed once per forecast step, or with any other change of
 * the status, so a load that moves every cycle does not rewrite every slice's status every cycle.
 */
import { describe, expect, test } from '@jest/globals';
import type { SliceLoad } from '../../../src/telemetry/slice-load.js';
import { buildStatus, type StatusInput } from '../../../src/controller/status.js';
import { canonicalJson } from '../../../src/controller/subset.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import { examples } from '../../fixtures/api/corpus.js';

const r = toSliceView({ ...examples().find((e) => e.file === 'embb.yaml')!.manifest, metadata: { name: 'embb', namespace: 'ns', uid: 'u1', generation: 1 } });
if (!r.ok) throw new Error('example does not parse');
const view = r.view;
const upf = view.cnfs.find((c) => c.type === 'upf')!.name;

const STEP_MS = 3_600_000;
const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const stepOf = (ms: number) => Math.floor(ms / STEP_MS);
const load = (current: number, observedAt: number): SliceLoad => ({
  current,
  observedAt,
  calibration: 1,
  forecast: { source: 'model', model: 'm', p50: current, p90: current * 1.1, p99: current * 1.2 },
  forecastPeak: current * 1.1,
});
const input = (l: SliceLoad, desired = 2): StatusInput => ({
  generation: 1,
  now: new Date(l.observedAt!),
  ready: true,
  view,
  replicas: { [upf]: { desired, ready: desired } },
  upfSites: ['edge-a'],
  load: l,
  sameStep: (at) => stepOf(Date.parse(at)) === stepOf(l.observedAt!),
});
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

describe('buildStatus telemetry figures', () => {
  const first = buildStatus(undefined, input(load(100, T0 + 60_000)));

  test('a new status carries the load and forecast', () => {
    expect(first.currentLoad).toEqual({ sessions: 100, observedAt: '2026-11-25T10:01:00Z' });
    expect(first.forecast?.p90).toBe(110);
  });

  test('only the load moved within the step: the status is unchanged (no write)', () => {
    const next = buildStatus(first, input(load(104, T0 + 120_000)));
    expect(same(next, first)).toBe(true);
    expect(next.currentLoad?.sessions).toBe(100);
  });

  test('a new step: fresh figures', () => {
    const next = buildStatus(first, input(load(180, T0 + STEP_MS + 60_000)));
    expect(next.currentLoad).toEqual({ sessions: 180, observedAt: '2026-11-25T11:01:00Z' });
    expect(next.forecast?.p90).toBe(198);
  });

  test('anything else changed within the step: written with fresh figures', () => {
    const next = buildStatus(first, input(load(260, T0 + 120_000), 3));
    expect(next.upfReplicas).toBe(3);
    expect(next.currentLoad?.sessions).toBe(260);
    expect(next.forecast?.p99).toBe(312);
  });

  test('without a step check (no telemetry clock), every change is written', () => {
    const { sameStep: _omitted, ...noStep } = input(load(104, T0 + 120_000));
    expect(buildStatus(first, noStep).currentLoad?.sessions).toBe(104);
  });
});
