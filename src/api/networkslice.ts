import { z } from 'zod';
import {
  ANTI_AFFINITY,
  AUTOMATION_MODES,
  CAPACITY_BASES,
  CNF_TYPES,
  DEFAULTS,
  LIMIT,
  PATTERN,
  PREEMPTION_CAPABILITY,
  PREEMPTION_VULNERABILITY,
  PROTOCOLS,
  QUANTILES,
  RESOURCE_TYPES,
  SCALING_MODES,
  SERVICE_TYPES,
} from './limits.js';
import { rulesAt, type RuleNode } from './rules.js';
import { CRON_PATTERN } from './cron.js';

/**
 * zod schema of a NetworkSlice, the operator's edge for untrusted input: everything it reads
 * from the API server passes here before a desired-state function sees it. It mirrors the CRD
 * (crd.ts) field by field, with the same bounds (limits.ts) and the same cross-field rules
 * (rules.ts). test/e2e/api.test.ts keeps the two honest on the real API server: the shared
 * corpus (test/fixtures/api/corpus.ts) is rejected by both naming the same field, and 300 fuzzed
 * manifests are accepted or rejected by both alike; test/unit/api/schema.test.ts runs zod alone
 * on the same corpus.
 */

/** Attaches the cross-field rules of one node, reporting each on its fieldPath. */
function withRules<T extends z.ZodType>(node: RuleNode, schema: T): T {
  return schema.superRefine((value, ctx) => {
    for (const r of rulesAt(node)) {
      // A rule only judges well-formed input; a shape error is reported by the schema itself.
      let ok: boolean;
      try {
        ok = r.check(value);
      } catch {
        continue;
      }
      if (ok) continue;
      const rel = r.fieldPath ? r.fieldPath.slice(1).split('.') : [];
      ctx.addIssue({ code: 'custom', message: r.message, path: rel });
    }
  }) as unknown as T;
}

const str = (max: number = LIMIT.stringMax) => z.string().min(1).max(max);
const re = (p: string, what: string) => z.string().regex(new RegExp(p), `must match ${p} (${what})`);
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const mbps = () => z.number().min(0).max(LIMIT.mbpsMax);
const positiveMbps = () => z.number().gt(0).max(LIMIT.mbpsMax);
const latencyMs = () => z.number().gt(0).max(LIMIT.latencyMsMax);
/** An SLA percentage written as nines; the floor catches a fraction typed for a percentage. */
const slaPercent = () =>
  z
    .number()
    .min(LIMIT.slaPercentMin, `must be at least ${LIMIT.slaPercentMin}: a percentage such as 99.9, not a fraction such as 0.999`)
    .max(100);
/** A list the CRD declares `x-kubernetes-list-type: set`: the API server rejects a repeated item. */
const set = (item: z.ZodString, max: number) =>
  z
    .array(item)
    .max(max)
    .superRefine((xs, ctx) => {
      xs.forEach((x, i) => {
        if (xs.indexOf(x) !== i) ctx.addIssue({ code: 'custom', message: `Duplicate value: ${JSON.stringify(x)}`, path: [i] });
      });
    });
const quantity = z.union([z.number().int(), re(PATTERN.quantity, 'a resource quantity such as 500m or 2Gi').max(LIMIT.quantityMax)]);
const resourceList = z.record(z.string().min(1).max(LIMIT.stringMax), quantity).refine((r) => Object.keys(r).length <= LIMIT.resourcesMax, `at most ${LIMIT.resourcesMax} entries`);

export const Snssai = z.strictObject({
  sst: int(0, 255),
  sd: re(PATTERN.sd, '6 hex digits').optional(),
});

export const Plmn = z.strictObject({
  mcc: re(PATTERN.mcc, '3 digits'),
  mnc: re(PATTERN.mnc, '2 or 3 digits'),
});

const Throughput = withRules(
  'throughput',
  z.strictObject({
    guaranteedMbps: mbps().optional(),
    maximumMbps: positiveMbps().optional(),
  }),
);

const Sla = withRules(
  'sla',
  z.strictObject({
    downlinkThroughput: Throughput.optional(),
    uplinkThroughput: Throughput.optional(),
    perUE: z.strictObject({ downlinkMaxMbps: positiveMbps().optional(), uplinkMaxMbps: positiveMbps().optional() }).optional(),
    maxUEs: int(1, LIMIT.ueMax).optional(),
    maxPDUSessions: int(1, LIMIT.ueMax).optional(),
    latencyBudgetMs: latencyMs().optional(),
    reliabilityPercent: slaPercent().optional(),
    availabilityPercent: slaPercent().optional(),
    areaOfService: z
      .strictObject({
        sites: set(re(PATTERN.site, 'a site name').max(LIMIT.stringMax), LIMIT.sitesMax).optional(),
        trackingAreas: set(re(PATTERN.tac, '24-bit TAC as 6 hex digits').max(LIMIT.stringMax), LIMIT.trackingAreasMax).optional(),
      })
      .optional(),
  }),
);

