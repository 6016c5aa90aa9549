/**
 * stopWithCommand and commandAncestors (tools/devcluster/process.ts) on real process trees: a dev
 * tool's entry point stops what it started when its command's processes above it go away, as
 * when npm passes SIGTERM to its `sh -c` and the shell dies without passing it on. The entry point
 * here is a small script run with tsx under `sh -c` (as npm runs a script), holding one supervised
 * `sleep`; the test kills the shell and checks that the script stopped the sleep and exited.
 * The same through `npm run cluster` and `npm run demo`: command-signals.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commandAncestors, procEntry } from '../../../../tools/devcluster/process.js';
import { Leftovers } from '../../../fixtures/tools/leftovers.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const processTs = pathToFileURL(path.join(root, 'tools/devcluster/process.ts')).href;

const leftovers = new Leftovers();
afterEach(() => leftovers.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) {
    const v = f();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Alive: the same process (pid and start time), not a zombie. */
const running = (pid: number, start: string): boolean => {
  const e = procEntry(pid);
  return e !== undefined && !e.zombie && e.start === start;
};

/** `sh -c` with a command after the script, so the shell forks it rather than exec'ing it (as under npm). */
function underShell(script: string): { shell: ChildProcess; output: () => string } {
  const shell = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${script}"; echo "script exited: $?"`], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  leftovers.group(shell);
  let out = '';
  shell.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  shell.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { shell, output: () => out };
}

function entryScript(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stop-with-command-'));
  leftovers.dir(dir);
  const file = path.join(dir, 'entry.mts');
  writeFileSync(
    file,
    `import { startSupervised, stopWithCommand } from '${processTs}';
const held = startSupervised('sleep', 'sleep', ['600'], '${path.join(dir, 'sleep.log')}');
stopWithCommand((why) => {
  console.log('stopping: ' + why);
  void held.stop().then(() => { console.log('stopped'); process.exit(0); });
}, { pollMs: 100 });
setInterval(() => undefined, 1 << 30);
setTimeout(() => console.log('ready ' + process.pid + ' ' + held.child.pid), 200);
`,
  );
  return file;
}

describe('commandAncestors', () => {
  it('lists the parent, then the ancestors in the same process group up to its leader', async () => {
    const outer = spawn('sh', ['-c', 'sh -c "sleep 30; true"; true'], { detached: true, stdio: 'ignore' });
    leftovers.group(outer);
    const inner = await until('the inner shell', () => childrenOf(outer.pid!)[0]);
    const leaf = await until('sleep', () => childrenOf(inner)[0]);
    expect(commandAncestors(leaf).map((e) => e.pid)).toEqual([inner, outer.pid]);
    // The group leader's parent (this test, another group) is not part of the command.
    expect(commandAncestors(outer.pid!).map((e) => e.pid)).toEqual([process.pid]);
  });
});

describe('stopWithCommand', () => {
  it('stops what the entry point started when the shell above it dies of SIGTERM', async () => {
    const { shell, output } = underShell(entryScript());
    const [entry, held] = (await until('the entry point', () => /ready (\d+) (\d+)/.exec(output())?.slice(1).map(Number))) as [
      number,
      number,
    ];
    const heldStart = procEntry(held)!.start;
    const entryStart = procEntry(entry)!.start;
    // What npm does with a SIGTERM: pass it to its `sh -c`, which dies of it without passing it on.
    process.kill(shell.pid!, 'SIGTERM');
    await until('the held process to stop', () => (running(held, heldStart) ? undefined : true));
    await until('the entry point to exit', () => (running(entry, entryStart) ? undefined : true));
    expect(output()).toMatch(/stopping: process \d+ of the command exited/);
    expect(output()).toContain('stopped');
  });

  it('stops on SIGTERM and SIGINT of its own process', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { output } = underShell(entryScript());
      const [entry, held] = (await until('the entry point', () => /ready (\d+) (\d+)/.exec(output())?.slice(1).map(Number))) as [
        number,
        number,
      ];
      const heldStart = procEntry(held)!.start;
      process.kill(entry, signal);
      await until('the held process to stop', () => (running(held, heldStart) ? undefined : true));
      await until('the script to exit', () => (/script exited: 0/.test(output()) ? true : undefined));
      expect(output()).toContain(`stopping: ${signal}`);
    }
  });
});

/** Children of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => procEntry(p)?.ppid === pid);
}
