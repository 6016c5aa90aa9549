/**
 * Bounds, patterns and enums of the NetworkSlice API, shared by the CRD's OpenAPI schema
 * (crd.ts) and the zod schema (networkslice.ts) so the two cannot drift apart on a number.
 * List and string bounds also keep the API server's CEL cost estimate within its budget.
 */
export const GROUP = 'slicing.telco.dev';
export const VERSION = 'v1alpha1';
export const KIND = 'NetworkSlice';
export const PLURAL = 'networkslices';

export const SERVICE_TYPES = ['eMBB', 'URLLC', 'mMTC', 'V2X', 'custom'] as const;
/** SST 1-4 are standardized (TS 23.501 5.15.2.2); SST 128-255 are operator-defined. */
export const SST_SERVICE: Readonly<Record<number, (typeof SERVICE_TYPES)[number]>> = { 1: 'eMBB', 2: 'URLLC', 3: 'mMTC', 4: 'V2X' };
export const CNF_TYPES = ['upf', 'smf', 'amf', 'pcf', 'nrf', 'custom'] as const;
export const SCALING_MODES = ['predictive', 'reactive', 'static'] as const;
/** Auto acts alone; Recommend computes and publishes only; Approve acts inside spec.automation.policy and asks a person outside it. */
export const AUTOMATION_MODES = ['Auto', 'Recommend', 'Approve'] as const;
export const QUANTILES = ['p50', 'p90', 'p99'] as const;
/** What predictive capacity provisions for: the forecast's peak over the horizon, or the load when a replica started now is Ready. */
export const CAPACITY_BASES = ['HorizonPeak', 'LeadTime'] as const;
export const ANTI_AFFINITY = ['none', 'preferred', 'required'] as const;
export const RESOURCE_TYPES = ['GBR', 'NonGBR', 'DelayCriticalGBR'] as const;
export const PREEMPTION_CAPABILITY = ['MayPreempt', 'NotPreempt'] as const;
export const PREEMPTION_VULNERABILITY = ['Preemptable', 'NotPreemptable'] as const;
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

export const PATTERN = {
  sd: '^[0-9A-Fa-f]{6}$',
  mcc: '^[0-9]{3}$',
  mnc: '^[0-9]{2,3}$',
  /** 5GS tracking area code: 24 bits as 6 hex digits. */
  tac: '^[0-9A-Fa-f]{6}$',
  /** DNS-1123 label, short enough that `<slice>-<cnf>` children stay readable. */
  cnfName: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
  /** A site name as it appears in the slicing.telco.dev/site node label. */
  site: '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$',
  /** resource.Quantity, as controller-gen emits it. */
  quantity: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  envName: '^[-._a-zA-Z][-._a-zA-Z0-9]*$',
  portName: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
} as const;

export const LIMIT = {
  sliceNameMax: 63, // the slice name is a label value on every child
  cnfNameMax: 20,
  cnfsMax: 8,
  flowsMax: 16,
  qfiMax: 63,
  sitesMax: 32,
  trackingAreasMax: 64,
  envMax: 64,
  argsMax: 64,
  portsMax: 16,
  resourcesMax: 8,
  nodeSelectorMax: 16,
  stringMax: 256,
  quantityMax: 32, // keeps the requests <= limits CEL rule within the cost budget
  imageMax: 512,
  queryMax: 2048,
  replicasMax: 1000,
  mbpsMax: 10_000_000, // 10 Tbps: generous, but not unbounded
  latencyMsMax: 10_000,
  ueMax: 100_000_000,
  horizonStepsMax: 6, // the embedded model forecasts 6 steps
  headroomMax: 500,
  stabilizationMax: 86_400,
  maxStepMax: 100,
  stepPeriodMax: 3600,
  startupSecondsMax: 3600,
  maxSitesMax: 16,
  maxSkewMax: 10,
  /**
   * Floor of sla.reliabilityPercent and sla.availabilityPercent. Slice SLAs are written as
   * nines (99.9, 99.999); a value below 90 is almost always a fraction typed for a percentage
   * (0.999 for 99.9 %), which would otherwise be stored as a target of under 1 %.
   */
  slaPercentMin: 90,
  stepPercentMax: 1000,
  decisionExpiryMin: 60,
  decisionExpiryMax: 7 * 86_400,
  budgetsMax: 8,
  budgetDurationMin: 60,
  budgetDurationMax: 7 * 86_400,
} as const;

/** Defaults, written into the CRD (applied by the API server) and into zod (same values). */
export const DEFAULTS = {
  minReplicas: 1,
  maxReplicas: 10,
  /** Seconds a new CNF replica takes to become Ready (image pull, start, association): the lead of a LeadTime decision. */
  startupSeconds: 60,
  automation: { mode: 'Auto', approveReplacement: true, expirySeconds: 3600 },
  scaling: { mode: 'predictive', horizonSteps: 1, quantile: 'p99', headroomPercent: 10, scaleDownStabilizationSeconds: 300, maxStep: 4, stepPeriodSeconds: 15, capacityBasis: 'HorizonPeak' },
  placement: { maxSites: 1, maxSkew: 1, antiAffinity: 'preferred' },
  arp: { priorityLevel: 8, preemptionCapability: 'NotPreempt', preemptionVulnerability: 'Preemptable' },
  defaultFiveQI: 9,
} as const;

/** The default load query: real Open5GS SMF metric, `snssai` as `%d-%06x` and `plmnid` as MCC+MNC. */
export const DEFAULT_LOAD_QUERY = 'sum(fivegs_smffunction_sm_sessionnbr{snssai="{{snssai}}",plmnid="{{plmnid}}"})';
