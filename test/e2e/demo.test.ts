/**
 * The main job, end to end, shortened: `npm run demo`'s entry point with two replayed hours. It
 * starts its own control plane, Prometheus, replayer and operator process, and must exit 0 with a
 * report whose rows and plots come from that run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './support.js';

test('npm run demo (2 replayed hours) runs start to finish and writes its report', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'slice-demo-'));
  try {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tools/cmd/demo.ts'), '--hours', '2', '--out', out], { cwd: repoRoot, timeout: 300_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(r.stderr).not.toMatch(/demo failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SLICE\s+POLICY\s+LOAD\s+FORECAST\s+UPF\s+CAPACITY\s+SITES/);
    const report = readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const name of ['embb-video', 'urllc-factory', 'mmtc-meters']) {
      expect(report).toMatch(new RegExp(`\\| ${name} \\| \\w+ \\| operator \\(\\w+\\) \\| \\d+ / 2 \\| [\\d.]+ \\|`));
      expect(readFileSync(path.join(out, `${name}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
    expect(existsSync(path.join(out, 'operator.log'))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 360_000);
