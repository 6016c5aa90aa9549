/**
 * replayAll and prepareAll on worker threads give exactly what one thread gives, in the slices'
 * order. Real worker threads need the TypeScript loader, which jest's own module system is not:
 * the check runs in a child node process with tsx, as the whatif command and its benchmark do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../../tools/devcluster/binaries.js';

const root = repoRoot();
const mod = (p: string) => pathToFileURL(path.join(root, p)).href;

const SCRIPT = `
import { sliceViewsFromFile } from '${mod('src/twin/manifests.ts')}';
import { prepareAll, replayAll, MIN_SLICES_PER_WORKER } from '${mod('src/twin/replay-pool.ts')}';
import { Forecaster } from '${mod('src/forecast/forecaster.ts')}';
import { DEFAULT_TIMING } from '${mod('src/twin/simulate.ts')}';
const view = sliceViewsFromFile(${JSON.stringify(path.join(root, 'examples', 'embb.yaml'))})[0];
const hours = 216 + 24;
const slices = Array.from({ length: 3 * MIN_SLICES_PER_WORKER }, (_, i) => {
  const values = Float64Array.from({ length: hours }, (_, h) => 60 + 50 * Math.sin((h + i) / 3.8) + (i % 7));
  const f = (k) => Float32Array.from({ length: 24 }, (_, j) => values[216 + j] * k);
  const q = (k) => ({ peak: f(k), calib: new Float32Array(24).fill(1), next: f(k), second: f(k) });
  return { name: 's' + i, view, series: { startMs: 0, stepSeconds: 3600, values }, forecasts: { firstHour: 216, hours: 24, q: { p50: q(1), p90: q(1.1), p99: q(1.2) }, source: 'test' } };
});
const opts = { timing: DEFAULT_TIMING, hpa: { targetUtilization: 0.8 }, warmupHours: 48 };
const one = await replayAll(slices, opts, { workers: 1, withTrace: true });
const three = await replayAll(slices, opts, { workers: 3, withTrace: true });
const plain = (runs) => JSON.stringify(runs.map((r) => ({ ...r, trace: Object.fromEntries(Object.entries(r.trace).map(([k, v]) => [k, Array.from(v)])) })));
// prepareAll: each worker forecasts its share with its own model; the same forecasts as one thread.
const history = slices.slice(0, 2 * MIN_SLICES_PER_WORKER).map((s, i) => ({ ...s, series: { ...s.series, values: Float64Array.from({ length: 168 + 48 + 6 }, (_, h) => 80 + 40 * Math.sin((h + i) / 3.8)) } }));
const forecaster = await Forecaster.create();
const p1 = await prepareAll(forecaster, history, 48, true, { workers: 1 });
const p2 = await prepareAll(forecaster, history, 48, true, { workers: 2 });
await forecaster.close();
const fc = (ps) => JSON.stringify(ps.map((p) => [p.name, Array.from(p.forecasts.q.p50.next), Array.from(p.forecasts.q.p99.peak), Array.from(p.forecasts.q.p99.calib)]));
process.stdout.write(JSON.stringify({ n: one.length, same: plain(one) === plain(three), rh: one.reduce((a, r) => a + r.hpa.replicaHours, 0), prepared: p2.length, samePrepared: fc(p1) === fc(p2), source: p2[0].forecasts.source }));
`;

describe('replayAll and prepareAll', () => {
  test('worker threads give the runs and forecasts of one thread, in order', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'replay-pool-'));
    try {
      const file = path.join(dir, 'check.mjs');
      writeFileSync(file, SCRIPT);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root });
      const r = JSON.parse(stdout) as { n: number; same: boolean; rh: number; prepared: number; samePrepared: boolean; source: string };
      expect(r.n).toBe(150);
      expect(r.rh).toBeGreaterThan(0);
      expect(r.same).toBe(true);
      expect(r.prepared).toBe(100);
      expect(r.source).toBe('onnx');
      expect(r.samePrepared).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
