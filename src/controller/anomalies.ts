/**
 * The slice's Anomalous condition: what is wrong with its health beyond its replica count, first
 * match wins: a site the UPF is kept off because its pods there were unhealthy (site-health.ts),
 * CNF pods that cannot start (crash loop, image pull), the load off its forecast band
 * (telemetry/load-anomaly.ts), or the slice's own series missing while others report. Pure; the
 * repairs are in the scaling decision (scaling.ts: an outage holds capacity, a surge scales past
 * the step limit).
 */
import type { ReasonMessage } from './conditions.js';
import { metaTime } from './meta-time.js';
import type { CnfPods } from './pod-health.js';
import { podTrouble } from './pod-health.js';
import type { AnomalyKind } from './slice-metrics.js';
import type { SliceLoad } from '../telemetry/slice-load.js';
import type { SliceView } from './slice-view.js';
import type { SiteAvoidance } from './site-health.js';

export interface Anomaly extends ReasonMessage {
  reason: AnomalyKind;
}

const REPAIR: Partial<Record<AnomalyKind, string>> = {
  Surge: 'scaling to the observed load past the step limit',
  Outage: 'holding capacity (an outage looks like idle); check the RAN and the SMF',
  Drop: 'scaling follows the load as usual',
  LevelShift: 'scaling follows the load as usual; the forecaster learns the new level',
};

/** The SiteUnhealthy anomaly while the UPF is kept off sites whose pods were unhealthy. */
export function siteAnomaly(avoid: SiteAvoidance | undefined): Anomaly | undefined {
  const sites = Object.entries(avoid?.until ?? {});
  if (!sites.length) return undefined;
  return { reason: 'SiteUnhealthy', message: `UPF pods were unhealthy on ${sites.map(([s]) => s).join(', ')}; the UPF is kept off ${sites.length === 1 ? 'it' : 'them'} until ${metaTime(Math.max(...sites.map(([, t]) => t)))}` };
}

/**
 * The slice's anomaly, if any. `held` says, per CNF, why a repair its pods ask for waits
 * (automation mode Recommend or Approve); it is appended to the CNFFailing evidence.
 */
export function anomalyOf(view: SliceView, load: SliceLoad | undefined, telemetryError: string | undefined, pods: Record<string, CnfPods>, avoid?: SiteAvoidance, held: Record<string, ReasonMessage> = {}): Anomaly | undefined {
  const site = siteAnomaly(avoid);
  if (site) return site;
  for (const c of view.cnfs) {
    const h = pods[c.name];
    const wait = held[c.name] ? `; ${held[c.name]!.message}` : '';
    if (h?.failing) return { reason: 'CNFFailing', message: podTrouble(c.name, { ...h, unschedulable: undefined })! + wait };
  }
  if (view.scaling.mode === 'static' || !load) return undefined;
  if (load.telemetryError) {
    // The batch answered for other slices, and not for this one.
    return !telemetryError && load.telemetryReason === 'TelemetryUnavailable' ? { reason: 'TelemetryMissing', message: `${load.telemetryError} while other slices report` } : undefined;
  }
  const a = load.anomaly;
  if (!a) return undefined;
  return { reason: a.kind, message: `${a.evidence}, since ${metaTime(a.sinceMs)}; ${REPAIR[a.kind]}` };
}
