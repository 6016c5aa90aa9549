import { z } from 'zod';
import { ModelCardSchema } from '../forecast/card.js';
import { LEVELS } from '../runtime/logger.js';

/**
 * The operator's flags (controller-runtime spellings where one exists), validated with zod. Each
 * flag's schema is registered with its documentation (`FlagDoc`), from which `helpText()` prints
 * `--help`; defaults are given as command-line text (`prefault`), so the help shows what a user
 * would type and a default goes through the same validation as a typed value.
 */
interface FlagDoc {
  /** The value's placeholder in the help, e.g. `URL`. */
  value: string;
  help: string;
  /** The default when it is not a value of the flag (computed, or absent). */
  defaultText?: string;
  /** Given without a value, the flag means true (`--leader-elect`). */
  bare?: boolean;
}
const flagDocs = z.registry<FlagDoc>();
/** The schema itself, registered with its documentation. */
const flag = <T extends z.ZodType>(schema: T, d: FlagDoc): T => {
  flagDocs.add(schema, d);
  return schema;
};

/** The forecast model's step: the model card's contract pins it, and the embedded model is hourly. */
export const MODEL_STEP_SECONDS: number = ModelCardSchema.shape.contract.shape.stepSeconds.value;

/** Node.js timers fire at once beyond 2^31-1 ms (about 24.8 days); durations stay well below. */
const MAX_SECONDS = 86_400;

const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, `expected ${what}, got an empty value`);

const numberText = (s: string, ctx: z.core.$RefinementCtx<string>): number => {
  const n = s.trim() === '' ? NaN : Number(s);
  if (!Number.isFinite(n)) {
    ctx.issues.push({ code: 'custom', message: 'expected a number', input: s });
    return z.NEVER;
  }
  return n;
};
const seconds = (max: number) =>
  z
    .string()
    .transform(numberText)
    .pipe(z.number().positive('must be greater than 0').max(max, `must be at most ${max}`));

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')], { error: 'expected true or false' });

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:[\]]*):\d{1,5}$/, 'expected host:port, e.g. 0.0.0.0:8080 or 127.0.0.1:8080')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return { host: s.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(s.slice(i + 1)) };
  })
  .refine((a) => a.port <= 65535, 'the port must be at most 65535');

// A namespace is a DNS-1123 label; a Lease's name a DNS-1123 subdomain (as the API server checks).
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const namespaceName = text('a namespace name')
  .max(63, 'a namespace name has at most 63 characters')
  .regex(dnsLabel, 'a namespace name is lower-case letters, digits and "-", starting and ending with a letter or digit');
const objectName = text('an object name')
  .max(253, 'an object name has at most 253 characters')
  .refine(
    (s) => s.split('.').every((p) => dnsLabel.test(p)),
    'an object name is lower-case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit',
  );

/** A comma-separated list of namespace names, each checked; duplicates removed. */
const namespaceList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()))
  .pipe(z.array(namespaceName).min(1, 'expected at least one namespace'))
  .transform((xs) => [...new Set(xs)]);

/** The base URL the Prometheus client appends `/api/v1/...` to, so no query, fragment or credentials. */
const prometheusUrl = text('a URL').superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected an http:// or https:// URL, e.g. http://prometheus-operated.monitoring:9090' });
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an http:// or https:// URL (the scheme is required), e.g. http://prometheus-operated.monitoring:9090',
    });
  } else if (!u.hostname) {
    ctx.addIssue({ code: 'custom', message: 'the URL has no host' });
  } else if (u.username || u.password) {
    ctx.addIssue({ code: 'custom', message: 'credentials in the URL are not supported (fetch rejects them)' });
  } else if (u.search || u.hash) {
    ctx.addIssue({ code: 'custom', message: 'the URL must not have a query or fragment: it is the base the API paths are appended to' });
  }
});

const replayClock = z
  .string()
  .regex(/^\d{1,15}:\d{1,15}$/, 'expected <wall-start-ms>:<calendar-start-ms>, two Unix times in milliseconds')
  .transform((s) => {
    const [w, v] = s.split(':').map(Number) as [number, number];
    return { wallStartMs: w, virtualStartMs: v };
  });

const logLevel = z.enum(LEVELS, { error: `expected one of ${LEVELS.join(', ')}` });

