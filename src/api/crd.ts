import {
  ANTI_AFFINITY,
  AUTOMATION_MODES,
  CAPACITY_BASES,
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
import { celRulesAt, type RuleNode } from './rules.js';
import { CRON_PATTERN } from './cron.js';
import { arr, condition, d, enm, explanation, int, integerField, namespacedCrd, num, numberField, obj, str, stringField, timeField, type Schema } from './openapi.js';

/**
 * The NetworkSlice CustomResourceDefinition, built in code from the same bounds and rules as the
 * zod schema. `npm run gen:crds` writes it to crds/ and the chart; a unit test fails when the
 * committed YAML is stale. Structural schema: every field typed, unknown fields pruned.
 */

const validations = (node: RuleNode): Schema => {
  const rules = celRulesAt(node).map((r) => ({ rule: r.cel, message: r.message, ...(r.fieldPath ? { fieldPath: r.fieldPath } : {}), ...(r.reason ? { reason: r.reason } : {}) }));
  return rules.length ? { 'x-kubernetes-validations': rules } : {};
};
const pat = (pattern: string, extra: Schema = {}): Schema => str({ pattern, ...extra });
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
      preemptionCapability: enm(PREEMPTION_CAPABILITY, {
        default: DEFAULTS.arp.preemptionCapability,
        ...d('Pre-emption capability (TS 23.501 5.7.2.2): MayPreempt lets this flow take resources from flows of lower priority, NotPreempt does not.'),
      }),
      preemptionVulnerability: enm(PREEMPTION_VULNERABILITY, {
        default: DEFAULTS.arp.preemptionVulnerability,
        ...d('Pre-emption vulnerability (TS 23.501 5.7.2.2): Preemptable flows may lose their resources to flows of higher priority, NotPreemptable ones may not.'),
      }),
    },
    { required: ['priorityLevel'], ...d(description) },
  );

const bitRate = (description: string): Schema =>
  obj({ uplinkMbps: mbps('Uplink, Mbps.'), downlinkMbps: mbps('Downlink, Mbps.') }, { required: ['uplinkMbps', 'downlinkMbps'], ...d(description) });

