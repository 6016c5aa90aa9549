/**
 * A command in a private network namespace whose one interface is loopback (`unshare --net`,
 * then `ip link set lo up`): servers that bind every interface (KEDA's adapter, keda.ts) are
 * then reachable on loopback only. Needs root or user namespaces; the command is supervised
 * like every rig process (process.ts), so it dies with its parent.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSupervised, stopWithCommand, type SupervisedProcess } from './process.js';
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

/**
 * Runs a TypeScript entry point (`script` with `argv`, under this Node and tsx) inside a private
 * network namespace and waits for it. Its output, written to a log file by the supervisor, is
 * copied to `out` as it grows, so a live table stays live. Ctrl-C, SIGTERM or the end of this
 * command stop it (process.ts). Returns its exit code.
 */
export async function rerunInPrivateNetwork(name: string, script: string, argv: string[], o: { cwd: string; out: NodeJS.WritableStream; graceSeconds?: number }): Promise<number | string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-outer-`));
  const logFile = path.join(dir, 'inside.log');
  writeFileSync(logFile, '');
  const child = startInPrivateNetwork(name, process.execPath, ['--import', 'tsx', script, ...argv], logFile, { cwd: o.cwd, graceSeconds: o.graceSeconds ?? 20 });
  const unwatch = stopWithCommand(() => void child.stop());
  // Supervised processes do not hold the event loop by default: this one is all we wait for.
  child.child.ref();
  let offset = 0;
  const copy = (): void => {
    const size = statSync(logFile).size;
    if (size <= offset) return;
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(logFile, 'r');
    try {
      readSync(fd, buf, 0, buf.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    o.out.write(buf);
  };
  const timer = setInterval(copy, 200);
  try {
    return await child.exited;
  } finally {
    clearInterval(timer);
    copy();
    unwatch();
    rmSync(dir, { recursive: true, force: true });
  }
}
