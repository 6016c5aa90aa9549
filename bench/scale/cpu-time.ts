import { readdirSync, readFileSync } from 'node:fs';

/** A process to account CPU time to: it and all its descendants. */
export interface Component {
  name: string;
  pid: number;
}

/** CPU seconds (user + system) used so far by a process and all its descendants, from /proc. */
export function cpuSecondsOfTree(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command name: state ppid ... utime(14) stime(15).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(d);
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    ticks.set(pid, Number(f[11]) + Number(f[12]));
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / 100; // USER_HZ is 100 on Linux
}

/** CPU seconds of each component so far, by name: the start of a measurement. */
export const cpuSnapshot = (components: Component[]): Map<string, number> =>
  new Map(components.map((c) => [c.name, cpuSecondsOfTree(c.pid)]));

/** CPU seconds each component used since `before` (a cpuSnapshot of the same components). */
export const cpuSince = (components: Component[], before: Map<string, number>): { name: string; seconds: number }[] =>
  components.map((c) => ({ name: c.name, seconds: cpuSecondsOfTree(c.pid) - before.get(c.name)! }));
