/** `slice-operator whatif`: bad input is refused with a clear error naming what is wrong; good input gives the report. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { whatifCommand } from '../../../src/cmd/whatif.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'whatif-'));
const example = path.resolve('examples/embb.yaml');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await whatifCommand(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** Hourly CSV with a daily cycle, `hours` long; `gapAt` leaves one value empty. */
function csv(hours: number, gapAt?: number): string {
  const start = Date.UTC(2026, 10, 1);
  const rows = Array.from({ length: hours }, (_, h) => `${new Date(start + h * 3_600_000).toISOString()},${h === gapAt ? '' : (100 + 60 * Math.sin((2 * Math.PI * h) / 24)).toFixed(2)}`);
  return 'timestamp,sessions\n' + rows.join('\n') + '\n';
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('whatif: bad input', () => {
  test('an unknown manifest field is named with its path', async () => {
    const bad = readFileSync(example, 'utf8').replace('  scaling:\n', '  scaling:\n    headroom: 10\n');
    const r = await run(['--slice', file('bad.yaml', bad), '--csv', file('ok.csv', csv(300))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml: spec\.scaling\.headroom: unknown field/);
  });

  test('an empty history', async () => {
    const r = await run(['--slice', example, '--csv', file('empty.csv', 'timestamp,sessions\n')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/empty\.csv: the history is empty/);
  });

  test('a gappy history: an empty value and a skipped hour', async () => {
    const r = await run(['--slice', example, '--csv', file('gap.csv', csv(300, 250))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/1 missing or invalid samples of 300 \(first at 2026-11-11T10:00:00.000Z/);
    const skipped = csv(300).split('\n').filter((_, i) => i !== 100).join('\n');
    const r2 = await run(['--slice', example, '--csv', file('skip.csv', skipped)]);
    expect(r2.err).toMatch(/1 missing or invalid samples of 300/);
  });

  test('a history too short for the model window and the warm-up', async () => {
    const r = await run(['--slice', example, '--csv', file('short.csv', csv(200))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds 200 whole hours; the replay needs 168 .* 48 .* \(217\)/);
  });

  test('Prometheus unreachable', async () => {
    // A port that was just free on loopback: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await run(['--slice', example, '--prometheus', `http://127.0.0.1:${port}`, '--from', '2026-11-01T00:00:00Z', '--to', '2026-11-12T00:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`Prometheus at http://127.0.0.1:${port} is unreachable`));
  });

  test('an unknown flag and a bad value', async () => {
    expect((await run(['--slice', example, '--csv', 'x', '--frobnicate'])).err).toMatch(/Unknown option '--frobnicate'/);
    expect((await run(['--slice', example, '--csv', 'x', '--hpa-target', '80'])).err).toMatch(/--hpa-target: expected a fraction in \(0, 1\], got "80"/);
    expect((await run(['--slice', example])).err).toMatch(/exactly one of --csv FILE or --prometheus URL/);
  });
});

describe('whatif: a replay', () => {
  test('reports both policies, writes the SVG and the report', async () => {
    const out = path.join(dir, 'out');
    const r = await run(['--slice', example, '--csv', file('good.csv', csv(240)), '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| operator \(predictive, p99 \+10%\) \| \d+ \/ 144 /);
    expect(r.out).toMatch(/\| KEDA\/HPA \(target 80%, sync 15s\) \| \d+ \/ 144 /);
    expect(existsSync(path.join(out, '1-embb-video.svg'))).toBe(true);
    expect(readFileSync(path.join(out, '1-embb-video.svg'), 'utf8')).toMatch(/^<svg/);
  });
});
