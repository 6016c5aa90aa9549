/**
 * A memory cgroup for the operator under benchmark, so that it runs with the memory limit the
 * Helm chart gives its container. The limit matters beyond OOM kills: Node.js sizes V8's heap from
 * it (uv_get_constrained_memory), and with no limit from the machine's memory instead, under which
 * V8 lets the heap grow to several times the live set: an unlimited benchmark measures a process
 * nobody deploys.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseQuantity } from '../src/index.js';

export interface MemoryCgroup {
  readonly limitBytes: number;
  /** Changes the limit (a lower one than the usage makes the kernel reclaim or OOM-kill). */
  setLimit(bytes: number): void;
  /** Prefix for a command: it joins the cgroup, then execs the command (same pid). */
  wrap(binary: string, args: string[]): { binary: string; args: string[] };
  /** Removes the cgroup; its processes must have exited. */
  remove(): void;
}

/** The memory limit of the chart's operator container (resources.limits.memory in values.yaml). */
export function chartMemoryLimit(valuesFile: string): number | undefined {
  const values = parse(readFileSync(valuesFile, 'utf8')) as { resources?: { limits?: { memory?: string | number } } };
  const memory = values.resources?.limits?.memory;
  return memory === undefined ? undefined : parseQuantity(String(memory));
}

/**
 * The directory of this process's own memory cgroup: cgroup v2 ("0::/path") when the memory
 * controller is enabled for children there, else v1 ("N:memory:/path").
 */
export function ownMemoryCgroupDir(procSelfCgroup: string, root = '/sys/fs/cgroup'): string | undefined {
  const lines = procSelfCgroup.trim().split('\n').map((l) => l.split(':'));
  const v1 = lines.find(([, controllers]) => controllers?.split(',').includes('memory'));
  if (v1) return path.join(root, 'memory', v1.slice(2).join(':'));
  const v2 = lines.find(([id, controllers]) => id === '0' && controllers === '');
  if (!v2) return undefined;
  const dir = path.join(root, v2.slice(2).join(':'));
  const subtree = path.join(dir, 'cgroup.subtree_control');
  return existsSync(subtree) && readFileSync(subtree, 'utf8').split(/\s+/).includes('memory') ? dir : undefined;
}

/**
 * A child memory cgroup limited to limitBytes, or the reason it cannot be made here (no cgroup
 * filesystem, not writable, memory controller not delegated).
 */
export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup | { error: string } {
  let parent: string | undefined;
  try {
    parent = ownMemoryCgroupDir(readFileSync('/proc/self/cgroup', 'utf8'));
  } catch (e) {
    return { error: `cannot read /proc/self/cgroup: ${(e as Error).message}` };
  }
  if (!parent) return { error: 'no memory cgroup controller available to this process' };
  const dir = path.join(parent, name);
  // cgroup v1 names the limit memory.limit_in_bytes, v2 memory.max.
  const limitFile = () => path.join(dir, existsSync(path.join(dir, 'memory.limit_in_bytes')) ? 'memory.limit_in_bytes' : 'memory.max');
  try {
    mkdirSync(dir);
    writeFileSync(limitFile(), String(limitBytes));
  } catch (e) {
    try {
      rmdirSync(dir);
    } catch {
      // It was never made.
    }
    return { error: `cannot make memory cgroup ${dir}: ${(e as Error).message}` };
  }
  const procs = path.join(dir, 'cgroup.procs');
  return {
    limitBytes,
    setLimit: (bytes) => writeFileSync(limitFile(), String(bytes)),
    // `$$` of the sh is the pid the exec keeps, so the command itself is in the cgroup before it starts.
    wrap: (binary, args) => ({ binary: '/bin/sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', procs, binary, ...args] }),
    remove: () => rmdirSync(dir),
  };
}
