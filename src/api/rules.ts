import { OPERATOR_5QI_MAX, OPERATOR_5QI_MIN, STANDARD_5QI, type ResourceType } from './fiveqi.js';
import { parseQuantity } from './quantity.js';

/**
 * Cross-field rules of the NetworkSlice API. Each is written twice on purpose, side by side: as
 * CEL for the CRD (the API server rejects bad manifests at `kubectl apply`) and as a TypeScript
 * predicate for zod (the operator re-checks what it reads, e.g. objects stored before a CRD
 * upgrade). Same message both ways; test/e2e/api.test.ts proves they agree on a corpus
 * (test/fixtures/api/corpus.ts), test/unit/api/schema.test.ts checks the zod side alone. A rule
 * without CEL (`zodOnly`) is one some supported Kubernetes minor cannot evaluate within its cost
 * budget; the e2e tests check that the server stores such a slice and the operator refuses it.
 */
export type RuleNode = 'root' | 'spec' | 'throughput' | 'sla' | 'qos' | 'flow' | 'cnfs' | 'cnf' | 'placement' | 'query' | 'automation';

export interface Rule {
  node: RuleNode;
  /**
   * CEL; `self` is the node. Absent for a rule the CRD cannot carry on every supported Kubernetes
   * minor (`zodOnly` says why): the API server then stores such a slice and the operator reports
   * it Degraded with reason InvalidSpec, naming the field, as for any spec zod rejects.
   */
  cel?: string;
  zodOnly?: string;
  message: string;
  /** Field the error is reported on, relative to the node (CRD `fieldPath`). */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueDuplicate';
  // Values arrive from zod already shaped by the schema; rules take them loosely typed.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  check: (self: any) => boolean;
}

const celMap5qi = `{${Object.entries(STANDARD_5QI)
  .map(([k, v]) => `${k}: '${v}'`)
  .join(', ')}}`;
const celEffectiveType = `(self.fiveQI in ${celMap5qi} ? ${celMap5qi}[self.fiveQI] : (has(self.resourceType) ? self.resourceType : 'NonGBR'))`;
const effectiveType = (f: { fiveQI: number; resourceType?: ResourceType }): ResourceType => STANDARD_5QI[f.fiveQI] ?? f.resourceType ?? 'NonGBR';
const known5qi = (v: number): boolean => STANDARD_5QI[v] !== undefined || (v >= OPERATOR_5QI_MIN && v <= OPERATOR_5QI_MAX);
const celKnown5qi = (e: string): string => `(${e} in ${celMap5qi} || (${e} >= ${OPERATOR_5QI_MIN} && ${e} <= ${OPERATOR_5QI_MAX}))`;
const has = (o: unknown, ...keys: string[]): boolean => {
  let cur: unknown = o;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || !(k in cur) || (cur as Record<string, unknown>)[k] === undefined) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
};

