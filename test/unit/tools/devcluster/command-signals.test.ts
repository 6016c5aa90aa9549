/**
 * The dev tools as a user runs them (`npm run cluster`, `npm run demo`, `tsx tools/cmd/...`), each
 * in a process group of its own as a shell with job control starts a command: a signal to the PID
 * the user started (npm's, or tsx's) stops every process the tool started (etcd, kube-apiserver,
 * controller-manager, scheduler, kwok, and the demo's KEDA, Prometheus and operator, which run in
 * its private network namespace), checked by PID and start time, and the command exits. Needs the
 * control-plane binaries (`bash hack/setup.sh`) and, for the demo, Debian's prometheus and KEDA
 * (`bash hack/keda/build.sh`); servers listen on 127.0.0.1 only.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBinaries } from '../../../../tools/devcluster/binaries.js';
import { Leftovers } from '../../../fixtures/tools/leftovers.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

interface Proc {
  pid: number;
  start: string;
  /** The executable's base name. */
  name: string;
  cmdline: string;
}

const leftovers = new Leftovers();
afterEach(() => leftovers.cleanup());

beforeAll(() => {
  // Fails with what is missing and how to get it; never skipped.
  resolveBinaries({ build: false });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parent, start time (clock ticks since boot) and whether it is a zombie, from /proc/<pid>/stat. */
function procEntry(pid: number): { pid: number; ppid: number; start: string; zombie: boolean } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(f[1]), start: f[19] ?? '', zombie: f[0] === 'Z' || f[0] === 'X' };
  } catch {
    return undefined;
  }
}

function cmdlineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Every process below `pid` now. */
function descendants(pid: number): Proc[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const e = procEntry(Number(d));
    if (e) parent.set(e.pid, e.ppid);
  }
  const below = (p: number): boolean => {
    for (let q = parent.get(p); q !== undefined && q > 1; q = parent.get(q)) if (q === pid) return true;
    return false;
  };
  return [...parent.keys()]
    .filter(below)
    .map((p) => {
      const argv = cmdlineOf(p);
      return { pid: p, start: procEntry(p)?.start ?? '', name: path.basename(argv[0] ?? ''), cmdline: argv.join(' ') };
    })
    .filter((p) => p.start);
}

const alive = (p: Proc): boolean => {
  const e = procEntry(p.pid);
  return e !== undefined && !e.zombie && e.start === p.start;
};

interface Command {
  child: ChildProcess;
  exited: Promise<number | string>;
  output: () => string;
}

/** `cmd args...` from the repository, in a process group of its own, as a shell with job control runs it. */
function run(cmd: string, args: string[]): Command {
  const child = spawn(cmd, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  leftovers.group(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, exited, output: () => out };
}

async function waitForOutput(c: Command, pattern: RegExp, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(200)) {
    if (pattern.test(c.output())) return;
    if (c.child.exitCode !== null) break;
  }
  throw new Error(`no ${pattern} from the command; its output:\n${c.output()}`);
}

/**
 * Signals the command's own PID once `ready` shows, and checks that every process it had started
 * is gone and the command exited; returns the processes that were running before the signal.
 */
async function signalAndCheck(c: Command, ready: RegExp, signal: NodeJS.Signals, expected: string[], readyMs = 120_000): Promise<Proc[]> {
  await waitForOutput(c, ready, readyMs);
  const before = descendants(c.child.pid!);
  for (const name of expected) expect([name, before.some((p) => p.name === name)]).toEqual([name, true]);
  process.kill(c.child.pid!, signal);
  // Each supervised process gets SIGTERM, then SIGKILL after its 5 s grace: well within a minute.
  for (const end = Date.now() + 60_000; Date.now() < end && before.some(alive);) await sleep(250);
  expect(before.filter(alive).map((p) => `${p.pid} ${p.cmdline.replace(/\s+/g, ' ').slice(0, 100)}`)).toEqual([]);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([c.exited, new Promise((r) => (timer = setTimeout(() => r('still running'), 10_000)))]);
  clearTimeout(timer);
  expect(code).not.toBe('still running');
  return before;
}

const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

describe('dev tools stop everything they started', () => {
  it('SIGTERM to the PID of `npm run cluster`', async () => {
    const c = run('npm', ['run', 'cluster']);
    await signalAndCheck(c, /export KUBECONFIG=/, 'SIGTERM', CONTROL_PLANE);
  }, 240_000);

  it('SIGINT to the PID of `tsx tools/cmd/devcluster.ts`', async () => {
    const c = run(path.join(root, 'node_modules/.bin/tsx'), ['tools/cmd/devcluster.ts']);
    await signalAndCheck(c, /export KUBECONFIG=/, 'SIGINT', CONTROL_PLANE);
  }, 240_000);

  it('SIGTERM to the PID of `npm run demo`, with Prometheus and the operator running', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'demo-signals-'));
    leftovers.dir(out);
    // 24 replayed hours: twelve minutes, so the demo is still running when the signal comes.
    const c = run('npm', ['run', 'demo', '--', '--hours', '24', '--out', out]);
    const before = await signalAndCheck(c, /operator running/, 'SIGTERM', [...CONTROL_PLANE, 'prometheus', 'keda-operator', 'keda-adapter'], 300_000);
    expect(before.some((p) => p.cmdline.includes('src/cmd/operator.ts'))).toBe(true);
  }, 420_000);
});
