/**
 * No Docker engine here, so the image is checked by what it is made of: every file the
 * Dockerfile copies from the build context exists and is not excluded by .dockerignore, the
 * build stage's outputs are what `npm run build` produces, and the ENTRYPOINT the image runs
 * loads with all its imports (it prints its --help and rejects a bogus flag the way the operator
 * does).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** .dockerignore semantics for this file's shape: `*` then `!path` re-includes (dirs end in /). */
const included = (p: string): boolean => {
  let inc = true;
  for (const rule of ignore) {
    const neg = rule.startsWith('!');
    const pat = (neg ? rule.slice(1) : rule).replace(/\/$/, '');
    if (pat === '*' || p === pat || p.startsWith(`${pat}/`) || pat.startsWith(`${p}/`)) inc = neg;
  }
  return inc;
};

const copies = [...dockerfile.matchAll(/^COPY\s+(--from=\S+\s+)?(.+)$/gm)].map((m) => ({ from: m[1]?.trim(), args: m[2]!.trim().split(/\s+/) }));

describe('Dockerfile', () => {
  it('copies from the context only files that exist and that .dockerignore lets through', () => {
    const sources = copies.filter((c) => !c.from).flatMap((c) => c.args.slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const s of sources) {
      expect([s, existsSync(path.join(root, s))]).toEqual([s, true]);
      expect([s, included(s)]).toEqual([s, true]);
    }
    expect(included('models/forecaster.onnx')).toBe(true);
    expect(included('node_modules')).toBe(false);
    expect(included('test')).toBe(false);
  });

  it('runs as non-root from a multi-stage build', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBe(2);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
  });

  it('the build stage output holds the ENTRYPOINT, which starts and validates its flags', () => {
    const out = path.join(root, '.cache', 'docker-build-check');
    rmSync(out, { recursive: true, force: true });
    // Same compiler config as `npm run build` in the image, into a scratch directory.
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(out, 'dist')], { stdio: 'pipe' });
    const [, ...nodeArgs] = JSON.parse(dockerfile.match(/^ENTRYPOINT (\[.*\])$/m)![1]!) as string[];
    const entry = nodeArgs.pop()!;
    expect(entry).toMatch(/^dist\//);
    // The image holds the operator and what it imports, no tooling (dev cluster, demo, replayer,
    // evaluation, doc generators live in tools/ and are never compiled into dist/).
    const built = (readdirSync(path.join(out, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    expect(built).toContain(path.join('cmd', 'operator.js'));
    expect([...new Set(built.map((f) => f.split(path.sep)[0]))].sort()).toEqual(['api', 'cmd', 'controller', 'forecast', 'runtime', 'telemetry']);
    expect(built.filter((f) => /devcluster|demo|replayer|eval|gen-crds|reference-doc|crd-yaml|install-crd/.test(f))).toEqual([]);
    expect(copies.some((c) => c.from === '--from=build' && c.args[0] === '/src/dist')).toBe(true);
    // With the image's Node.js flags, so a flag this Node.js does not take fails here.
    const r = spawnSync(process.execPath, [...nodeArgs, path.join(out, entry), '--no-such-flag'], { encoding: 'utf8', cwd: root, timeout: 60_000 });
    expect(r.stderr).toContain('unknown flag(s): --no-such-flag');
    expect(r.status).toBe(2);
    const help = spawnSync(process.execPath, [...nodeArgs, path.join(out, entry), '--help'], { encoding: 'utf8', cwd: root, timeout: 60_000 });
    expect([help.status, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^Usage: node dist\/cmd\/operator\.js/);
    expect(help.stdout).toContain('--prometheus-url=URL');
    rmSync(out, { recursive: true, force: true });
  }, 120_000);
});