export const RULES: Rule[] = [
  {
    node: 'root',
    cel: 'self.metadata.name.size() <= 63',
    message: 'metadata.name must be at most 63 characters: it is a label value on every CNF the slice owns',
    check: (s) => String(s?.metadata?.name ?? '').length <= 63,
  },
  {
    node: 'spec',
    cel: "!(self.snssai.sst in [1, 2, 3, 4]) || self.serviceType == ['', 'eMBB', 'URLLC', 'mMTC', 'V2X'][self.snssai.sst]",
    message: 'serviceType must match snssai.sst: sst 1 is eMBB, 2 URLLC, 3 mMTC, 4 V2X (operator-defined sst 128-255 may use any type)',
    fieldPath: '.serviceType',
    check: (s) => ![1, 2, 3, 4].includes(s.snssai.sst) || s.serviceType === ['', 'eMBB', 'URLLC', 'mMTC', 'V2X'][s.snssai.sst],
  },
  {
    node: 'spec',
    cel: 'self.snssai.sst in [1, 2, 3, 4, 5, 6] || self.snssai.sst >= 128',
    message: 'snssai.sst must be standardized (1 eMBB, 2 URLLC, 3 MIoT, 4 V2X, 5 HMTC, 6 HDLLC) or operator-defined (128-255); 0 and 7-127 are reserved',
    fieldPath: '.snssai.sst',
    check: (s) => [1, 2, 3, 4, 5, 6].includes(s.snssai.sst) || s.snssai.sst >= 128,
  },
  {
    node: 'spec',
    cel: "self.serviceType != 'URLLC' || (has(self.sla) && has(self.sla.latencyBudgetMs))",
    message: 'sla.latencyBudgetMs is required for URLLC slices',
    fieldPath: '.sla',
    reason: 'FieldValueRequired',
    check: (s) => s.serviceType !== 'URLLC' || has(s, 'sla', 'latencyBudgetMs'),
  },
  {
    node: 'spec',
    cel: '!has(self.placement) || !has(self.placement.latencyBudgetMs) || !has(self.sla) || !has(self.sla.latencyBudgetMs) || self.placement.latencyBudgetMs <= self.sla.latencyBudgetMs',
    message: 'placement.latencyBudgetMs (RAN to UPF) cannot exceed sla.latencyBudgetMs (end to end)',
    fieldPath: '.placement.latencyBudgetMs',
    check: (s) => !has(s, 'placement', 'latencyBudgetMs') || !has(s, 'sla', 'latencyBudgetMs') || s.placement.latencyBudgetMs <= s.sla.latencyBudgetMs,
  },
  {
    node: 'spec',
    cel: '!has(self.placement) || !has(self.placement.sites) || size(self.placement.sites) == 0 || !has(self.sla) || !has(self.sla.areaOfService) || !has(self.sla.areaOfService.sites) || self.sla.areaOfService.sites.all(s, s in self.placement.sites)',
    message: 'sla.areaOfService.sites must all be listed in placement.sites',
    fieldPath: '.sla.areaOfService.sites',
    check: (s) =>
      !has(s, 'placement', 'sites') || s.placement.sites.length === 0 || !has(s, 'sla', 'areaOfService', 'sites') || s.sla.areaOfService.sites.every((x: string) => s.placement.sites.includes(x)),
  },
  {
    node: 'throughput',
    cel: '!has(self.guaranteedMbps) || !has(self.maximumMbps) || self.guaranteedMbps <= self.maximumMbps',
    message: 'guaranteedMbps must not exceed maximumMbps',
    fieldPath: '.guaranteedMbps',
    check: (t) => t.guaranteedMbps === undefined || t.maximumMbps === undefined || t.guaranteedMbps <= t.maximumMbps,
  },
  {
    node: 'sla',
    cel: '!has(self.perUE) || !has(self.perUE.downlinkMaxMbps) || !has(self.downlinkThroughput) || !has(self.downlinkThroughput.maximumMbps) || self.perUE.downlinkMaxMbps <= self.downlinkThroughput.maximumMbps',
    message: "perUE.downlinkMaxMbps must not exceed the slice's downlinkThroughput.maximumMbps",
    fieldPath: '.perUE.downlinkMaxMbps',
    check: (s) => !has(s, 'perUE', 'downlinkMaxMbps') || !has(s, 'downlinkThroughput', 'maximumMbps') || s.perUE.downlinkMaxMbps <= s.downlinkThroughput.maximumMbps,
  },
  {
    node: 'sla',
    cel: '!has(self.perUE) || !has(self.perUE.uplinkMaxMbps) || !has(self.uplinkThroughput) || !has(self.uplinkThroughput.maximumMbps) || self.perUE.uplinkMaxMbps <= self.uplinkThroughput.maximumMbps',
    message: "perUE.uplinkMaxMbps must not exceed the slice's uplinkThroughput.maximumMbps",
    fieldPath: '.perUE.uplinkMaxMbps',
    check: (s) => !has(s, 'perUE', 'uplinkMaxMbps') || !has(s, 'uplinkThroughput', 'maximumMbps') || s.perUE.uplinkMaxMbps <= s.uplinkThroughput.maximumMbps,
  },
  {
    node: 'sla',
    cel: '!has(self.maxUEs) || !has(self.maxPDUSessions) || self.maxPDUSessions >= self.maxUEs',
    message: 'maxPDUSessions must be at least maxUEs (every UE holds at least one PDU session)',
    fieldPath: '.maxPDUSessions',
    check: (s) => s.maxUEs === undefined || s.maxPDUSessions === undefined || s.maxPDUSessions >= s.maxUEs,
  },
  {
    node: 'qos',
    cel: `!has(self.defaultFiveQI) || ${celKnown5qi('self.defaultFiveQI')}`,
    message: 'defaultFiveQI must be a standardized 5QI (TS 23.501 Table 5.7.4-1) or operator-specific (128-254)',
    fieldPath: '.defaultFiveQI',
    check: (q) => q.defaultFiveQI === undefined || known5qi(q.defaultFiveQI),
  },
  {
    node: 'qos',
    cel: `!has(self.defaultFiveQI) || !(self.defaultFiveQI in ${celMap5qi}) || ${celMap5qi}[self.defaultFiveQI] == 'NonGBR'`,
    message: 'defaultFiveQI must be a Non-GBR 5QI: the default QoS flow carries no bit-rate guarantee (put GBR traffic in qos.flows)',
    fieldPath: '.defaultFiveQI',
    check: (q) => q.defaultFiveQI === undefined || STANDARD_5QI[q.defaultFiveQI] === undefined || STANDARD_5QI[q.defaultFiveQI] === 'NonGBR',
  },
  {
    node: 'flow',
    cel: celKnown5qi('self.fiveQI'),
    message: 'fiveQI must be a standardized 5QI (TS 23.501 Table 5.7.4-1) or operator-specific (128-254)',
    fieldPath: '.fiveQI',
    check: (f) => known5qi(f.fiveQI),
  },
  {
    node: 'flow',
    cel: `self.fiveQI < ${OPERATOR_5QI_MIN} || has(self.resourceType)`,
    message: 'resourceType is required for an operator-specific 5QI (128-254)',
    fieldPath: '.resourceType',
    reason: 'FieldValueRequired',
    check: (f) => f.fiveQI < OPERATOR_5QI_MIN || f.resourceType !== undefined,
  },
  {
    node: 'flow',
    cel: `!has(self.resourceType) || !(self.fiveQI in ${celMap5qi}) || ${celMap5qi}[self.fiveQI] == self.resourceType`,
    message: 'resourceType contradicts the standardized 5QI (TS 23.501 Table 5.7.4-1); omit it for standardized values',
    fieldPath: '.resourceType',
    check: (f) => f.resourceType === undefined || STANDARD_5QI[f.fiveQI] === undefined || STANDARD_5QI[f.fiveQI] === f.resourceType,
  },
  {
    node: 'flow',
    cel: `${celEffectiveType} == 'NonGBR' || (has(self.gfbr) && has(self.mfbr))`,
    message: 'GBR and delay-critical GBR flows need both gfbr and mfbr',
    fieldPath: '.gfbr',
    reason: 'FieldValueRequired',
    check: (f) => effectiveType(f) === 'NonGBR' || (f.gfbr !== undefined && f.mfbr !== undefined),
  },
  {
    node: 'flow',
    cel: `${celEffectiveType} != 'NonGBR' || !has(self.gfbr)`,
    message: 'gfbr is only allowed on GBR flows (this 5QI is Non-GBR)',
    fieldPath: '.gfbr',
    reason: 'FieldValueForbidden',
    check: (f) => effectiveType(f) !== 'NonGBR' || f.gfbr === undefined,
  },
  {
    node: 'flow',
    cel: '!has(self.gfbr) || !has(self.mfbr) || (self.gfbr.uplinkMbps <= self.mfbr.uplinkMbps && self.gfbr.downlinkMbps <= self.mfbr.downlinkMbps)',
    message: 'gfbr must not exceed mfbr in either direction',
    fieldPath: '.gfbr',
    check: (f) => f.gfbr === undefined || f.mfbr === undefined || (f.gfbr.uplinkMbps <= f.mfbr.uplinkMbps && f.gfbr.downlinkMbps <= f.mfbr.downlinkMbps),
  },
  {
    node: 'cnfs',
    cel: "self.exists_one(c, c.type == 'upf')",
    message: 'cnfs must contain exactly one CNF of type upf',
    check: (l) => l.filter((c: { type: string }) => c.type === 'upf').length === 1,
  },
  {
    node: 'cnf',
    cel: '!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas',
    message: 'minReplicas must not exceed maxReplicas',
    fieldPath: '.minReplicas',
    check: (c) => c.minReplicas === undefined || c.maxReplicas === undefined || c.minReplicas <= c.maxReplicas,
  },
  {
    node: 'cnf',
    cel: "self.type != 'upf' || !has(self.minReplicas) || self.minReplicas >= 1",
    message: 'minReplicas must be at least 1 for the upf CNF: a slice without a UPF carries no traffic (other CNF types may scale to 0)',
    fieldPath: '.minReplicas',
    check: (c) => c.type !== 'upf' || c.minReplicas === undefined || c.minReplicas >= 1,
  },
  {
    node: 'cnf',
    // API servers before 1.34 estimate any string operation on an x-kubernetes-int-or-string value
    // at the maximum request size (kubernetes/kubernetes#132837 made them honour maxLength), so
    // `quantity(string(requests[k])).compareTo(...)` exceeds the cost budget 8.1x there and the
    // whole CRD is refused. Rewrites without string() or with type() branches stay over budget.
    zodOnly: 'quantity comparison over int-or-string values exceeds the CEL cost budget before Kubernetes 1.34',
    message: 'resources.requests must not exceed resources.limits',
    fieldPath: '.resources.requests',
    check: (c) => {
      const req = c.resources?.requests ?? {};
      const lim = c.resources?.limits ?? {};
      return Object.keys(req).every((k) => lim[k] === undefined || parseQuantity(String(req[k])) <= parseQuantity(String(lim[k])));
    },
  },
  {
    node: 'placement',
    cel: '!has(self.sites) || size(self.sites) == 0 || !has(self.maxSites) || self.maxSites <= size(self.sites)',
    message: 'maxSites cannot exceed the number of allowed sites',
    fieldPath: '.maxSites',
    check: (p) => !p.sites?.length || p.maxSites === undefined || p.maxSites <= p.sites.length,
  },
  {
    node: 'query',
    cel: "!self.replace('{{snssai}}', '').replace('{{plmnid}}', '').contains('{{')",
    message: 'loadQuery may only use the placeholders {{snssai}} and {{plmnid}}',
    check: (q: string) => !q.replaceAll('{{snssai}}', '').replaceAll('{{plmnid}}', '').includes('{{'),
  },
];

