/** The operator under benchmark: its own process, as the image runs it, in a cgroup of the chart's memory limit. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/index.js';
import type { LocalCluster } from '../../tools/devcluster/cluster.js';
import { freePort } from '../../tools/devcluster/ports.js';
import { startSupervised, type SupervisedProcess } from '../../tools/devcluster/process.js';
import { chartMemoryLimit, createMemoryCgroup, type MemoryCgroup } from '../memory-cgroup.js';

/** How the image runs the operator: Node.js flags of its ENTRYPOINT and the runtime stage's environment. */
export interface ImageRuntime {
  imageFlags: string[];
  imageEnv: Record<string, string>;
  /** Flags and NAME=value environment tokens, for the figures' description. */
  imageTokens: string[];
}

/** Reads the ENTRYPOINT's Node.js flags and the ENV lines after the last FROM (e.g. malloc settings). */
export function imageRuntime(dockerfile: string): ImageRuntime {
  const [, ...imageArgs] = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
  const imageFlags = imageArgs.slice(0, -1);
  const imageEnv = Object.fromEntries(
    [...dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')).matchAll(/^ENV ([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  return { imageFlags, imageEnv, imageTokens: [...imageFlags, ...Object.entries(imageEnv).map(([k, v]) => `${k}=${v}`)] };
}

/** The operator's /metrics port and its /healthz, /readyz port. */
export interface OperatorPorts {
  metrics: number;
  probe: number;
}

/** Two free loopback ports for an operator. */
export const operatorPorts = async (): Promise<OperatorPorts> => ({ metrics: await freePort(), probe: await freePort() });

export interface OperatorLauncher extends ImageRuntime {
  /** Where the operator runs, for the figures' description. */
  limitText: string;
  cgroup?: MemoryCgroup;
  /** Starts the compiled operator against the cluster, its plain-HTTP metrics and its probes on 127.0.0.1 and these ports. */
  start(nodeFlags: string[], ports: OperatorPorts, env?: NodeJS.ProcessEnv, operatorArgs?: string[]): SupervisedProcess;
  waitReady(ports: OperatorPorts): Promise<void>;
}

/** The memory limit as the chart gives the operator's container: Node.js sizes V8's heap from it. */
function chartLimitCgroup(root: string): { cgroup?: MemoryCgroup; limitText: string } {
  const limit = chartMemoryLimit(path.join(root, 'charts', 'slice-operator', 'values.yaml'));
  const made = limit ? createMemoryCgroup(`slice-bench-${process.pid}`, limit) : { error: 'the chart sets no memory limit' };
  if ('error' in made) return { limitText: `no memory limit (${made.error})` };
  return { cgroup: made, limitText: `in a memory cgroup of the chart's limit (${Math.round(made.limitBytes / 2 ** 20)} MiB)` };
}

/** Whether the operator with its probes on `port` answers /readyz with 200 (no answer: not yet). */
const isReady = (port: number): Promise<boolean> =>
  fetch(`http://127.0.0.1:${port}/readyz`).then(
    (r) => r.ok,
    () => false,
  );

/** Compiles the operator (npm run build's config, no tsx) and gives a way to start it with `workers` workers. */
export function operatorLauncher(cluster: LocalCluster, workers: number): OperatorLauncher {
  const root = packageRoot();
  const dist = path.join(root, '.cache', 'bench-dist');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', dist],
    { stdio: 'inherit' },
  );
  const image = imageRuntime(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
  const { cgroup, limitText } = chartLimitCgroup(root);
  console.log(`operator runs ${limitText}`);
  return {
    ...image,
    limitText,
    cgroup,
    start(nodeFlags, ports, env = {}, operatorArgs = []) {
      const command = [
        ...nodeFlags,
        path.join(dist, 'cmd/operator.js'),
        `--kubeconfig=${cluster.details.kubeconfig}`,
        '--leader-elect=false',
        // Plain HTTP: the bench reads the metrics without credentials.
        `--metrics-bind-address=127.0.0.1:${ports.metrics}`,
        '--metrics-secure=false',
        `--health-probe-bind-address=127.0.0.1:${ports.probe}`,
        `--max-concurrent-reconciles=${workers}`,
        '--log-level=error',
        ...operatorArgs,
      ];
      const { binary, args: argv } = cgroup ? cgroup.wrap(process.execPath, command) : { binary: process.execPath, args: command };
      return startSupervised('slice-operator', binary, argv, path.join(cluster.details.dir, 'operator.log'), { cwd: root, env });
    },
    async waitReady(ports) {
      for (let i = 0; i < 300; i++) {
        if (await isReady(ports.probe)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('operator not ready in 60 s');
    },
  };
}

/** Runs `fn` with a launcher; the memory cgroup goes when it is done. */
export async function withOperatorLauncher<T>(
  cluster: LocalCluster,
  workers: number,
  fn: (launcher: OperatorLauncher) => Promise<T>,
): Promise<T> {
  let launcher: OperatorLauncher | undefined;
  try {
    launcher = operatorLauncher(cluster, workers);
    return await fn(launcher);
  } finally {
    launcher?.cgroup?.remove();
  }
}

/** The operator's node process: the child of its supervising guard. */
export function operatorNodePid(guardPid: number): number {
  const node = execFileSync('pgrep', ['-P', String(guardPid), '-x', 'node'], { encoding: 'utf8' })
    .trim()
    .split('\n')[0];
  if (!node) throw new Error('no node process under the operator guard');
  return Number(node);
}

/** The cluster's directory goes with it: a failed run's operator log is copied out first. */
export function keepOperatorLog(cluster: LocalCluster): string {
  const log = path.join(cluster.details.dir, 'operator.log');
  if (!existsSync(log)) return `none (${log} was not written)`;
  const kept = path.join(os.tmpdir(), `slice-bench-operator-${Date.now()}.log`);
  copyFileSync(log, kept);
  return kept;
}
