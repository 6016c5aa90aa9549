// `npx tsx bench/calibrator-memory.ts [keys] [scores]`: memory of the online calibrator
// (src/forecast/calibration.ts) with one key per slice, each with a full window of scores. The
// operator keeps one key per slice that has telemetry; the scale benchmark runs its slices
// without Prometheus, so this state is not in its figures. Needs --expose-gc (passed below when
// missing) so that the heap figure holds only what is live.
import { ConformalCalibrator } from '../src/index.js';
import { fullGc, gcExposedOrRerun } from './expose-gc.js';

const KEYS = Number(process.argv[2] ?? 10_000);
const SCORES = Number(process.argv[3] ?? 336);

if (gcExposedOrRerun(import.meta.url, [String(KEYS), String(SCORES)])) {
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  await fullGc();
  const before = process.memoryUsage();
  // minSamples above the scores: the factor is never computed (a sort of the window per score),
  // which costs time and no memory.
  const c = new ConformalCalibrator({ minSamples: SCORES + 1 });
  // Deterministic scores around 1 (no Math.random), as a slice's actual / forecast would be.
  let seed = 1;
  for (let k = 0; k < KEYS; k++) {
    const key = `bench/slice-${k}`;
    for (let i = 0; i < SCORES; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      c.observe(key, 100, 80 + (40 * seed) / 2147483648);
    }
  }
  await fullGc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  console.log(`${KEYS.toLocaleString('en-US')} keys x ${SCORES} scores (window ${c.window}): V8 heap +${mb(heap)} MB, array buffers +${mb(buffers)} MB, ${Math.round((heap + buffers) / KEYS)} bytes per key; RSS ${mb(after.rss)} MB (${mb(before.rss)} before)`);
}
