import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/**
 * Runs the real binary under a tiny bash guard that holds a pipe from us on fd 3: when that pipe
 * closes — because we stop the process, or because the node process died, even by SIGKILL — the
 * guard sends SIGTERM, then SIGKILL after a grace period. So no test run, crash or Ctrl-C can leave
 * an etcd or kube-apiserver behind.
 */
const GUARD = `
exec 3<&0
"$@" 3<&- </dev/null &
child=$!
( read -r _ <&3; kill -TERM "$child" 2>/dev/null; sleep "$GRACE"; kill -KILL "$child" 2>/dev/null ) &
watcher=$!
wait "$child"; rc=$?
kill "$watcher" 2>/dev/null
exit $rc
`;

export interface SupervisedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string>;
  stop(): Promise<number | string>;
  running(): boolean;
}

export function startSupervised(
  name: string,
  binary: string,
  args: string[],
  logFile: string,
  opts: { env?: NodeJS.ProcessEnv; graceSeconds?: number; cwd?: string } = {},
): SupervisedProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn('bash', ['-c', GUARD, name, binary, ...args], {
    stdio: ['pipe', fd, fd],
    env: { ...process.env, ...opts.env, GRACE: String(opts.graceSeconds ?? 5) },
    cwd: opts.cwd,
  });
  closeSync(fd);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve(code ?? signal ?? 'unknown');
    });
  });
  // The guard pipe must not keep the event loop alive on its own.
  child.stdin?.on('error', () => undefined);
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  child.unref();
  return {
    name,
    logFile,
    child,
    exited,
    running: () => !done,
    stop: async () => {
      // Hold the event loop while the process shuts down: with only unref'd handles left, node
      // would exit mid-await (and jest would skip its teardown and result file).
      child.ref();
      if (!done) child.stdin?.end();
      return exited;
    },
  };
}
