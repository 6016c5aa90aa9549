/**
 * The controller's view of a NetworkSlice: the few fields reconciliation needs, with every
 * default applied and units normalised. Built from the validated API object (src/api) by
 * toSliceView() in view-from-api.ts, so desired-state functions never see raw user input.
 */
export type CnfType = 'upf' | 'smf' | 'amf' | 'pcf' | 'nrf' | 'custom';
export type ServiceType = 'eMBB' | 'URLLC' | 'mMTC' | 'V2X' | 'custom';

export interface CnfView {
  name: string;
  type: CnfType;
  image: string;
  minReplicas: number;
  maxReplicas: number;
  /** Sessions one replica serves (scaling unit). */
  sessionsPerReplica: number;
  /** Seconds a new replica takes to become Ready: the lead of a LeadTime capacity decision. */
  startupSeconds: number;
  /** Throughput one replica forwards, Mbps (for bandwidth annotations). */
  throughputMbps?: number;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  env?: { name: string; value: string }[];
  args?: string[];
  ports?: { name: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
}

export interface QosFlowView {
  qfi: number;
  fiveQI: number;
  resourceType: 'GBR' | 'NonGBR' | 'DelayCriticalGBR';
  arp: { priorityLevel: number; preemptionCapability: string; preemptionVulnerability: string };
  gfbr?: { uplinkMbps: number; downlinkMbps: number };
  mfbr?: { uplinkMbps: number; downlinkMbps: number };
}

export interface SliceView {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  sst: number;
  sd?: string;
  mcc: string;
  mnc: string;
  serviceType: ServiceType;
  /** Open5GS label values. */
  snssaiLabel: string;
  plmnId: string;
  latencyBudgetMs?: number;
  trackingAreas: string[];
  /** The SLA's guaranteed bit rates, Mbps. */
  guaranteedMbps?: { downlink?: number; uplink?: number };
  qos: {
    defaultFiveQI: number;
    defaultArp: QosFlowView['arp'];
    sessionAmbr?: { uplinkMbps: number; downlinkMbps: number };
    flows: QosFlowView[];
  };
  cnfs: CnfView[];
  scaling: {
    mode: 'predictive' | 'reactive' | 'static';
    headroomPercent: number;
    /** At most maxStep replicas of change per stepPeriodMs. */
    maxStep: number;
    stepPeriodMs: number;
    scaleDownStabilizationMs: number;
    horizonSteps: number;
    /** Quantile the capacity is provisioned for. */
    quantile: 'p50' | 'p90' | 'p99';
    /** Provision for the forecast's peak over the horizon, or for the load when a replica started now is Ready. */
    capacityBasis: 'HorizonPeak' | 'LeadTime';
  };
  placement: {
    allowedSites: string[];
    nodeSelector: Record<string, string>;
    maxSites: number;
    maxSkew: number;
    antiAffinity: 'none' | 'preferred' | 'required';
  };
  /** PromQL for the slice's load (sessions), placeholders rendered. */
  loadQuery: string;
  /** True when the query is the default one (lets the observer batch all such slices). */
  defaultLoadQuery: boolean;
  /** The slice carries the pause annotation: replicas and placement are left as they are. */
  paused: boolean;
  /** How far the operator acts alone (spec.automation). */
  automation: AutomationView;
}

/** spec.automation: Auto acts, Recommend only publishes, Approve asks a person outside the policy. */
export interface AutomationView {
  mode: 'Auto' | 'Recommend' | 'Approve';
  policy?: {
    maxStepReplicas?: number;
    maxStepPercent?: number;
    scaleDownFloor?: number;
    approveReplacement: boolean;
    expiryMs: number;
  };
  /** Windows in which scale-downs and UPF moves are allowed; empty: always. */
  budgets: { schedule: string; durationMs: number }[];
}

/** What parsing a NetworkSlice gives: its view, or the issues that make it invalid (path: message). */
export type ParseResult = { ok: true; view: SliceView } | { ok: false; issues: { path: string; message: string }[] };
