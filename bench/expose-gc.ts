import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Whether this process can call gc(). If not, runs the script at `scriptUrl` again with
 * --expose-gc (and the same Node.js flags and arguments), prints what it printed, and returns
 * false: a memory figure is read after a full collection, so it holds only what is live.
 */
export function gcExposedOrRerun(scriptUrl: string, args: string[]): boolean {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return true;
  process.stdout.write(execFileSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(scriptUrl), ...args], { encoding: 'utf8' }));
  return false;
}

declare function gc(): void;

/**
 * A full collection whose freed ArrayBuffer memory has been given back: backing stores are freed
 * after the collection, so `process.memoryUsage().arrayBuffers` read right after one gc() still
 * counts buffers that are already garbage, and differently from one run to the next.
 */
export async function fullGc(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}
