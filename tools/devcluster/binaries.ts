import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingBinariesError } from './errors.js';

export const REQUIRED_BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubectl',
  'kwok',
  'helm',
] as const;
export type BinaryName = (typeof REQUIRED_BINARIES)[number];
export type BinaryPaths = Record<BinaryName, string>;

/** Repository root, found from this file's location so it works from src/ (tsx/jest) and dist/. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'hack', 'bins', 'build.sh'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new MissingBinariesError('cannot find hack/bins/build.sh above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

function pathsIn(dir: string): BinaryPaths {
  return Object.fromEntries(REQUIRED_BINARIES.map((b) => [b, path.join(dir, b)])) as BinaryPaths;
}

function missingIn(dir: string): string[] {
  return REQUIRED_BINARIES.filter((b) => !existsSync(path.join(dir, b)));
}

/**
 * Where the control-plane binaries come from, in order:
 * 1. SLICE_OPERATOR_ASSETS or KUBEBUILDER_ASSETS: a directory of prebuilt binaries (all must exist;
 *    a partial directory is an error, never a silent fallback);
 * 2. otherwise hack/bins/build.sh builds them from the Go module proxy into a cache outside the
 *    repository (first run: minutes on 2 cores, see the README's timings; later runs: instant).
 */
export function resolveBinaries(opts: { build?: boolean; log?: (line: string) => void } = {}): BinaryPaths {
  const envName = process.env.SLICE_OPERATOR_ASSETS ? 'SLICE_OPERATOR_ASSETS' : process.env.KUBEBUILDER_ASSETS ? 'KUBEBUILDER_ASSETS' : undefined;
  if (envName) {
    const dir = process.env[envName] as string;
    const missing = missingIn(dir);
    if (missing.length > 0) {
      throw new MissingBinariesError(
        `${envName}=${dir} lacks ${missing.join(', ')}. Put prebuilt binaries named ${REQUIRED_BINARIES.join(' ')} there, ` +
          `or unset ${envName} to build them with hack/bins/build.sh (needs Go >= 1.24).`,
      );
    }
    return pathsIn(dir);
  }
  const script = path.join(repoRoot(), 'hack', 'bins', 'build.sh');
  const printed = spawnSync('bash', [script, '--print'], { encoding: 'utf8' });
  const cached = printed.stdout.trim();
  if (printed.status === 0 && cached && existsSync(path.join(cached, '.complete')) && missingIn(cached).length === 0) {
    return pathsIn(cached);
  }
  if (opts.build === false) {
    throw new MissingBinariesError(`control-plane binaries are not built yet; run: bash ${script}`);
  }
  opts.log?.(`building control-plane binaries with ${script} (first run takes a while)...`);
  const built = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (built.status !== 0) {
    throw new MissingBinariesError(
      `hack/bins/build.sh failed (exit ${built.status ?? built.signal}). Fix the error above, or set ` +
        `SLICE_OPERATOR_ASSETS to a directory of prebuilt ${REQUIRED_BINARIES.join(', ')}.`,
    );
  }
  const dir = built.stdout.trim().split('\n').pop() ?? '';
  const missing = missingIn(dir);
  if (missing.length > 0) throw new MissingBinariesError(`build finished but ${missing.join(', ')} missing in ${dir}`);
  return pathsIn(dir);
}
