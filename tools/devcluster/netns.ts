/**
 * A command in a private network namespace whose one interface is loopback (`unshare --net`,
 * then `ip link set lo up`): servers that bind every interface (KEDA's adapter, keda.ts) are
 * then reachable on loopback only. Needs root or user namespaces; the command is supervised
 * like every rig process (process.ts), so it dies with its parent.
 */
import { spawnSync } from 'node:child_process';
import { startSupervised, type SupervisedProcess } from './process.js';
import { ComponentStartError } from './errors.js';

const INNER = 'ip link set lo up && exec "$@"';

/** Whether this machine can make a private network namespace here. */
export function canUnshareNetwork(): boolean {
  const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
  return r.status === 0;
}

export function startInPrivateNetwork(name: string, command: string, args: string[], logFile: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string; graceSeconds?: number } = {}): SupervisedProcess {
  if (!canUnshareNetwork()) throw new ComponentStartError(name, 'cannot create a private network namespace here (unshare --net needs root or user namespaces, and ip from iproute2)');
  return startSupervised(name, 'unshare', ['--net', '--', 'sh', '-c', INNER, name, command, ...args], logFile, opts);
}
