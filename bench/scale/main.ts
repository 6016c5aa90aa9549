/**
 * `npm run bench:scale` (bench/scale.ts): scale and speed of the operator process on the real
 * local control plane.
 *   1. time for N slices (default 1,000; one UPF pod each, on kwok nodes) to reach Ready;
 *   2. API writes during no-op resyncs of all of them (target 0);
 *   3. reconcile latency percentiles (controller_runtime_reconcile_time_seconds);
 *   4. operator RSS with M slices (default 10,000; the extra ones parked on a site no node has,
 *      so the benchmark measures the operator, not kwok running 10,000 pods).
 * --floor and --telemetry measure instead the control plane alone (floor.ts) and the operator's
 * memory with telemetry (telemetry.ts). --write-docs replaces the mode's block between the bench
 * markers in docs/benchmarks.md.
 */
import path from 'node:path';
import { packageRoot } from '../../src/index.js';
import { replaceDocBlock } from '../../tools/docs/doc-block.js';
import { floorRun } from './floor.js';
import { withOperatorLauncher } from './operator.js';
import { parseScaleOptions, USAGE, type ScaleOptions } from './options.js';
import { withRig } from './rig.js';
import { scaleRun } from './scale-run.js';
import { telemetryRun } from './telemetry.js';

/** Runs the mode the options ask for; returns the name of its docs block and the block. */
async function run(o: ScaleOptions): Promise<{ name: 'scale' | 'floor' | 'telemetry'; block: string }> {
  return withRig(async (rig) => {
    if (o.floor) return { name: 'floor', block: await floorRun(rig, o.slices) };
    return withOperatorLauncher(rig.cluster, o.workers, async (launcher) =>
      o.telemetry
        ? { name: 'telemetry', block: await telemetryRun(rig, launcher, o) }
        : { name: 'scale', block: await scaleRun(rig, launcher, o) },
    );
  });
}

/** The command line: 0 when done, 2 on a usage error (unknown flag, bad number). */
export async function main(argv: string[]): Promise<number> {
  let o: ScaleOptions | 'help';
  try {
    o = parseScaleOptions(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { name, block } = await run(o);
  console.log(`\n${block}`);
  if (o.writeDocs) replaceDocBlock(path.join(packageRoot(), 'docs', 'benchmarks.md'), name, block);
  return 0;
}