RULES.push(
  {
    node: 'automation',
    cel: "self.mode != 'Approve' || has(self.policy)",
    message: 'mode Approve needs a policy: which decisions a person must approve (maxStepReplicas, maxStepPercent, scaleDownFloor, approveReplacement)',
    fieldPath: '.policy',
    reason: 'FieldValueRequired',
    check: (a) => a.mode !== 'Approve' || a.policy !== undefined,
  },
  {
    node: 'automation',
    cel: "self.mode == 'Approve' || !has(self.policy)",
    message: 'policy applies only to mode Approve (Auto acts alone, Recommend never acts)',
    fieldPath: '.policy',
    reason: 'FieldValueForbidden',
    check: (a) => a.mode === 'Approve' || a.policy === undefined,
  },
);

export const rulesAt = (node: RuleNode): Rule[] => RULES.filter((r) => r.node === node);

/** The rules the CRD carries as CEL. */
export const celRulesAt = (node: RuleNode): (Rule & { cel: string })[] => rulesAt(node).filter((r): r is Rule & { cel: string } => r.cel !== undefined);

/** Messages of the rules only zod checks: the API server stores such slices, the operator reports them InvalidSpec. */
export const ZOD_ONLY_MESSAGES: readonly string[] = RULES.filter((r) => r.cel === undefined).map((r) => r.message);
