/**
 * Keeping the UPF away from a site whose pods are unhealthy: when at least half of the UPF's pods
 * on a site stay unready with their containers running (a node or site fault, not the image)
 * while its pods elsewhere are healthy, placement leaves that site out for AVOID_MS, so the UPF
 * moves to another qualifying site and does not move back as soon as its pods there are gone.
 * Pure; the avoidance is kept in the reconciler's memory (a restart forgets it, and the site is
 * judged again from its pods).
 */
import { unhealthySites, type CnfPods } from './pod-health.js';

/** How long a site found unhealthy is left out of the UPF's placement. */
export const AVOID_MS = 10 * 60_000;

export interface SiteAvoidance {
  /** Sites left out, and until when (ms). */
  until: Record<string, number>;
  /** Sites found unhealthy by this reconcile, with the evidence. */
  fresh: { site: string; message: string }[];
}

export function siteAvoidance(upfPods: CnfPods | undefined, before: Record<string, number> | undefined, now: number): SiteAvoidance {
  const until: Record<string, number> = {};
  for (const [site, t] of Object.entries(before ?? {})) if (t > now) until[site] = t;
  const fresh: SiteAvoidance['fresh'] = [];
  for (const u of unhealthySites(upfPods)) {
    if (!(u.site in until)) fresh.push({ site: u.site, message: `${u.unready} of ${u.pods} UPF pods on ${u.site} unready for over a minute while the UPF's pods elsewhere are ready; moving the UPF off ${u.site} for ${AVOID_MS / 60_000} minutes` });
    until[u.site] = now + AVOID_MS;
  }
  return { until, fresh };
}

/** Why a site is left out, for status.placement.skipped. */
export const avoidedReason = (until: number): string => `UPF pods there were unhealthy; avoided until ${new Date(until).toISOString()}`;