const Arp = z.strictObject({
  priorityLevel: int(1, 15),
  preemptionCapability: z.enum(PREEMPTION_CAPABILITY).default(DEFAULTS.arp.preemptionCapability),
  preemptionVulnerability: z.enum(PREEMPTION_VULNERABILITY).default(DEFAULTS.arp.preemptionVulnerability),
});

const BitRate = z.strictObject({ uplinkMbps: mbps(), downlinkMbps: mbps() });

const QosFlow = withRules(
  'flow',
  z.strictObject({
    qfi: int(1, LIMIT.qfiMax),
    fiveQI: int(1, 255),
    resourceType: z.enum(RESOURCE_TYPES).optional(),
    arp: Arp.optional(),
    gfbr: BitRate.optional(),
    mfbr: BitRate.optional(),
  }),
);

const Qos = withRules(
  'qos',
  z.strictObject({
    defaultFiveQI: int(1, 255).default(DEFAULTS.defaultFiveQI),
    defaultArp: Arp.default({ ...DEFAULTS.arp }),
    sessionAmbr: z.strictObject({ uplinkMbps: positiveMbps(), downlinkMbps: positiveMbps() }).optional(),
    flows: z
      .array(QosFlow)
      .max(LIMIT.flowsMax)
      .superRefine((flows, ctx) => {
        // The CRD declares flows a list-map keyed by qfi: the API server rejects duplicates.
        flows.forEach((f, i) => {
          if (flows.findIndex((g) => g.qfi === f.qfi) !== i) ctx.addIssue({ code: 'custom', message: `Duplicate value: qfi ${f.qfi}`, path: [i, 'qfi'] });
        });
      })
      .default([]),
  }),
);

const Cnf = withRules(
  'cnf',
  z.strictObject({
    name: re(PATTERN.cnfName, 'a DNS-1123 label').max(LIMIT.cnfNameMax),
    type: z.enum(CNF_TYPES),
    image: str(LIMIT.imageMax),
    capacity: z.strictObject({
      sessions: int(1, LIMIT.ueMax),
      throughputMbps: positiveMbps().optional(),
    }),
    minReplicas: int(0, LIMIT.replicasMax).default(DEFAULTS.minReplicas),
    maxReplicas: int(1, LIMIT.replicasMax).default(DEFAULTS.maxReplicas),
    startupSeconds: int(0, LIMIT.startupSecondsMax).default(DEFAULTS.startupSeconds),
    resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
    env: z
      .array(z.strictObject({ name: re(PATTERN.envName, 'an environment variable name').max(LIMIT.stringMax), value: z.string().max(4096).default('') }))
      .max(LIMIT.envMax)
      .optional(),
    args: z.array(z.string().max(4096)).max(LIMIT.argsMax).optional(),
    ports: z
      .array(
        z.strictObject({
          name: re(PATTERN.portName, 'an IANA service name').max(15),
          containerPort: int(1, 65535),
          protocol: z.enum(PROTOCOLS).default('TCP'),
        }),
      )
      .max(LIMIT.portsMax)
      .optional(),
  }),
);

const Cnfs = withRules(
  'cnfs',
  z
    .array(Cnf)
    .min(1)
    .max(LIMIT.cnfsMax)
    .superRefine((cnfs, ctx) => {
      cnfs.forEach((c, i) => {
        if (cnfs.findIndex((d) => d.name === c.name) !== i) ctx.addIssue({ code: 'custom', message: `Duplicate value: name ${c.name}`, path: [i, 'name'] });
      });
    }),
);

const Scaling = z.strictObject({
  mode: z.enum(SCALING_MODES).default(DEFAULTS.scaling.mode),
  horizonSteps: int(1, LIMIT.horizonStepsMax).default(DEFAULTS.scaling.horizonSteps),
  quantile: z.enum(QUANTILES).default(DEFAULTS.scaling.quantile),
  headroomPercent: z.number().min(0).max(LIMIT.headroomMax).default(DEFAULTS.scaling.headroomPercent),
  scaleDownStabilizationSeconds: int(0, LIMIT.stabilizationMax).default(DEFAULTS.scaling.scaleDownStabilizationSeconds),
  maxStep: int(1, LIMIT.maxStepMax).default(DEFAULTS.scaling.maxStep),
  stepPeriodSeconds: int(0, LIMIT.stepPeriodMax).default(DEFAULTS.scaling.stepPeriodSeconds),
  capacityBasis: z.enum(CAPACITY_BASES).default(DEFAULTS.scaling.capacityBasis),
});

