import { resourceTypeOf } from '../api/fiveqi.js';
import { DEFAULT_LOAD_QUERY } from '../api/limits.js';
import { parseNetworkSlice, type NetworkSlice } from '../api/networkslice.js';
import type { KubeObject } from '../runtime/informer.js';
import { PAUSED_ANNOTATION } from './names.js';
import type { AutomationView, CnfView, ParseResult, QosFlowView, SliceView } from './slice-view.js';

/** Open5GS label formats: snssai `%d-%06x` (or just `%d` without SD), plmnid MCC+MNC. */
export const snssaiLabel = (sst: number, sd?: string): string => (sd ? `${sst}-${sd.toLowerCase()}` : String(sst));

const quantityStrings = (r?: Record<string, string | number>): Record<string, string> | undefined =>
  r ? Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])) : undefined;

/**
 * The validated API object -> the controller's view, with defaults and units resolved. Pure.
 * Invalid objects (stored before a stricter CRD, or written around the schema) come back as
 * field-named issues for the Degraded condition, never as an exception.
 */
export function toSliceView(obj: KubeObject): ParseResult {
  const parsed = parseNetworkSlice(obj);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  return { ok: true, view: viewOf(parsed.slice) };
}

function automationOf(a: NetworkSlice['spec']['automation']): AutomationView {
  const p = a.policy;
  const budgets = (a.budgets ?? []).map((b) => ({ schedule: b.schedule, durationMs: b.durationSeconds * 1000 }));
  if (!p) return { mode: a.mode, budgets };
  return {
    mode: a.mode,
    budgets,
    policy: {
      ...(p.maxStepReplicas !== undefined ? { maxStepReplicas: p.maxStepReplicas } : {}),
      ...(p.maxStepPercent !== undefined ? { maxStepPercent: p.maxStepPercent } : {}),
      ...(p.scaleDownFloor !== undefined ? { scaleDownFloor: p.scaleDownFloor } : {}),
      approveReplacement: p.approveReplacement,
      expiryMs: p.expirySeconds * 1000,
    },
  };
}

export function viewOf(s: NetworkSlice): SliceView {
  const { spec, metadata } = s;
  const snssai = snssaiLabel(spec.snssai.sst, spec.snssai.sd);
  const plmnId = `${spec.plmn.mcc}${spec.plmn.mnc}`;
  const query = spec.telemetry?.loadQuery ?? DEFAULT_LOAD_QUERY;
  const flows: QosFlowView[] = spec.qos.flows.map((f) => ({
    qfi: f.qfi,
    fiveQI: f.fiveQI,
    resourceType: resourceTypeOf(f.fiveQI, f.resourceType) ?? 'NonGBR',
    arp: f.arp ?? spec.qos.defaultArp,
    ...(f.gfbr ? { gfbr: f.gfbr } : {}),
    ...(f.mfbr ? { mfbr: f.mfbr } : {}),
  }));
  const cnfs: CnfView[] = spec.cnfs.map((c) => ({
    name: c.name,
    type: c.type,
    image: c.image,
    minReplicas: c.minReplicas,
    maxReplicas: c.maxReplicas,
    sessionsPerReplica: c.capacity.sessions,
    startupSeconds: c.startupSeconds,
    ...(c.capacity.throughputMbps !== undefined ? { throughputMbps: c.capacity.throughputMbps } : {}),
    ...(c.resources ? { resources: { requests: quantityStrings(c.resources.requests), limits: quantityStrings(c.resources.limits) } } : {}),
    ...(c.env ? { env: c.env.map((e) => ({ name: e.name, value: e.value })) } : {}),
    ...(c.args ? { args: c.args } : {}),
    ...(c.ports ? { ports: c.ports } : {}),
  }));
  return {
    namespace: metadata.namespace ?? 'default',
    name: metadata.name,
    uid: metadata.uid ?? '',
    generation: metadata.generation ?? 0,
    sst: spec.snssai.sst,
    ...(spec.snssai.sd ? { sd: spec.snssai.sd.toLowerCase() } : {}),
    mcc: spec.plmn.mcc,
    mnc: spec.plmn.mnc,
    serviceType: spec.serviceType,
    snssaiLabel: snssai,
    plmnId,
    latencyBudgetMs: spec.placement.latencyBudgetMs ?? spec.sla?.latencyBudgetMs,
    automation: automationOf(spec.automation),
    paused: (metadata as { annotations?: Record<string, string> }).annotations?.[PAUSED_ANNOTATION] === 'true',
    trackingAreas: spec.sla?.areaOfService?.trackingAreas ?? [],
    ...(spec.sla?.downlinkThroughput?.guaranteedMbps !== undefined || spec.sla?.uplinkThroughput?.guaranteedMbps !== undefined
      ? { guaranteedMbps: { downlink: spec.sla?.downlinkThroughput?.guaranteedMbps, uplink: spec.sla?.uplinkThroughput?.guaranteedMbps } }
      : {}),
    qos: {
      defaultFiveQI: spec.qos.defaultFiveQI,
      defaultArp: spec.qos.defaultArp,
      ...(spec.qos.sessionAmbr ? { sessionAmbr: spec.qos.sessionAmbr } : {}),
      flows,
    },
    cnfs,
    scaling: {
      mode: spec.scaling.mode,
      headroomPercent: spec.scaling.headroomPercent,
      maxStep: spec.scaling.maxStep,
      stepPeriodMs: spec.scaling.stepPeriodSeconds * 1000,
      scaleDownStabilizationMs: spec.scaling.scaleDownStabilizationSeconds * 1000,
      horizonSteps: spec.scaling.horizonSteps,
      quantile: spec.scaling.quantile,
      capacityBasis: spec.scaling.capacityBasis,
    },
    placement: {
      allowedSites: spec.placement.sites ?? [],
      nodeSelector: spec.placement.nodeSelector ?? {},
      maxSites: spec.placement.maxSites,
      maxSkew: spec.placement.maxSkew,
      antiAffinity: spec.placement.antiAffinity,
    },
    loadQuery: query.replaceAll('{{snssai}}', snssai).replaceAll('{{plmnid}}', plmnId),
    defaultLoadQuery: spec.telemetry?.loadQuery === undefined,
  };
}
