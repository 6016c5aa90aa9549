/**
 * replayAll on worker threads gives exactly the runs of one thread, in the slices' order. Real
 * worker threads need the TypeScript loader, which jest's own module system is not: the check
 * runs in a child node process with tsx, as the whatif command and its benchmark do.
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
import { replayAll, MIN_SLICES_PER_WORKER } from '${mod('src/twin/replay-pool.ts')}';
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
process.stdout.write(JSON.stringify({ n: one.length, same: plain(one) === plain(three), rh: one.reduce((a, r) => a + r.hpa.replicaHours, 0) }));
`;

describe('replayAll', () => {
  test('three worker threads give the runs of one thread, in order', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'replay-pool-'));
    try {
      const file = path.join(dir, 'check.mjs');
      writeFileSync(file, SCRIPT);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root });
      const r = JSON.parse(stdout) as { n: number; same: boolean; rh: number };
      expect(r.n).toBe(150);
      expect(r.rh).toBeGreaterThan(0);
      expect(r.same).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
