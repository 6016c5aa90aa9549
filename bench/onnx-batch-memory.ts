// `npx tsx bench/onnx-batch-memory.ts`: how much onnxruntime's CPU arena grows the process for
// 10,000 series, by rows per session run (OnnxForecastModel's maxBatchRows). Each setting runs
// in a fresh process: the arena and glibc's heap only grow, so a shared process would carry the
// previous setting's memory. Prints anonymous memory (smaps_rollup) after loading the model and
// after 15 batched runs (with a full collection after each), and the median time of a 10,000-row run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CALENDAR_FEATURES, defaultCardPath, defaultModelPath, loadModelCard, OnnxForecastModel } from '../src/index.js';

declare function gc(): void;

const N = 10_000;
const RUNS = 15;
const SETTINGS = [N, 4096, 1024, 256];

function anonymousMb(): number {
  const m = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  return Number(m?.[1]) / 1024;
}

async function one(maxBatchRows: number): Promise<string> {
  const card = await loadModelCard(defaultCardPath());
  const model = await OnnxForecastModel.load(defaultModelPath(), card, { maxBatchRows });
  const history = new Float32Array(N * model.historyLength).map((_, i) => 0.5 + 0.4 * Math.sin(i / 7));
  const calendar = new Float32Array(N * CALENDAR_FEATURES).fill(0.5);
  const before = anonymousMb();
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    await model.run(history, calendar, N);
    ms.push(performance.now() - t);
    // Outputs no longer referenced are freed now, so the growth is what the runtime keeps.
    gc();
  }
  const after = anonymousMb();
  await model.release();
  ms.sort((a, b) => a - b);
  return `| ${maxBatchRows.toLocaleString('en-US')} | ${ms[RUNS >> 1]!.toFixed(1)} | ${before.toFixed(1)} | ${after.toFixed(1)} | ${(after - before).toFixed(1)} |`;
}

const arg = process.argv[2];
if (arg) {
  console.log(await one(Number(arg)));
} else {
  console.log(`${N.toLocaleString('en-US')} series, ${RUNS} runs each, node ${process.version}, one process per setting (MALLOC_ARENA_MAX=2 as in the image):\n`);
  console.log('| rows per session run | median ms | anonymous MB after load | after the runs | growth |');
  console.log('|---|---|---|---|---|');
  for (const rows of SETTINGS) {
    const out = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), String(rows)], {
      env: { ...process.env, MALLOC_ARENA_MAX: '2' },
      encoding: 'utf8',
    });
    process.stdout.write(out);
  }
}