const Placement = withRules(
  'placement',
  z.strictObject({
    sites: set(re(PATTERN.site, 'a site name').max(LIMIT.stringMax), LIMIT.sitesMax).optional(),
    nodeSelector: z
      .record(z.string().min(1).max(LIMIT.stringMax), z.string().max(63))
      .refine((r) => Object.keys(r).length <= LIMIT.nodeSelectorMax, `at most ${LIMIT.nodeSelectorMax} entries`)
      .optional(),
    latencyBudgetMs: latencyMs().optional(),
    maxSites: int(1, LIMIT.maxSitesMax).default(DEFAULTS.placement.maxSites),
    maxSkew: int(1, LIMIT.maxSkewMax).default(DEFAULTS.placement.maxSkew),
    antiAffinity: z.enum(ANTI_AFFINITY).default(DEFAULTS.placement.antiAffinity),
  }),
);

const Automation = withRules(
  'automation',
  z.strictObject({
    mode: z.enum(AUTOMATION_MODES).default(DEFAULTS.automation.mode),
    policy: z
      .strictObject({
        maxStepReplicas: int(1, LIMIT.replicasMax).optional(),
        maxStepPercent: int(1, LIMIT.stepPercentMax).optional(),
        scaleDownFloor: int(1, LIMIT.replicasMax).optional(),
        approveReplacement: z.boolean().default(DEFAULTS.automation.approveReplacement),
        expirySeconds: int(LIMIT.decisionExpiryMin, LIMIT.decisionExpiryMax).default(DEFAULTS.automation.expirySeconds),
      })
      .optional(),
    budgets: z
      .array(
        z.strictObject({
          schedule: re(CRON_PATTERN, 'a five-field cron schedule in UTC, e.g. "0 2 * * *"').max(LIMIT.stringMax),
          durationSeconds: int(LIMIT.budgetDurationMin, LIMIT.budgetDurationMax),
        }),
      )
      .max(LIMIT.budgetsMax)
      .optional(),
  }),
);

const Telemetry = z.strictObject({
  loadQuery: withRules('query', z.string().max(LIMIT.queryMax).regex(/\S/, 'must not be blank')).optional(),
});

export const NetworkSliceSpec = withRules(
  'spec',
  z.strictObject({
    snssai: Snssai,
    plmn: Plmn,
    serviceType: z.enum(SERVICE_TYPES),
    sla: Sla.optional(),
    qos: Qos.default({ defaultFiveQI: DEFAULTS.defaultFiveQI, defaultArp: { ...DEFAULTS.arp }, flows: [] }),
    cnfs: Cnfs,
    scaling: Scaling.default({ ...DEFAULTS.scaling }),
    placement: Placement.default({ ...DEFAULTS.placement }),
    telemetry: Telemetry.optional(),
    automation: Automation.default({ mode: DEFAULTS.automation.mode }),
  }),
);

/** The whole object as read from the API server (metadata loosely: the server owns it). */
export const NetworkSlice = withRules(
  'root',
  z.object({
    apiVersion: z.literal('slicing.telco.dev/v1alpha1'),
    kind: z.literal('NetworkSlice'),
    metadata: z.looseObject({
      name: z.string().min(1),
      namespace: z.string().optional(),
      uid: z.string().optional(),
      generation: z.number().int().optional(),
    }),
    spec: NetworkSliceSpec,
    status: z.unknown().optional(),
  }),
);

export type NetworkSliceSpec = z.infer<typeof NetworkSliceSpec>;
export type NetworkSliceSpecInput = z.input<typeof NetworkSliceSpec>;
export type NetworkSlice = z.infer<typeof NetworkSlice>;

export interface FieldIssue {
  /** Dotted path as kubectl prints it, e.g. `spec.cnfs[0].minReplicas`. */
  path: string;
  message: string;
}

/**
 * The API server prunes `null` object fields of a CRD (none is nullable) before defaulting and
 * validation; so does this edge, or the two would disagree on `field: null`. Nulls inside lists
 * are kept: the server rejects those too.
 */
function withoutNullFields(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNullFields);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNullFields(x)]));
}

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

/** Validates an object read from the API server; issues name the offending field. */
export function parseNetworkSlice(obj: unknown): { ok: true; slice: NetworkSlice } | { ok: false; issues: FieldIssue[] } {
  const r = NetworkSlice.safeParse(withoutNullFields(obj));
  if (r.success) return { ok: true, slice: r.data };
  // An unknown key is reported on the key itself, as the API server's strict decoding does.
  const issues = r.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: formatPath([...i.path, k]), message: 'unknown field' })) : [{ path: formatPath(i.path), message: i.message }],
  );
  return { ok: false, issues };
}
