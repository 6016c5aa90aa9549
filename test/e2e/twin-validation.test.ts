/**
 * The what-if twin against the real thing (tools/twin/validate.ts): KEDA's ScaledObject driving
 * kube-controller-manager's HPA and the operator's LeadTime decision, on the real control plane
 * with CNF start-up delays, replaying 6 hours of held-out Milan traffic; the twin replays the
 * same window with the same parameters. It must match each real policy's replicas within one on
 * at least 95 % of the per-second samples. The run happens in a private network namespace.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/forecast/forecaster.js';
import { startSupervised } from '../../tools/devcluster/process.js';
import type { ValidationResult } from '../../tools/twin/validate.js';

const HOURS = 6;
const STEP_SECONDS = 30;
// 2013-11-26 09:00-15:00 CET: the load rises to the day's peak and falls again.
const START_HOUR = 609;

describe('what-if twin against a real KEDA/HPA and the real operator', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-validation-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`the twin is within one replica of both on at least 95 % of ${HOURS} replayed hours`, async () => {
    const out = path.join(dir, 'result.json');
    const root = packageRoot();
    const run = startSupervised(
      'twin-validate',
      process.execPath,
      ['--import', 'tsx', path.join(root, 'tools', 'twin', 'validate.ts'), `--hours=${HOURS}`, `--step-seconds=${STEP_SECONDS}`, `--start-hour=${START_HOUR}`, `--out=${out}`],
      path.join(dir, 'validate.log'),
      { cwd: root, graceSeconds: 20 },
    );
    const code = await run.exited;
    const log = readFileSync(path.join(dir, 'validate.log'), 'utf8');
    if (code !== 0) throw new Error(`tools/twin/validate.ts exited with ${code}:\n${log.split('\n').slice(-40).join('\n')}`);
    const r = JSON.parse(readFileSync(out, 'utf8')) as ValidationResult;
    process.stderr.write(`[twin-validation] ${log.split('\n').filter((l) => l.includes('samples: twin')).join('')}\n`);
    // One sample a second over the window, give or take a few lost to a slow API answer.
    expect(r.agreement.samples).toBeGreaterThan(0.9 * HOURS * STEP_SECONDS);
    // Both policies moved: a validation of two flat lines would prove nothing.
    expect(new Set(r.samples.map((s) => s.hpa)).size).toBeGreaterThan(2);
    expect(new Set(r.samples.map((s) => s.operator)).size).toBeGreaterThan(2);
    expect(r.agreement.hpaWithinOne).toBeGreaterThanOrEqual(0.95);
    expect(r.agreement.operatorWithinOne).toBeGreaterThanOrEqual(0.95);
  }, 900_000);
});
