/**
 * How a CNF's pods are doing, from their cached facts (pod-facts.ts): where they run, which
 * cannot be scheduled and why, which cannot start. Pure: the plan reads it for rollout messages,
 * the UPF's actual sites and the Degraded condition.
 */
import type { PodFacts } from './pod-facts.js';

/** A pod Pending for the scheduler this long is a stuck rollout, not a slow one. */
export const UNSCHEDULABLE_STUCK_MS = 120_000;
/** A scheduled pod not ready this long (since it last turned unready, else since it was created) is unhealthy. */
export const UNREADY_GRACE_MS = 60_000;

export interface CnfPods {
  /** Pods not being deleted. */
  total: number;
  ready: number;
  /** Scheduled pods per site of their node ('' for a node in no site). */
  sites: Record<string, number>;
  /**
   * Scheduled pods per site that have not been ready for UNREADY_GRACE_MS while their containers
   * run (no waiting reason): what a broken node or site looks like, as opposed to a broken image.
   */
  unready: Record<string, number>;
  /** Pods the scheduler cannot place: how many, since when (the oldest), and its message. */
  unschedulable?: { pods: number; sinceMs: number; message: string };
  /** Pods whose container cannot start (crash loop, image pull): how many, the first reason. */
  failing?: { pods: number; reason: string; message: string };
  restarts: number;
}

/** The summary of one CNF's pods at `now`; `siteOf` maps a node to its site. */
export function cnfPods(pods: PodFacts[], siteOf: (node: string) => string | undefined, now: number): CnfPods {
  const out: CnfPods = { total: 0, ready: 0, sites: {}, unready: {}, restarts: 0 };
  for (const p of pods) {
    if (p.terminating) continue;
    out.total += 1;
    if (p.ready) out.ready += 1;
    out.restarts += p.restarts;
    if (p.node) {
      const site = siteOf(p.node) ?? '';
      out.sites[site] = (out.sites[site] ?? 0) + 1;
      if (!p.ready && !p.waiting && now - (p.readyChangedMs ?? p.createdMs) >= UNREADY_GRACE_MS) out.unready[site] = (out.unready[site] ?? 0) + 1;
    }
    if (p.unschedulable !== undefined) {
      const u = out.unschedulable;
      out.unschedulable = { pods: (u?.pods ?? 0) + 1, sinceMs: Math.min(u?.sinceMs ?? Infinity, p.createdMs), message: u?.message ?? p.unschedulable };
    }
    if (p.waiting) out.failing = { pods: (out.failing?.pods ?? 0) + 1, reason: out.failing?.reason ?? p.waiting.reason, message: out.failing?.message ?? p.waiting.message };
  }
  return out;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** What keeps a CNF's pods from running, for the rollout message; undefined when nothing does. */
export function podTrouble(cnf: string, h: CnfPods | undefined): string | undefined {
  if (!h) return undefined;
  const parts: string[] = [];
  if (h.unschedulable) parts.push(`${plural(h.unschedulable.pods, 'pod')} Pending: ${h.unschedulable.message.trim()}`);
  if (h.failing) parts.push(`${plural(h.failing.pods, 'pod')} ${h.failing.reason}${h.failing.message ? `: ${h.failing.message}` : ''}`);
  return parts.length ? `${cnf}: ${parts.join('; ')}` : undefined;
}

/** Sites a CNF's pods run on that are not among `allowed`, with their pod counts. */
export function sitesOutside(h: CnfPods | undefined, allowed: string[] | undefined): Record<string, number> {
  if (!h || !allowed) return {};
  return Object.fromEntries(Object.entries(h.sites).filter(([s]) => !allowed.includes(s)));
}

/** Pods that have waited for the scheduler longer than UNSCHEDULABLE_STUCK_MS: the Degraded reason, if any. */
export function unschedulableStuck(cnf: string, h: CnfPods | undefined, now: number): { reason: string; message: string } | undefined {
  const u = h?.unschedulable;
  if (!u || now - u.sinceMs < UNSCHEDULABLE_STUCK_MS) return undefined;
  return { reason: 'PodsUnschedulable', message: `${cnf}: ${plural(u.pods, 'pod')} Pending for ${Math.round((now - u.sinceMs) / 1000)} s: ${u.message.trim()}` };
}

/**
 * Sites where at least half of a CNF's pods are unhealthy (unready, containers running) while its
 * pods elsewhere are mostly healthy: the site, not the CNF, is at fault. With the unhealthy count
 * and the pods there, for the explanation.
 */
export function unhealthySites(h: CnfPods | undefined): { site: string; unready: number; pods: number }[] {
  if (!h) return [];
  const total = Object.values(h.sites).reduce((a, b) => a + b, 0);
  const bad = Object.values(h.unready).reduce((a, b) => a + b, 0);
  return Object.entries(h.unready).flatMap(([site, n]) => {
    const there = h.sites[site] ?? 0;
    const elsewhere = total - there;
    const badElsewhere = bad - n;
    return site && n * 2 >= there && badElsewhere * 2 < Math.max(elsewhere, 1) ? [{ site, unready: n, pods: there }] : [];
  });
}
