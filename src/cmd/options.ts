import { z } from 'zod';

/** Operator flags (controller-runtime spellings where one exists), validated with zod. */
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:]*):\d{1,5}$/, 'expected host:port, e.g. 0.0.0.0:8080')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return { host: s.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(s.slice(i + 1)) };
  });
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

export const OperatorFlags = z.object({
  kubeconfig: z.string().optional(),
  'leader-elect': bool.default(true),
  'lease-namespace': z.string().min(1).default('slice-operator-system'),
  'lease-name': z.string().min(1).default('slice-operator'),
  'metrics-bind-address': hostPort.default({ host: '0.0.0.0', port: 8080 }),
  'prometheus-url': z.string().url().optional(),
  /** Per Prometheus request, body included (large batched answers from a busy server take a while). */
  'prometheus-timeout-seconds': z.coerce.number().positive().default(20),
  'model-path': z.string().optional(),
  'step-seconds': z.coerce.number().positive().default(3600),
  'cycle-seconds': z.coerce.number().positive().optional(),
  'max-concurrent-reconciles': z.coerce.number().int().min(1).max(64).default(4),
  /** Accelerated replays: "<wall-start-ms>:<calendar-start-ms>". */
  'replay-clock': z
    .string()
    .regex(/^\d+:\d+$/)
    .transform((s) => {
      const [w, v] = s.split(':').map(Number) as [number, number];
      return { wallStartMs: w, virtualStartMs: v };
    })
    .optional(),
  'log-level': z.enum(['debug', 'info', 'error']).default('info'),
});
export type OperatorFlags = z.infer<typeof OperatorFlags>;

/** `--a=b`, `--a b` and bare `--flag` (true); unknown flags are an error naming the flag. */
export function parseFlags(argv: string[]): OperatorFlags {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf('=');
    if (eq > 0) raw[a.slice(2, eq)] = a.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) raw[a.slice(2)] = argv[++i]!;
    else raw[a.slice(2)] = true;
  }
  const known = new Set(Object.keys(OperatorFlags.shape));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`unknown flag(s): ${unknown.map((k) => `--${k}`).join(', ')}`);
  const r = OperatorFlags.safeParse(raw);
  if (!r.success) throw new Error(r.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}
