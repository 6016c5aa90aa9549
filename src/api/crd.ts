import {
  ANTI_AFFINITY,
  CNF_TYPES,
  DEFAULTS,
  GROUP,
  KIND,
  LIMIT,
  PATTERN,
  PLURAL,
  PREEMPTION_CAPABILITY,
  PREEMPTION_VULNERABILITY,
  PROTOCOLS,
  QUANTILES,
  RESOURCE_TYPES,
  SCALING_MODES,
  SERVICE_TYPES,
  VERSION,
} from './limits.js';
import { rulesAt, type RuleNode } from './rules.js';

/**
 * The NetworkSlice CustomResourceDefinition, built in code from the same bounds and rules as the
 * zod schema. `npm run gen:crds` writes it to crds/ and the chart; a unit test fails when the
 * committed YAML is stale. Structural schema: every field typed, unknown fields pruned.
 */
type Schema = Record<string, unknown>;

const validations = (node: RuleNode): Schema => {
  const rules = rulesAt(node).map((r) => ({ rule: r.cel, message: r.message, ...(r.fieldPath ? { fieldPath: r.fieldPath } : {}), ...(r.reason ? { reason: r.reason } : {}) }));
  return rules.length ? { 'x-kubernetes-validations': rules } : {};
};
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
const str = (extra: Schema = {}): Schema => ({ type: 'string', maxLength: LIMIT.stringMax, ...extra });
const pat = (pattern: string, extra: Schema = {}): Schema => str({ pattern, ...extra });
const int = (minimum: number, maximum: number, extra: Schema = {}): Schema => ({ type: 'integer', minimum, maximum, ...extra });
const num = (minimum: number, maximum: number, extra: Schema = {}): Schema => ({ type: 'number', minimum, maximum, ...extra });
const enm = (values: readonly string[], extra: Schema = {}): Schema => ({ type: 'string', enum: [...values], ...extra });
const arr = (items: Schema, maxItems: number, extra: Schema = {}): Schema => ({ type: 'array', items, maxItems, ...extra });
const d = (description: string): Schema => ({ description });
const mbps = (description: string): Schema => num(0, LIMIT.mbpsMax, d(description));
const positiveMbps = (description: string): Schema => num(0, LIMIT.mbpsMax, { exclusiveMinimum: true, ...d(description) });
const latency = (description: string): Schema => num(0, LIMIT.latencyMsMax, { exclusiveMinimum: true, ...d(description) });
const quantity: Schema = { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: PATTERN.quantity, maxLength: LIMIT.quantityMax, 'x-kubernetes-int-or-string': true };
const resourceList: Schema = { type: 'object', additionalProperties: quantity, maxProperties: LIMIT.resourcesMax };

const throughput = (what: string): Schema =>
  obj(
    {
      guaranteedMbps: mbps(`Guaranteed ${what} throughput of the whole slice, Mbps (GST 'guaranteed').`),
      maximumMbps: positiveMbps(`Maximum ${what} throughput of the whole slice, Mbps (GST 'maximum').`),
    },
    { ...d(`Slice ${what} throughput (GSMA GST NG.116).`), ...validations('throughput') },
  );

const arp = (description: string): Schema =>
  obj(
    {
      priorityLevel: int(1, 15, d('ARP priority level, 1 (highest) to 15.')),
      preemptionCapability: enm(PREEMPTION_CAPABILITY, { default: DEFAULTS.arp.preemptionCapability }),
      preemptionVulnerability: enm(PREEMPTION_VULNERABILITY, { default: DEFAULTS.arp.preemptionVulnerability }),
    },
    { required: ['priorityLevel'], ...d(description) },
  );

const bitRate = (description: string): Schema =>
  obj({ uplinkMbps: mbps('Uplink, Mbps.'), downlinkMbps: mbps('Downlink, Mbps.') }, { required: ['uplinkMbps', 'downlinkMbps'], ...d(description) });

const siteList = (description: string): Schema => arr(pat(PATTERN.site), LIMIT.sitesMax, { 'x-kubernetes-list-type': 'set', ...d(description) });

