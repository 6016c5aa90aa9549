import { parseArgs } from 'node:util';

/** The flags of `npm run bench:scale` (bench/scale.ts), parsed. */
export interface ScaleOptions {
  /** N: slices created and timed to Ready (one UPF pod each). */
  slices: number;
  /** M: slices in total for the operator's RSS (the extra ones parked: no site, no pod). */
  rssSlices: number;
  writeDocs: boolean;
  floor: boolean;
  profileApiserver?: string;
  profileSeconds: number;
  operatorCpuProf?: string;
  heapSnapshot?: string;
  /** As given: ';'-separated sets of Node.js flags and NAME=value tokens. */
  rssVariants?: string;
  workers: number;
  telemetry: boolean;
  stepSeconds: number;
  telemetryMinutes: number;
  /** Node.js flags of the measured operator for --heap-snapshot and --operator-cpu-prof. */
  diagnostics: string[];
}

export const USAGE = `usage: npx tsx bench/scale.ts [flags]   (npm run bench:scale adds --write-docs)

  --slices N              slices created and timed to Ready, one UPF pod each (default 1000)
  --rss-slices M          slices in total for the operator's RSS, the extra ones parked: no site, no pod (default 10000)
  --workers N             the operator's --max-concurrent-reconciles (default 8)
  --write-docs            replace the mode's block between the bench markers in docs/benchmarks.md
  --floor                 the control plane alone: the bench applies what the operator would, no operator
  --telemetry             instead: the operator's memory with --rss-slices slices that all have telemetry
                          (real Prometheus, replayed Milan traffic) for --telemetry-minutes
  --step-seconds S        with --telemetry: seconds per replayed hour (default 3600: real time, as in production)
  --telemetry-minutes T   with --telemetry: minutes measured (default 10)
  --rss-variants LIST     restart the operator on the same M slices once per ';'-separated set of Node.js
                          flags and NAME=value tokens ('' = none) and record its RSS after one full cycle
                          (default: the image's flags and environment, then none)
  --profile-apiserver F   write a CPU profile of kube-apiserver over --profile-seconds from the first create
  --profile-seconds S     (default 30; read with go tool pprof F)
  --operator-cpu-prof DIR write a V8 CPU profile of the operator into DIR when it exits (--cpu-prof)
  --heap-snapshot DIR     write a V8 heap snapshot of the operator into DIR once it holds all the slices
  --help                  this text`;

/** A flag's value as a number of at least `min` (a whole one for counts); anything else is a usage error. */
function numberOf(name: string, value: string, min: number, whole = true): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) {
    throw new TypeError(`--${name} takes a ${whole ? 'whole ' : ''}number of at least ${min}, not '${value}'`);
  }
  return n;
}

/** The options, or 'help'. Unknown flags and bad numbers throw a TypeError fit for the user. */
export function parseScaleOptions(argv: string[]): ScaleOptions | 'help' {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      slices: { type: 'string', default: '1000' },
      'rss-slices': { type: 'string', default: '10000' },
      'write-docs': { type: 'boolean', default: false },
      floor: { type: 'boolean', default: false },
      'profile-apiserver': { type: 'string' },
      'profile-seconds': { type: 'string', default: '30' },
      'operator-cpu-prof': { type: 'string' },
      'heap-snapshot': { type: 'string' },
      'rss-variants': { type: 'string' },
      workers: { type: 'string', default: '8' },
      telemetry: { type: 'boolean', default: false },
      'step-seconds': { type: 'string', default: '3600' },
      'telemetry-minutes': { type: 'string', default: '10' },
      help: { type: 'boolean', default: false },
    },
  });
  if (a.help) return 'help';
  return {
    slices: numberOf('slices', a.slices, 0),
    rssSlices: numberOf('rss-slices', a['rss-slices'], 0),
    writeDocs: a['write-docs'],
    floor: a.floor,
    profileApiserver: a['profile-apiserver'],
    profileSeconds: numberOf('profile-seconds', a['profile-seconds'], 1),
    operatorCpuProf: a['operator-cpu-prof'],
    heapSnapshot: a['heap-snapshot'],
    rssVariants: a['rss-variants'],
    workers: numberOf('workers', a.workers, 1),
    telemetry: a.telemetry,
    stepSeconds: numberOf('step-seconds', a['step-seconds'], 1, false),
    telemetryMinutes: numberOf('telemetry-minutes', a['telemetry-minutes'], 0, false),
    diagnostics: [
      ...(a['heap-snapshot'] ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${a['heap-snapshot']}`] : []),
      ...(a['operator-cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${a['operator-cpu-prof']}`] : []),
    ],
  };
}
