// `npx tsx bench/anomaly-detector.ts [slices] [podsPerSlice]`: the cost of watching slice health
// at scale. (1) CPU of one telemetry cycle of the load anomaly detector over every slice (median
// of 200 cycles, real Milan loads against a band around them, with injected surges so alarms are
// raised and cleared); (2) live heap of the detector states; (3) live heap of the pod cache the
// operator keeps for CNF health (pods as compactPod leaves them, values shared through a
// ValueTable as the manager's informers do, in a per-slice Indexer).
// Needs --expose-gc (passed below when missing) so that heap figures hold only what is live.
import { compactPod, detectLoad, Indexer, initialDetector, objectKey, packageRoot, podSliceKey, ValueTable, type DetectorState, type KubeObject } from '../src/index.js';
import { loadHourlySquares, milanCsvPath } from '../tools/replayer/milan.js';
import { fullGc, gcExposedOrRerun } from './expose-gc.js';

const SLICES = Number(process.argv[2] ?? 10_000);
const PODS = Number(process.argv[3] ?? 4);
const CYCLES = 200;

class ListCache {
  readonly items = new Map<string, KubeObject>();
  get = (k: string) => this.items.get(k);
  list = () => [...this.items.values()];
  on(): void {}
}

if (gcExposedOrRerun(import.meta.url, [String(SLICES), String(PODS)])) {
  const mb = (b: number) => (b / 2 ** 20).toFixed(2);
  const rows = loadHourlySquares(milanCsvPath(packageRoot()));
  const heap = async () => {
    await fullGc();
    return process.memoryUsage().heapUsed;
  };

  const before = await heap();
  const states: DetectorState[] = Array.from({ length: SLICES }, () => initialDetector());
  const afterStates = await heap();
  const times: number[] = [];
  let active = 0;
  for (let c = 0; c < CYCLES; c++) {
    const hour = 300 + Math.floor(c / 6);
    const t = performance.now();
    for (let i = 0; i < SLICES; i++) {
      const base = rows[i % rows.length]![hour]!;
      // Every 97th slice surges x3 for cycles 50-69.
      const load = i % 97 === 0 && c >= 50 && c < 70 ? base * 3 : base;
      detectLoad(states[i]!, { p50: base, upper: base * 1.3 + 1 }, load, c * 60_000);
    }
    times.push(performance.now() - t);
    if (c === 60) active = states.filter((s) => s.active).length;
  }
  const afterCycles = await heap();
  times.sort((a, b) => a - b);

  const cache = new ListCache();
  // As the manager's informers do: repeated values (namespaces, labels, facts) shared.
  const shared = new ValueTable();
  const beforePods = await heap();
  for (let i = 0; i < SLICES; i++) {
    for (let p = 0; p < PODS; p++) {
      const pod = compactPod({
        metadata: { name: `slice-${i}-upf-7d9f8b6c4-${p}x`, namespace: `ns-${i % 50}`, resourceVersion: String(1e6 + i * PODS + p), creationTimestamp: '2026-12-02T08:00:00Z', labels: { 'slicing.telco.dev/slice': `slice-${i}`, 'slicing.telco.dev/cnf': p % 2 ? 'smf' : 'upf', 'pod-template-hash': '7d9f8b6c4' } },
        spec: { nodeName: `edge-a-node-${p % 2}` },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-12-02T08:00:05Z' }], containerStatuses: [{ restartCount: 0 }] },
      });
      cache.items.set(objectKey(pod), shared.internValues(pod));
    }
  }
  const index = new Indexer(cache, podSliceKey);
  const afterPods = await heap();
  process.stdout.write(
    [
      `slices ${SLICES}, node ${process.version}`,
      `detector cycle over all slices: median ${times[Math.floor(CYCLES / 2)]!.toFixed(2)} ms, p95 ${times[Math.floor(CYCLES * 0.95)]!.toFixed(2)} ms (${active} slices anomalous at cycle 60)`,
      `detector state: ${mb(afterStates - before)} MB live heap (${mb(afterCycles - before)} MB after ${CYCLES} cycles)`,
      `pod cache: ${SLICES * PODS} pods in ${index.size} slice groups, ${mb(afterPods - beforePods)} MB live heap (${((afterPods - beforePods) / (SLICES * PODS)).toFixed(0)} B a pod)`,
    ].join('\n') + '\n',
  );
}