const specSchema: Schema = obj(
  {
    snssai: obj(
      {
        sst: int(0, 255, d('Slice/Service Type: 1 eMBB, 2 URLLC, 3 MIoT, 4 V2X, 5 HMTC, 6 HDLLC, 128-255 operator-defined.')),
        sd: pat(PATTERN.sd, d('Slice Differentiator, 6 hex digits (e.g. 000001).')),
      },
      { required: ['sst'], ...d('S-NSSAI of the slice. (plmn, sst, sd) must be unique across slices; the controller reports duplicates.') },
    ),
    plmn: obj(
      { mcc: pat(PATTERN.mcc, d('Mobile Country Code, 3 digits.')), mnc: pat(PATTERN.mnc, d('Mobile Network Code, 2 or 3 digits.')) },
      { required: ['mcc', 'mnc'], ...d('PLMN the slice belongs to.') },
    ),
    serviceType: enm(SERVICE_TYPES, d('Service type; must match a standardized sst.')),
    sla: obj(
      {
        downlinkThroughput: throughput('downlink'),
        uplinkThroughput: throughput('uplink'),
        perUE: obj(
          {
            downlinkMaxMbps: positiveMbps('Maximum downlink throughput per UE, Mbps.'),
            uplinkMaxMbps: positiveMbps('Maximum uplink throughput per UE, Mbps.'),
          },
          d('Per-UE maximum throughput (GST).'),
        ),
        maxUEs: int(1, LIMIT.ueMax, d('Maximum number of UEs (GST).')),
        maxPDUSessions: int(1, LIMIT.ueMax, d('Maximum number of PDU sessions (GST).')),
        latencyBudgetMs: latency('End-to-end latency budget, ms (GST). Also the RAN-to-UPF bound for placement unless placement.latencyBudgetMs is set. Required for URLLC.'),
        reliabilityPercent: num(0, 100, d('Packet delivery reliability, percent (e.g. 99.999).')),
        availabilityPercent: num(0, 100, d('Service availability, percent.')),
        areaOfService: obj(
          {
            sites: siteList('Sites the slice must be served from (each must be in placement.sites when that is set).'),
            trackingAreas: arr(pat(PATTERN.tac), LIMIT.trackingAreasMax, { 'x-kubernetes-list-type': 'set', ...d('Tracking area codes (24-bit, 6 hex digits) the chosen UPF sites must serve.') }),
          },
          d('Area of service (GST).'),
        ),
      },
      { ...d('Service level agreement, in GSMA GST (NG.116) terms.'), ...validations('sla') },
    ),
    qos: obj(
      {
        defaultFiveQI: int(1, 255, { default: DEFAULTS.defaultFiveQI, ...d('5QI of the default QoS flow; Non-GBR, standardized or 128-254.') }),
        defaultArp: { ...arp('ARP of the default QoS flow.'), default: { ...DEFAULTS.arp } },
        sessionAmbr: obj(
          { uplinkMbps: positiveMbps('Uplink session-AMBR, Mbps.'), downlinkMbps: positiveMbps('Downlink session-AMBR, Mbps.') },
          { required: ['uplinkMbps', 'downlinkMbps'], ...d('Session aggregate maximum bit rate.') },
        ),
        flows: arr(
          obj(
            {
              qfi: int(1, LIMIT.qfiMax, d('QoS Flow Identifier, 1-63, unique in the slice.')),
              fiveQI: int(1, 255, d('5QI: standardized (TS 23.501 Table 5.7.4-1) or operator-specific 128-254.')),
              resourceType: enm(RESOURCE_TYPES, d('Required for operator-specific 5QIs; must match the table for standardized ones.')),
              arp: arp('ARP of the flow (defaults to defaultArp).'),
              gfbr: bitRate('Guaranteed flow bit rate; GBR flows only.'),
              mfbr: bitRate('Maximum flow bit rate; required for GBR flows.'),
            },
            { required: ['qfi', 'fiveQI'], ...validations('flow') },
          ),
          LIMIT.flowsMax,
          { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['qfi'], ...d('QoS flows beyond the default one, with their QFI mapping.') },
        ),
      },
      { default: {}, ...d('QoS of the slice (TS 23.501 5.7).'), ...validations('qos') },
    ),
    cnfs: arr(
      obj(
        {
          name: pat(PATTERN.cnfName, { maxLength: LIMIT.cnfNameMax, ...d('Name of the CNF; its Deployment is <slice>-<name>.') }),
          type: enm(CNF_TYPES, d('Network function type.')),
          image: str({ maxLength: LIMIT.imageMax, minLength: 1, ...d('Container image.') }),
          capacity: obj(
            {
              sessions: int(1, LIMIT.ueMax, d('PDU sessions one replica serves: the scaling unit.')),
              throughputMbps: positiveMbps('Throughput one replica forwards, Mbps (sets bandwidth annotations on UPF pods).'),
            },
            { required: ['sessions'], ...d('Per-replica capacity.') },
          ),
          minReplicas: int(0, LIMIT.replicasMax, { default: DEFAULTS.minReplicas }),
          maxReplicas: int(1, LIMIT.replicasMax, { default: DEFAULTS.maxReplicas }),
          resources: obj({ requests: resourceList, limits: resourceList }, d('Container resources (as in a pod spec).')),
          env: arr(
            obj({ name: pat(PATTERN.envName), value: { type: 'string', maxLength: 4096 } }, { required: ['name'] }),
            LIMIT.envMax,
            { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
          ),
          args: arr({ type: 'string', maxLength: 4096 }, LIMIT.argsMax),
          ports: arr(
            obj(
              { name: pat(PATTERN.portName, { maxLength: 15 }), containerPort: int(1, 65535), protocol: enm(PROTOCOLS, { default: 'TCP' }) },
              { required: ['name', 'containerPort'] },
            ),
            LIMIT.portsMax,
            { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], ...d('Ports; UPF and SMF have Open5GS defaults.') },
          ),
        },
        { required: ['name', 'type', 'image', 'capacity'], ...validations('cnf') },
      ),
      LIMIT.cnfsMax,
      { minItems: 1, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], ...d('Network functions of the slice; exactly one upf.'), ...validations('cnfs') },
    ),
    scaling: obj(
      {
        mode: enm(SCALING_MODES, { default: DEFAULTS.scaling.mode, ...d('predictive (forecast), reactive (observed load) or static (minReplicas).') }),
        horizonSteps: int(1, LIMIT.horizonStepsMax, { default: DEFAULTS.scaling.horizonSteps, ...d('Forecast steps ahead to provision for (operator step, 1 h by default).') }),
        quantile: enm(QUANTILES, { default: DEFAULTS.scaling.quantile, ...d('Forecast quantile to provision for; 1 - quantile is the target violation probability before calibration.') }),
        headroomPercent: num(0, LIMIT.headroomMax, { default: DEFAULTS.scaling.headroomPercent, ...d('Extra capacity on top of the forecast, percent.') }),
        scaleDownStabilizationSeconds: int(0, LIMIT.stabilizationMax, { default: DEFAULTS.scaling.scaleDownStabilizationSeconds, ...d('Scale down only to the highest recommendation of this window.') }),
        maxStep: int(1, LIMIT.maxStepMax, { default: DEFAULTS.scaling.maxStep, ...d('Largest replica change per decision.') }),
      },
      { default: {}, ...d('How replicas follow load.') },
    ),
    placement: obj(
      {
        sites: siteList('Sites the UPF may run in (slicing.telco.dev/site node label); empty = any.'),
        nodeSelector: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 }, maxProperties: LIMIT.nodeSelectorMax, ...d('Extra node selector for all CNF pods.') },
        latencyBudgetMs: latency('Maximum RAN-to-UPF latency, ms (slicing.telco.dev/ran-latency-ms node label); defaults to sla.latencyBudgetMs.'),
        maxSites: int(1, LIMIT.maxSitesMax, { default: DEFAULTS.placement.maxSites, ...d('Sites to spread UPF replicas over when enough qualify.') }),
        maxSkew: int(1, LIMIT.maxSkewMax, { default: DEFAULTS.placement.maxSkew, ...d('Topology spread maxSkew across sites.') }),
        antiAffinity: enm(ANTI_AFFINITY, { default: DEFAULTS.placement.antiAffinity, ...d('Pod anti-affinity between replicas of a CNF across nodes.') }),
      },
      { default: {}, ...d('Where the UPF runs.'), ...validations('placement') },
    ),
    telemetry: obj(
      {
        loadQuery: str({
          maxLength: LIMIT.queryMax,
          pattern: '\\S',
          ...d('PromQL returning the slice load in sessions; {{snssai}} (e.g. 1-000001) and {{plmnid}} (e.g. 00101) are substituted. Default: Open5GS SMF sessions.'),
          ...validations('query'),
        }),
      },
      d('Where the slice load is read from.'),
    ),
  },
  { required: ['snssai', 'plmn', 'serviceType', 'cnfs'], ...d('Desired state of the slice.'), ...validations('spec') },
);

