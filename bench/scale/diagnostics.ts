/** Profiles and snapshots taken on request (--heap-snapshot, --profile-apiserver). */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { LocalCluster } from '../../tools/devcluster/cluster.js';
import { operatorNodePid, type OperatorLauncher } from './operator.js';

/** Asks the operator (node under its guard `guardPid`) for a heap snapshot and waits until it is written. */
export async function heapSnapshot(guardPid: number, dir: string): Promise<void> {
  const before = new Set(readdirSync(dir));
  process.kill(operatorNodePid(guardPid), 'SIGUSR2');
  const deadline = Date.now() + 600_000;
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000));
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    const size = file ? statSync(path.join(dir, file)).size : -1;
    // Written in one pass: done when the file stops growing.
    if (file && size > 0 && size === last)
      return console.log(`operator heap snapshot: ${path.join(dir, file)} (${Math.round(size / 2 ** 20)} MB)`);
    if (Date.now() > deadline) throw new Error('heap snapshot: not written in 10 min');
    last = size;
  }
}

/**
 * A heap snapshot of an operator under the launcher's memory cgroup. V8 builds the snapshot in
 * the process's own memory, about as much again as the heap, more than the chart's limit leaves:
 * the limit is raised for it (the caller sets it back before the next operator starts).
 */
export async function heapSnapshotUnderLimit(launcher: OperatorLauncher, guardPid: number, dir: string): Promise<void> {
  launcher.cgroup?.setLimit(4 * launcher.cgroup.limitBytes);
  await heapSnapshot(guardPid, dir);
}

/** A CPU profile of kube-apiserver over the next `seconds`, written to `file` (pprof format). */
export async function apiserverProfile(cluster: LocalCluster, file: string, seconds: number): Promise<void> {
  const { pki, server } = cluster.details;
  const admin = pki.clients.admin!;
  const res = await new Promise<Buffer>((resolve, reject) => {
    const req = https.request(
      `${server}/debug/pprof/profile?seconds=${seconds}`,
      { ca: readFileSync(pki.caCert), cert: readFileSync(admin.cert), key: readFileSync(admin.key), timeout: (seconds + 30) * 1000 },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => (r.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`pprof: HTTP ${r.statusCode}`))));
      },
    );
    req.on('timeout', () => req.destroy(new Error('pprof: timeout')));
    req.on('error', reject);
    req.end();
  });
  writeFileSync(file, res);
  console.log(`kube-apiserver CPU profile (${seconds} s from the first create): ${file}`);
}