const siteList = (description: string): Schema => arr(pat(PATTERN.site), LIMIT.sitesMax, { 'x-kubernetes-list-type': 'set', ...d(description) });
const slaPercent = (what: string, example: string): Schema =>
  num(
    LIMIT.slaPercentMin,
    100,
    d(
      `${what}, percent, written as nines (e.g. ${example}), from ${LIMIT.slaPercentMin} to 100. The floor of ${LIMIT.slaPercentMin} rejects a fraction typed for a percentage (0.999 meant as 99.9).`,
    ),
  );

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
        reliabilityPercent: slaPercent('Packet delivery reliability', '99.999'),
        availabilityPercent: slaPercent('Service availability', '99.9'),
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
          minReplicas: int(0, LIMIT.replicasMax, {
            default: DEFAULTS.minReplicas,
            ...d('Fewest replicas whatever the load; static scaling runs exactly this many. At least 1 for the upf CNF (a slice without a UPF carries no traffic); other CNFs may scale to 0.'),
          }),
          maxReplicas: int(1, LIMIT.replicasMax, { default: DEFAULTS.maxReplicas, ...d('Most replicas whatever the load; not below minReplicas.') }),
          startupSeconds: int(0, LIMIT.startupSecondsMax, { default: DEFAULTS.startupSeconds, ...d('Seconds a new replica takes to become Ready (image pull, process start, PFCP association); with scaling.capacityBasis LeadTime, capacity provisions for the load this far ahead.') }),
          resources: obj(
            {
              requests: { ...resourceList, ...d('Resources reserved for the container (cpu, memory, ...), as quantities such as 500m or 1Gi; each at most its limit.') },
              limits: { ...resourceList, ...d('Most the container may use, as quantities such as 2 or 2Gi.') },
            },
            d('Container resources (as in a pod spec).'),
          ),
          env: arr(
            obj(
              {
                name: pat(PATTERN.envName, d('Variable name.')),
                value: { type: 'string', maxLength: 4096, ...d('Variable value; empty when omitted.') },
              },
              { required: ['name'] },
            ),
            LIMIT.envMax,
            { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], ...d('Environment variables of the CNF container, unique by name, added to the ones the operator sets.') },
          ),
          args: arr({ type: 'string', maxLength: 4096 }, LIMIT.argsMax, d("Arguments of the container's entrypoint, e.g. open5gs-upfd.")),
          ports: arr(
            obj(
              {
                name: pat(PATTERN.portName, { maxLength: 15, ...d('Port name (an IANA service name), unique in the CNF; also the Service port name.') }),
                containerPort: int(1, 65535, d('Port number in the container.')),
                protocol: enm(PROTOCOLS, { default: 'TCP', ...d('Transport protocol.') }),
              },
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
        maxStep: int(1, LIMIT.maxStepMax, { default: DEFAULTS.scaling.maxStep, ...d('Largest replica change of a CNF within any stepPeriodSeconds, counted from its replicas before the period\'s first change (a rate limit, as an HPA behavior policy).') }),
        stepPeriodSeconds: int(0, LIMIT.stepPeriodMax, { default: DEFAULTS.scaling.stepPeriodSeconds, ...d('The period maxStep applies to, seconds; 0 limits each decision alone.') }),
        capacityBasis: enm(CAPACITY_BASES, {
          default: DEFAULTS.scaling.capacityBasis,
          ...d(
            'What predictive capacity provisions for: HorizonPeak, the forecast quantile\'s peak over horizonSteps; LeadTime, the load when a replica started now is Ready (the load now, the median forecast\'s change over each CNF\'s startupSeconds plus one telemetry cycle, and the quantile\'s spread scaled to that lead), which scales up and down closer to the load.',
          ),
        }),
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
    automation: obj(
      {
        mode: enm(AUTOMATION_MODES, {
          default: DEFAULTS.automation.mode,
          ...d('Auto: the operator scales and places alone. Recommend: it computes, publishes (status.cnfs[].recommendation, metric slice_operator_recommended_replicas, event Recommended) and changes nothing. Approve: it acts alone inside policy and proposes a SliceDecision for a person to approve outside it.'),
        }),
        policy: obj(
          {
            maxStepReplicas: int(1, LIMIT.replicasMax, d('A scale step of more than this many replicas needs approval.')),
            maxStepPercent: int(1, LIMIT.stepPercentMax, d('A scale step of more than this percent of the current replicas needs approval.')),
            scaleDownFloor: int(1, LIMIT.replicasMax, d('A scale-down to fewer than this many replicas needs approval.')),
            approveReplacement: { type: 'boolean', default: DEFAULTS.automation.approveReplacement, ...d('Moving a running UPF to other sites needs approval.') },
            expirySeconds: int(LIMIT.decisionExpiryMin, LIMIT.decisionExpiryMax, {
              default: DEFAULTS.automation.expirySeconds,
              ...d('A proposed SliceDecision not approved within this many seconds expires and is never applied.'),
            }),
          },
          d('In mode Approve: which decisions need a person. A change inside the policy is applied without asking.'),
        ),
        budgets: arr(
          obj(
            {
              schedule: str({ pattern: CRON_PATTERN, ...d('Five-field cron schedule, UTC (minute hour day-of-month month day-of-week), at which a window opens, e.g. "0 2 * * *".') }),
              durationSeconds: int(LIMIT.budgetDurationMin, LIMIT.budgetDurationMax, d('How long each window stays open, seconds.')),
            },
            { required: ['schedule', 'durationSeconds'] },
          ),
          LIMIT.budgetsMax,
          d('Windows in which disruptive actions (scale-down, moving a running UPF) are allowed, as Karpenter disruption budgets; outside them those wait. Absent: always allowed. Scale-ups and the first placement are never held.'),
        ),
      },
      { default: { mode: DEFAULTS.automation.mode }, ...d('How far the operator acts alone: human in the loop.'), ...validations('automation') },
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

const decision = (description: string): Schema =>
  obj(
    {
      time: timeField('When the decision was made.'),
      reason: stringField('CamelCase reason, e.g. ForecastScaleUp, BoundedByMax, HoldNoTelemetry, Static.'),
      message: stringField('The numbers behind it.'),
      fromReplicas: integerField('Replicas before.'),
      toReplicas: integerField('Replicas after.'),
      decision: stringField('The SliceDecision a person approved for it (automation mode Approve).'),
      explanation: explanation('Why, with the numbers.'),
    },
    d(description),
  );

const statusSchema: Schema = obj(
  {
    observedGeneration: { type: 'integer', format: 'int64', ...d('metadata.generation of the spec this status describes.') },
    phase: enm(['Pending', 'Provisioning', 'Ready', 'Degraded', 'Deleting'], d('Summary of the conditions: Ready when Ready is True, Degraded when Degraded is True, Provisioning while CNF replicas roll out, Pending otherwise.')),
    conditions: arr(condition, 16, {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      ...d('Ready (CNFs ready, QoS applied, UPF placed), Progressing (replicas rolling out) and Degraded (what cannot be served, and why).'),
    }),
    upfReplicas: integerField('Replicas the operator asks of the upf CNF (the UPF REPLICAS column).'),
    load: numberField('Observed load in sessions as of the current forecast step (the LOAD column); the same as currentLoad.sessions.'),
    forecastValue: numberField('Load the UPF is provisioned for, in sessions (the FORECAST column); the same as forecast.value.'),
    currentLoad: obj(
      {
        sessions: numberField('Sessions, as returned by telemetry.loadQuery.'),
        observedAt: timeField('When that value was read.'),
      },
      d('The last observed load, rewritten once per forecast step (hourly) or with any other status change; live figures are in the operator metrics.'),
    ),
    forecast: obj(
      {
        value: numberField("Peak over the horizon at the slice's quantile, in sessions: what scaling provisions for."),
        p50: numberField('Median forecast of the next step, sessions.'),
        p90: numberField('90th-percentile forecast of the next step, sessions.'),
        p99: numberField('99th-percentile forecast of the next step, sessions.'),
        quantile: stringField('Quantile provisioned for (spec.scaling.quantile).'),
        horizonSteps: integerField('Steps ahead the forecast covers (spec.scaling.horizonSteps).'),
        model: stringField('Model that made the forecast: the ONNX model, or the fallback (e.g. same-hour-last-week, ewma-0.3).'),
        source: stringField('onnx (the embedded model), seasonal-naive or ewma (fallbacks when the model or the history cannot serve).'),
        fallbackReason: stringField('Why a fallback forecast was used; absent for model forecasts.'),
        calibration: numberField('Online conformal calibration factor the forecast is multiplied by (1: none yet).'),
        coverage: numberField('Share of observed hours the calibrated capacity covered (0 to 1).'),
      },
      d('The latest forecast, as of the current forecast step.'),
    ),
    cnfs: arr(
      obj({
        name: stringField('CNF name (spec.cnfs[].name).'),
        type: enm(CNF_TYPES, d('CNF type (spec.cnfs[].type), so that columns and tools can find the upf.')),
        desiredReplicas: integerField('Replicas the operator asks for.'),
        readyReplicas: integerField('Ready replicas of its Deployment.'),
        lastDecision: decision('The last scaling decision that changed the replicas of this CNF.'),
        healthyImage: stringField('The last image all pods of this CNF ran ready on: what a rollback goes back to.'),
        rollback: obj(
          {
            generation: integerField('The slice generation the rollback holds for; an edited spec is tried as written.'),
            image: stringField('The image rolled back to.'),
            failedImage: stringField('The image whose pods could not start.'),
            reason: stringField('Why they could not (CrashLoopBackOff, ImagePullBackOff, ... and the message).'),
          },
          d('A rollback in force: the CNF runs its last healthy image because pods of the new one could not start.'),
        ),
        recommendation: obj(
          {
            replicas: integerField('Replicas the operator would set.'),
            reason: stringField('CamelCase reason, as a decision has.'),
            message: stringField('The numbers behind it.'),
            explanation: explanation('Why, with the numbers.'),
          },
          d('What the operator would do now and does not (automation mode Recommend), or holds for approval (mode Approve).'),
        ),
        pendingDecision: stringField('The SliceDecision waiting for approval for this CNF, if any.'),
      }),
      LIMIT.cnfsMax,
      d('Replicas of each CNF, in spec order.'),
    ),
    placement: obj(
      {
        upfSites: arr(stringField('A site name.'), LIMIT.sitesMax, d('Sites the UPF is placed in.')),
        runningSites: arr(
          obj({ site: stringField('A site name, or "(no site label)" for a node without one.'), pods: integerField('UPF pods scheduled there.') }, d('A site UPF pods run on.')),
          LIMIT.sitesMax,
          d('Where the UPF pods actually run, from their nodes; during a rollout this can include sites outside upfSites.'),
        ),
        skipped: arr(
          obj({ site: stringField('A site name.'), reason: stringField('Why the UPF is not placed there.') }, d('A site the UPF is not placed in.')),
          LIMIT.sitesMax,
          d('Each site the UPF is not placed in, and why (outside spec.placement.sites, no Ready node, over the latency budget, full, or not needed).'),
        ),
      },
      d('Where the UPF runs, and why not elsewhere.'),
    ),
    qosApplied: obj(
      {
        configMap: stringField('ConfigMap holding the QoS profile (5QI, ARP, GFBR/MFBR, AMBR, QFI mapping, UPF pool).'),
        defaultFiveQI: integerField('5QI of the default QoS flow.'),
        flows: integerField('QoS flows in the profile besides the default one.'),
        priorityClass: stringField('PriorityClass of the CNF pods (one per service type).'),
      },
      d('The QoS profile handed to the CNFs.'),
    ),
    pendingDecisions: integerField('SliceDecisions of this slice waiting for approval (automation mode Approve).'),
    provisionedCapacity: numberField('Sessions the UPF replicas carry: replicas x capacity.sessions.'),
    lastDecision: decision('The last scaling decision of the slice.'),
  },
  d('Observed state, written by the operator.'),
);

/**
 * `kubectl get` columns. The default view stays compact; priority 1 columns are added by
 * `-o wide`. The API server prints only the first match of a JSONPath, so the UPF's ready
 * replicas are found by the CNF type recorded in status.cnfs.
 */
const printerColumns = [
  { name: 'SST', type: 'integer', jsonPath: '.spec.snssai.sst', description: 'Slice/Service Type of the S-NSSAI.' },
  { name: 'SD', type: 'string', jsonPath: '.spec.snssai.sd', description: 'Slice Differentiator of the S-NSSAI.' },
  { name: 'Type', type: 'string', jsonPath: '.spec.serviceType', description: 'Service type.' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Summary of the conditions.' },
  { name: 'UPF Replicas', type: 'integer', jsonPath: '.status.upfReplicas', description: 'Replicas the operator asks of the UPF.' },
  { name: 'Load', type: 'number', jsonPath: '.status.load', description: 'Observed load in sessions, as of the current forecast step (its age: Load Age, in -o wide).' },
  { name: 'Forecast', type: 'number', jsonPath: '.status.forecastValue', description: 'Load the UPF is provisioned for, in sessions.' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since the slice was created.' },
  { name: 'UPF Ready', type: 'integer', jsonPath: '.status.cnfs[?(@.type=="upf")].readyReplicas', priority: 1, description: 'Ready UPF replicas (UPF Replicas is the desired count).' },
  { name: 'UPF Sites', type: 'string', jsonPath: '.status.placement.upfSites', priority: 1, description: 'Sites the UPF is placed in.' },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1, description: 'Reason of the Ready condition.' },
  { name: 'Forecast Source', type: 'string', jsonPath: '.status.forecast.source', priority: 1, description: 'onnx, or the fallback in use (seasonal-naive, ewma).' },
  { name: 'Load Age', type: 'date', jsonPath: '.status.currentLoad.observedAt', priority: 1, description: 'Time since the load in Load was observed: status figures are refreshed once per forecast step (live ones are in the metrics).' },
];

export function networkSliceCrd(): Record<string, unknown> {
  const root = { ...d('A 5G network slice: S-NSSAI, SLA, QoS, CNFs, scaling and UPF placement.'), ...validations('root') };
  return namespacedCrd({ group: GROUP, version: VERSION, kind: KIND, plural: PLURAL, singular: 'networkslice', shortNames: ['nsl', 'slice'], printerColumns, spec: specSchema, status: statusSchema, root });
}
