/**
 * The main job, end to end, shortened: `npm run demo`'s entry point with two replayed hours. It
 * tunes both policies with the twin, re-runs itself in a private network namespace, starts its
 * own control plane with KEDA, Prometheus, replayer and operator process, and must exit 0 with a
 * report whose rows, plots and frontiers come from that run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './support.js';

// 2013-12-03 06:00-08:00 CET: the steepest part of the morning rise, so that both policies scale.
test('npm run demo (2 replayed hours) runs start to finish and writes its report', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'slice-demo-'));
  try {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tools/cmd/demo.ts'), '--hours', '2', '--start-hour', '774', '--out', out], { cwd: repoRoot, timeout: 540_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(r.stderr).not.toMatch(/demo failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NAME\s+POLICY\s+LOAD\s+FORECAST\s+UPF DESIRED\/READY\s+READY CAPACITY\s+SITES/);
    expect(r.stdout).toMatch(/embb-video-keda\s+KEDA\/HPA target \d+ %/);
    const report = readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const name of ['embb-video', 'urllc-factory', 'mmtc-meters']) {
      // Two replayed hours are 12 ten-minute intervals; the twin predicted the same 12.
      expect(report).toMatch(new RegExp(`\\| ${name} \\| \\w+ \\| operator \\| lead time, p\\d\\d \\+\\d+ % \\| \\d+ / 12 \\| [\\d.]+ \\| .* \\| \\d+ / 12, [\\d.]+ rh \\|`));
      expect(report).toMatch(new RegExp(`\\| ${name} \\|[^\\n]*\\n\\| \\| \\| KEDA/HPA \\| target \\d+ % \\| \\d+ / 12 \\| [\\d.]+ \\|`));
      expect(readFileSync(path.join(out, `${name}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*KEDA\/HPA Ready capacity[\s\S]*<\/svg>$/);
      expect(readFileSync(path.join(out, `${name}-frontier.svg`), 'utf8')).toMatch(/^<svg[\s\S]*this run: operator[\s\S]*<\/svg>$/);
    }
    // Both policies scaled during the run.
    const ticks = JSON.parse(readFileSync(path.join(out, 'ticks.json'), 'utf8')) as Record<string, { replicas: number }[]>;
    expect(new Set(ticks['embb-video-keda']!.map((t) => t.replicas)).size).toBeGreaterThan(1);
    expect(new Set(ticks['embb-video']!.map((t) => t.replicas)).size).toBeGreaterThan(1);
    expect(existsSync(path.join(out, 'operator.log'))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 600_000);