const flagShape = {
  kubeconfig: flag(text('a file path').optional(), {
    value: 'PATH',
    help: 'kubeconfig file to reach the API server',
    defaultText: 'the in-cluster config in a pod, else $KUBECONFIG or ~/.kube/config',
  }),
  'leader-elect': flag(bool.prefault('true'), {
    value: 'true|false',
    bare: true,
    help: 'Lease leader election: one replica reconciles, the others stand by; without it, run one replica only',
  }),
  'lease-namespace': flag(namespaceName.prefault('slice-operator-system'), {
    value: 'NAMESPACE',
    help: "namespace of the leader-election Lease (the chart passes the release's)",
  }),
  'lease-name': flag(objectName.prefault('slice-operator'), { value: 'NAME', help: 'name of the leader-election Lease' }),
  'watch-namespaces': flag(namespaceList.optional(), {
    value: 'NS[,NS...]',
    help: 'reconcile NetworkSlices in these namespaces only, with one list+watch each (the chart grants the namespaced verbs there only)',
    defaultText: 'every namespace',
  }),
  'metrics-bind-address': flag(hostPort.prefault('0.0.0.0:8443'), {
    value: 'HOST:PORT',
    help: 'address of /metrics (HTTPS with --metrics-secure, else plain HTTP)',
  }),
  'metrics-secure': flag(bool.prefault('true'), {
    value: 'true|false',
    bare: true,
    help: 'serve /metrics over HTTPS, each request authenticated (TokenReview) and authorized (SubjectAccessReview: get on the non-resource URL /metrics) by the API server',
  }),
  'metrics-cert-dir': flag(text('a directory').optional(), {
    value: 'DIR',
    help: 'directory of the metrics server\'s tls.crt and tls.key (a mounted kubernetes.io/tls Secret), reloaded when they change; needs --metrics-secure',
    defaultText: 'a self-signed certificate made at start-up',
  }),
  'health-probe-bind-address': flag(hostPort.prefault('0.0.0.0:8081'), {
    value: 'HOST:PORT',
    help: 'address of /healthz and /readyz (plain HTTP, for the kubelet)',
  }),
  'prometheus-url': flag(prometheusUrl.optional(), {
    value: 'URL',
    help: "http(s) base URL of the Prometheus that holds the slices' load (Open5GS metrics)",
    defaultText: 'unset, so no telemetry: slices hold their capacity and report Degraded',
  }),
  'prometheus-timeout-seconds': flag(seconds(MAX_SECONDS).prefault('20'), {
    value: 'SECONDS',
    help: 'timeout of one Prometheus request, body included (batched answers for many slices take a while)',
  }),
  'model-path': flag(text('a file path').optional(), {
    value: 'PATH',
    help: "ONNX model file of the embedded model's contract (models/forecaster.card.json); reloaded when the file changes",
    defaultText: 'the embedded model, models/forecaster.onnx',
  }),
  'step-seconds': flag(seconds(MAX_SECONDS).prefault(String(MODEL_STEP_SECONDS)), {
    value: 'SECONDS',
    help: `wall seconds per forecast step: the model's step (${MODEL_STEP_SECONDS}), or less in an accelerated replay (with --replay-clock)`,
  }),
  'cycle-seconds': flag(seconds(MAX_SECONDS).optional(), {
    value: 'SECONDS',
    help: 'seconds between telemetry cycles (load and forecast of every slice); at most --step-seconds',
    defaultText: 'the smaller of --step-seconds and 60',
  }),
  'max-concurrent-reconciles': flag(
    z
      .string()
      .regex(/^\d+$/, 'expected a whole number')
      .transform(Number)
      .pipe(z.number().min(1, 'must be at least 1').max(64, 'must be at most 64'))
      .prefault('4'),
    { value: 'N', help: 'slices reconciled at the same time (1 to 64)' },
  ),
  'max-concurrent-replacements': flag(
    z
      .string()
      .regex(/^\d+$/, 'expected a whole number')
      .transform(Number)
      .pipe(z.number().min(0).max(1000, 'must be at most 1000'))
      .prefault('0'),
    { value: 'N', help: 'UPFs moved to other sites at once across slices; a voluntary move waits for a free slot (0: no cap)' },
  ),
  'replay-clock': flag(replayClock.optional(), {
    value: 'WALL_MS:CALENDAR_MS',
    help: 'accelerated replays only: the wall time the replay started at and the calendar time of its traffic then (Unix ms)',
    defaultText: 'unset, so wall time is calendar time',
  }),
  'log-level': flag(logLevel.prefault('info'), { value: LEVELS.join('|'), help: 'the lowest level logged (JSON lines on stderr)' }),
};