const condition: Schema = obj(
  {
    type: str(),
    status: enm(['True', 'False', 'Unknown']),
    reason: str({ maxLength: 1024 }),
    message: { type: 'string', maxLength: 32768 },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
  },
  { required: ['type', 'status', 'lastTransitionTime'] },
);

const statusSchema: Schema = obj(
  {
    observedGeneration: { type: 'integer', format: 'int64' },
    phase: enm(['Pending', 'Provisioning', 'Ready', 'Degraded', 'Deleting']),
    conditions: arr(condition, 16, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
    upfReplicas: { type: 'integer' },
    load: { type: 'number' },
    forecastValue: { type: 'number' },
    currentLoad: obj({ sessions: { type: 'number' }, observedAt: { type: 'string', format: 'date-time' } }),
    forecast: obj({
      value: { type: 'number' },
      p50: { type: 'number' },
      p90: { type: 'number' },
      p99: { type: 'number' },
      quantile: { type: 'string' },
      horizonSteps: { type: 'integer' },
      model: { type: 'string' },
      source: { type: 'string' },
      fallbackReason: { type: 'string' },
      calibration: { type: 'number' },
      coverage: { type: 'number' },
    }),
    cnfs: arr(obj({ name: { type: 'string' }, desiredReplicas: { type: 'integer' }, readyReplicas: { type: 'integer' } }), LIMIT.cnfsMax),
    placement: obj({ upfSites: arr({ type: 'string' }, LIMIT.sitesMax) }),
    qosApplied: obj({ configMap: { type: 'string' }, defaultFiveQI: { type: 'integer' }, flows: { type: 'integer' }, priorityClass: { type: 'string' } }),
    provisionedCapacity: { type: 'number' },
    lastDecision: obj({ time: { type: 'string', format: 'date-time' }, reason: { type: 'string' }, message: { type: 'string' }, fromReplicas: { type: 'integer' }, toReplicas: { type: 'integer' } }),
  },
  d('Observed state, written by the operator.'),
);

export function networkSliceCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}`, labels: { 'app.kubernetes.io/name': 'slice-operator', 'app.kubernetes.io/part-of': 'slice-operator' } },
    spec: {
      group: GROUP,
      names: { kind: KIND, listKind: `${KIND}List`, plural: PLURAL, singular: 'networkslice', shortNames: ['nsl', 'slice'], categories: ['telco'] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'SST', type: 'integer', jsonPath: '.spec.snssai.sst' },
            { name: 'SD', type: 'string', jsonPath: '.spec.snssai.sd' },
            { name: 'Type', type: 'string', jsonPath: '.spec.serviceType' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'UPF Replicas', type: 'integer', jsonPath: '.status.upfReplicas' },
            { name: 'Load', type: 'number', jsonPath: '.status.load' },
            { name: 'Forecast', type: 'number', jsonPath: '.status.forecastValue' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: obj(
              { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: specSchema, status: statusSchema },
              { required: ['spec'], ...d('A 5G network slice: S-NSSAI, SLA, QoS, CNFs, scaling and UPF placement.'), ...validations('root') },
            ),
          },
        },
      ],
    },
  };
}
