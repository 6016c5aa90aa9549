/**
 * `npm run twin:validate`: does the what-if twin predict what the real KEDA/HPA and the real
 * operator do? Replays a held-out Milan series, time-compressed, on the local control plane with
 * KEDA (validation-rig.ts), then runs the twin with the rig's parameters over the same window
 * (validation.ts), and reports the share of per-second samples where the twin is within one
 * replica of each real policy. Re-runs itself inside a private network namespace (KEDA's adapter
 * binds every interface). Writes a JSON result (--out) and, with --write-docs, the table in
 * docs/twin.md.
 *
 * Usage: npx tsx tools/twin/validate.ts [--hours 12] [--step-seconds 30] [--start-hour 605] [--out FILE] [--write-docs]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { leadSecondsOf } from '../../src/controller/capacity-basis.js';
import { Forecaster, packageRoot } from '../../src/forecast/forecaster.js';
import { operatorPolicy } from '../../src/twin/slice-policies.js';
import { replaceDocBlock } from '../docs/doc-block.js';
import { nonLoopbackInterfaces, resolveKeda } from '../devcluster/keda.js';
import { rerunInPrivateNetwork } from '../devcluster/netns.js';
import { MILAN_ATTRIBUTION, MILAN_START_MS, HOUR_MS } from '../replayer/milan.js';
import { hourlyTrace } from '../replayer/trace.js';
import { milanSplit } from './milan-slices.js';
import { rigSlice, runRig } from './validation-rig.js';
import { agreement, rigParams, runTwin, type Agreement, type RigParams } from './validation.js';

const { values: args } = parseArgs({
  options: {
    hours: { type: 'string', default: '12' },
    'step-seconds': { type: 'string', default: '30' },
    // 2013-11-26 (a Tuesday) 05:00 CET: 12 hours hold the morning rise, the day's peak and the afternoon's fall.
    'start-hour': { type: 'string', default: '605' },
    out: { type: 'string' },
    'write-docs': { type: 'boolean' },
    inside: { type: 'boolean' },
    // Keep the working directory (component logs) even when the run succeeds.
    keep: { type: 'boolean' },
  },
});

export interface ValidationResult {
  params: RigParams;
  startHour: number;
  square: number;
  serverVersion: string;
  agreement: Agreement;
  timings: Record<string, number>;
  samples: { step: number; load: number; operator: number; hpa: number; hpaMetric?: string; twinOperator: number; twinHpa: number }[];
}

const root = packageRoot();
const self = fileURLToPath(import.meta.url);

function params(): RigParams {
  const stepSeconds = Number(args['step-seconds']);
  const hours = Number(args.hours);
  if (!(stepSeconds >= 10 && stepSeconds <= 3600)) throw new RangeError(`--step-seconds must be in [10, 3600], got ${args['step-seconds']}`);
  if (!(Number.isInteger(hours) && hours >= 1 && hours <= 48)) throw new RangeError(`--hours must be a whole number in [1, 48], got ${args.hours}`);
  return rigParams(stepSeconds, hours);
}

async function inside(): Promise<void> {
  const p = params();
  const startHour = Number(args['start-hour']);
  const card = JSON.parse(readFileSync(path.join(root, 'models', 'forecaster.card.json'), 'utf8'));
  const split = milanSplit(root, card, startHour + p.hours + 2);
  const square = split.heldOut[0]!;
  const slice = rigSlice(root, p);
  const upf = slice.view.cnfs.find((c) => c.type === 'upf')!;
  const row = split.rows[square]!;
  // Scaled so the compared window peaks at 75 % of the UPF's maximum capacity.
  const window = row.slice(startHour - p.settleHours, startHour + p.hours + 1);
  const trace = hourlyTrace(row, (0.75 * upf.sessionsPerReplica * upf.maxReplicas) / Math.max(...window));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-validation-'));
  const log = (l: string) => process.stderr.write(`${l}\n`);
  let ok = false;
  try {
    log(`[validate] square row ${square}, trace hours ${startHour}..${startHour + p.hours}, ${p.stepSeconds} s per hour`);
    const rig = await runRig({ p, slice, trace, compareStep: startHour, dir, log });
    log(`[validate] rig: ${rig.samples.length} samples; timings ${JSON.stringify(rig.timings)}`);
    const forecaster = await Forecaster.create();
    const twin = await runTwin(forecaster, p, {
      view: slice.view,
      policy: operatorPolicy(slice.view),
      leadSeconds: leadSecondsOf(upf, p.cycleSeconds * 1000),
      trace,
      compareStep: startHour,
      startMs: MILAN_START_MS + (startHour - 168 - 48) * HOUR_MS,
      start: rig.start,
      perReplica: slice.perReplica,
    });
    await forecaster.close();
    const a = agreement(rig.samples, rig.windowStartMs, twin);
    const samples = rig.samples.map((s) => {
      const i = Math.floor((s.wallMs - rig.windowStartMs) / 1000) - 1;
      return { step: +s.step.toFixed(4), load: s.load, operator: s.operator, hpa: s.hpa, ...(s.hpaMetric !== undefined ? { hpaMetric: s.hpaMetric } : {}), twinOperator: twin.operator[i] ?? NaN, twinHpa: twin.hpa[i] ?? NaN };
    });
    const result: ValidationResult = { params: p, startHour, square, serverVersion: rig.serverVersion, agreement: a, timings: rig.timings, samples };
    const out = args.out ?? path.join(root, 'twin-validation.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 1));
    log(`[validate] ${summary(result)}`);
    if (args['write-docs']) replaceDocBlock(path.join(root, 'docs', 'twin.md'), 'twin-validation', docBlock(result));
    ok = true;
  } finally {
    // The working directory holds the logs: kept when the run failed.
    if (ok && !args.keep) rmSync(dir, { recursive: true, force: true });
    else log(`[validate] logs kept in ${dir}`);
  }
}

export function summary(r: ValidationResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return `${r.agreement.samples} samples: twin within one replica of the real KEDA/HPA on ${pct(r.agreement.hpaWithinOne)} (exact ${pct(r.agreement.hpaExact)}, max diff ${r.agreement.hpaMaxDiff}), of the real operator on ${pct(r.agreement.operatorWithinOne)} (exact ${pct(r.agreement.operatorExact)}, max diff ${r.agreement.operatorMaxDiff})`;
}

function docBlock(r: ValidationResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const day = new Date(MILAN_START_MS + (r.startHour + 1) * HOUR_MS).toISOString().slice(0, 13).replace('T', ' ');
  return [
    `\`npm run twin:validate -- --write-docs\` (${r.params.hours} trace hours of held-out row ${r.square} from ${day}:00 CET, one hour every ${r.params.stepSeconds} s; Kubernetes ${r.serverVersion}, KEDA v2.21.0):`,
    '',
    '| policy | samples | twin within one replica | twin exact | largest difference |',
    '|---|---|---|---|---|',
    `| KEDA ScaledObject -> kube-controller-manager HPA | ${r.agreement.samples} | ${pct(r.agreement.hpaWithinOne)} | ${pct(r.agreement.hpaExact)} | ${r.agreement.hpaMaxDiff} |`,
    `| slice-operator, LeadTime | ${r.agreement.samples} | ${pct(r.agreement.operatorWithinOne)} | ${pct(r.agreement.operatorExact)} | ${r.agreement.operatorMaxDiff} |`,
    '',
    `Rig (wall seconds): HPA sync ${r.params.hpaSyncSeconds}, KEDA polling ${r.params.pollingSeconds}, scrape ${r.params.scrapeSeconds}, operator cycle ${r.params.cycleSeconds}, CNF start-up ${r.params.readiness.delaySeconds}-${r.params.readiness.delaySeconds + r.params.readiness.jitterSeconds} (kwok Stages), target utilisation ${r.params.targetUtilization}. Setup took ${(r.timings.setup! / 1000).toFixed(0)} s, the whole run ${(r.timings.total! / 1000).toFixed(0)} s.`,
    '',
    `Traffic: ${MILAN_ATTRIBUTION}`,
  ].join('\n');
}

async function outside(): Promise<void> {
  // Built here, before the network namespace: the build fetches modules from the Go module proxy.
  resolveKeda({ build: true, log: (l) => process.stderr.write(`${l}\n`) });
  const code = await rerunInPrivateNetwork('twin-validate', self, process.argv.slice(2).concat('--inside'), { cwd: root, out: process.stderr });
  if (code !== 0) throw new Error(`the validation run failed (exit ${code})`);
}

if (args.inside || nonLoopbackInterfaces().length === 0) await inside();
else await outside();