export const OperatorFlags = z.object(flagShape).superRefine((f, ctx) => {
  const step = f['step-seconds'];
  if (!f['replay-clock'] && step !== MODEL_STEP_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['step-seconds'],
      message: `the forecast model's step is ${MODEL_STEP_SECONDS} s (its card's contract.stepSeconds); another step is only meaningful in an accelerated replay, given with --replay-clock`,
    });
  } else if (step > MODEL_STEP_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['step-seconds'],
      message: `a replay runs at most at real time: one model step (${MODEL_STEP_SECONDS} s of traffic) in at most ${MODEL_STEP_SECONDS} s`,
    });
  }
  if (f['metrics-cert-dir'] !== undefined && !f['metrics-secure']) {
    ctx.addIssue({ code: 'custom', path: ['metrics-cert-dir'], message: 'needs --metrics-secure=true: plain-HTTP metrics use no certificate' });
  }
  const [m, h] = [f['metrics-bind-address'], f['health-probe-bind-address']];
  if (m.port !== 0 && m.port === h.port) {
    ctx.addIssue({ code: 'custom', path: ['health-probe-bind-address'], message: `must be another port than --metrics-bind-address (${m.port}): probes and metrics are separate servers` });
  }
  if (f['cycle-seconds'] !== undefined && f['cycle-seconds'] > step) {
    ctx.addIssue({
      code: 'custom',
      path: ['cycle-seconds'],
      message: `must be at most --step-seconds (${step}): a longer cycle would skip forecast steps`,
    });
  }
});
export type OperatorFlags = z.infer<typeof OperatorFlags>;
export type FlagName = keyof typeof flagShape;

/** A command-line error: the operator prints it and exits with status 2. */
export class FlagError extends Error {
  override name = 'FlagError';
}

/** `-h` or `--help` anywhere on the command line asks for the help, whatever else is there. */
export const wantsHelp = (argv: readonly string[]): boolean => argv.some((a) => a === '-h' || a === '--help');

const docOf = (name: FlagName): FlagDoc => flagDocs.get(flagShape[name])!;

/** The default as a user would type it, or what applies without the flag. */
function defaultOf(name: FlagName): string | undefined {
  const s = flagShape[name];
  if (s.def.type === 'prefault') return String((s.def as { defaultValue: unknown }).defaultValue);
  return docOf(name).defaultText;
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** What `--help` prints: every flag with its value, meaning and default, within 100 columns. */
export function helpText(): string {
  const rows = (Object.keys(flagShape) as FlagName[]).map((name) => {
    const d = docOf(name);
    const def = defaultOf(name);
    return {
      left: `--${name}${d.bare ? `[=${d.value}]` : `=${d.value}`}`,
      help: def === undefined ? d.help : `${d.help} (default: ${def})`,
    };
  });
  rows.push({ left: '-h, --help', help: 'print this help and exit' });
  const indent = Math.max(...rows.map((r) => r.left.length)) + 4;
  return [
    'Usage: node dist/cmd/operator.js [flags]',
    '',
    'The slice-operator: reconciles NetworkSlices (slicing.telco.dev/v1alpha1) with forecast-driven',
    'scaling. In a pod it uses the in-cluster config; elsewhere --kubeconfig or $KUBECONFIG.',
    '',
    'Flags (--flag=value or --flag value):',
    ...rows.flatMap((r) => wrap(r.help, 100 - indent).map((l, i) => (i === 0 ? `  ${r.left}`.padEnd(indent) : ' '.repeat(indent)) + l)),
    '',
    'An unknown flag or an invalid value exits with status 2.',
    '',
  ].join('\n');
}

/** A value as typed; quoted when it is empty or has spaces, so it can be seen. */
const shown = (v: string | boolean): string => (typeof v === 'string' && (v === '' || /\s/.test(v)) ? JSON.stringify(v) : String(v));

/**
 * `--a=b`, `--a b` and bare `--flag` (true for the flags that take that); unknown flags and
 * invalid values are a `FlagError` naming the flag and the value.
 */
export function parseFlags(argv: readonly string[]): OperatorFlags {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new FlagError(`unexpected argument ${JSON.stringify(a)}; see --help`);
    const eq = a.indexOf('=');
    if (eq > 0) raw[a.slice(2, eq)] = a.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) raw[a.slice(2)] = argv[++i]!;
    else raw[a.slice(2)] = true;
  }
  const known = new Set<string>(Object.keys(flagShape));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) throw new FlagError(`unknown flag(s): ${unknown.map((k) => `--${k}`).join(', ')}; see --help`);
  const problems: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (v === true && !docOf(k as FlagName).bare) problems.push(`--${k}: needs a value (--${k}=${docOf(k as FlagName).value})`);
  }
  if (problems.length) throw new FlagError(problems.join('; '));
  const r = OperatorFlags.safeParse(raw);
  if (!r.success) {
    // One message a flag: its own value's problem comes before a check across flags.
    const byFlag = new Map<string, string>();
    for (const issue of r.error.issues) {
      const name = String(issue.path[0]);
      const given = raw[name];
      if (!byFlag.has(name))
        byFlag.set(
          name,
          `--${name}${given === undefined ? ` (default ${defaultOf(name as FlagName)})` : `=${shown(given)}`}: ${issue.message}`,
        );
    }
    throw new FlagError([...byFlag.values()].join('; '));
  }
  return r.data;
}
