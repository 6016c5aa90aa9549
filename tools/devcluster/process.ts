import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

/**
 * Runs the real binary under a tiny bash guard that holds a pipe from us on fd 3: when that pipe
 * closes — because we stop the process, or because the node process died, even by SIGKILL — the
 * guard sends SIGTERM, then SIGKILL after a grace period. So no test run, crash or Ctrl-C can leave
 * an etcd or kube-apiserver behind. The guard follows this node process only: a dev tool's entry
 * point also stops when the command the user ran ends (`stopWithCommand` below).
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

/** A process as /proc/<pid>/stat describes it. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Start time in clock ticks since boot: with the pid, it names one process even after pid reuse. */
  start: string;
  /** Exited, not yet reaped by its parent. */
  zombie: boolean;
}

export function procEntry(pid: number): ProcEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp session ... starttime ...": comm may hold spaces and parentheses,
  // so the fields are counted from the last ')'; starttime is field 22 of the line.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(f[1]), pgrp: Number(f[2]), start: f[19] ?? '', zombie: f[0] === 'Z' || f[0] === 'X' };
}

/**
 * The processes that ran this one on behalf of the user's command: the parent, then each ancestor
 * in this process's group, up to the group's leader. A shell with job control gives each command
 * line its own group, led by what the user typed (`npm run cluster`: npm, then `sh -c`, then tsx,
 * then this node process). Without /proc (not Linux) the list is empty.
 */
export function commandAncestors(pid = process.pid): ProcEntry[] {
  const self = procEntry(pid);
  if (!self) return [];
  const chain: ProcEntry[] = [];
  for (let p = self.ppid; p > 1;) {
    const e = procEntry(p);
    if (!e) break;
    chain.push(e);
    if (e.pgrp !== self.pgrp || e.pgrp === e.pid) break;
    p = e.ppid;
  }
  return chain;
}

/** The same process (pid and start time) still runs. */
const alive = (e: ProcEntry): boolean => {
  const now = procEntry(e.pid);
  return now !== undefined && !now.zombie && now.start === e.start;
};

/**
 * Calls `stop` once when the command the user ran ends, so a dev tool (the dev cluster, the demo)
 * stops everything it started:
 * - on SIGINT or SIGTERM of this process (tsx passes its own on to it);
 * - when a process between this one and the user's shell exits (`commandAncestors`, polled every
 *   `pollMs`). `npm run X` runs X under `sh -c`, and npm passes SIGTERM and SIGINT to that shell
 *   only: the shell dies of SIGTERM without passing it on, so tsx and this process, re-parented,
 *   would never see a signal. (A SIGINT the shell takes and waits for X to end; only an `exec` in
 *   the npm script, which puts tsx in the shell's place, lets npm's SIGINT reach tsx.)
 * Signals while stopping change nothing: a Ctrl-C reaches npm, tsx and this process at once, and
 * each may pass it on. SIGHUP keeps Node's default: this process dies, and the guards of
 * `startSupervised` stop what it started (SIGTERM, then SIGKILL after their grace period).
 * Returns a function that removes the handlers and the watchdog.
 */
export function stopWithCommand(stop: (why: string) => void, o: { pollMs?: number } = {}): () => void {
  const chain = commandAncestors();
  const parent = process.ppid;
  let stopping = false;
  const fire = (why: string): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(watchdog);
    stop(why);
  };
  const onSignal = (signal: NodeJS.Signals): void => fire(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, onSignal);
  const watchdog = setInterval(() => {
    const gone = chain.find((e) => !alive(e));
    if (gone) fire(`process ${gone.pid} of the command exited`);
    // process.ppid is read from the kernel each time: a new parent means ours exited.
    else if (process.ppid !== parent) fire(`parent ${parent} exited`);
  }, o.pollMs ?? 500);
  watchdog.unref();
  return () => {
    clearInterval(watchdog);
    for (const s of signals) process.off(s, onSignal);
  };
}
