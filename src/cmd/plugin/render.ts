/**
 * What `kubectl slice` prints, as pure functions of the objects it read: the slice table with
 * pending decisions, and a slice's explanation readable in a terminal.
 */
import type { Explanation } from '../../api/slicedecision.js';

type Cond = { type: string; status: string; reason?: string; message?: string };
export interface SliceObj {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { automation?: { mode?: string } };
  status?: {
    phase?: string;
    load?: number;
    forecastValue?: number;
    upfReplicas?: number;
    conditions?: Cond[];
    placement?: { upfSites?: string[]; skipped?: { site: string; reason: string }[] };
    cnfs?: { name: string; desiredReplicas: number; readyReplicas: number; lastDecision?: { time: string; reason: string; fromReplicas: number; toReplicas: number; decision?: string; explanation?: Explanation }; recommendation?: { replicas: number; reason: string; explanation?: Explanation }; pendingDecision?: string }[];
  };
}
export interface DecisionObj {
  metadata: { name: string; namespace?: string };
  spec: { slice: string; cnf: string; action: string; fromReplicas: number; toReplicas: number; toSites?: string[]; fromImage?: string; toImage?: string; needsApproval: string[]; explanation: Explanation; expiresAt: string };
  status?: { conditions?: Cond[] };
}

const isTrue = (d: DecisionObj, t: string): boolean => (d.status?.conditions ?? []).some((c) => c.type === t && c.status === 'True');

/** Pending: not answered, not acted on, not past its expiry. */
export const isPendingDecision = (d: DecisionObj, now: number): boolean =>
  !['Approved', 'Denied', 'Applied', 'Expired'].some((t) => isTrue(d, t)) && Date.parse(d.spec.expiresAt) >= now;

export function decisionState(d: DecisionObj, now: number): string {
  for (const t of ['Applied', 'Expired', 'Denied', 'Approved']) if (isTrue(d, t)) return t;
  return Date.parse(d.spec.expiresAt) < now ? 'Expired' : 'Pending';
}

/** A decision's change in a few words: replicas, target sites, or images. */
export function changeOf(d: DecisionObj, arrow: string): string {
  if (d.spec.action === 'Replace') return `${arrow.trim()} ${(d.spec.toSites ?? []).join(',')}`;
  if (d.spec.action === 'Rollback') return `rollback ${d.spec.fromImage ?? '?'}${arrow}${d.spec.toImage ?? '?'}`;
  return `${d.spec.fromReplicas}${arrow}${d.spec.toReplicas}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n');
}

/** The slice table: one row per slice, with its pending decisions. */
export function renderGet(slices: SliceObj[], decisions: DecisionObj[], now: number, allNamespaces: boolean): string {
  const head = [...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'MODE', 'PHASE', 'UPF', 'LOAD', 'FORECAST', 'PAUSED', 'PENDING DECISIONS'];
  const rows = slices.map((s) => {
    const upf = s.status?.cnfs?.find((c) => c.name === 'upf') ?? s.status?.cnfs?.[0];
    const pending = decisions.filter((d) => d.metadata.namespace === s.metadata.namespace && d.spec.slice === s.metadata.name && isPendingDecision(d, now));
    return [
      ...(allNamespaces ? [s.metadata.namespace ?? ''] : []),
      s.metadata.name,
      s.spec?.automation?.mode ?? 'Auto',
      s.status?.phase ?? '',
      upf ? `${upf.readyReplicas}/${upf.desiredReplicas}` : '',
      String(s.status?.load ?? ''),
      String(s.status?.forecastValue ?? ''),
      s.metadata.annotations?.['slicing.telco.dev/paused'] === 'true' ? 'yes' : 'no',
      pending.map((d) => `${d.metadata.name} (${d.spec.cnf} ${changeOf(d, '->')})`).join(', ') || '<none>',
    ];
  });
  return table([head, ...rows]);
}

function explanationLines(e: Explanation, indent: string): string[] {
  const out: string[] = [];
  const f = e.forecast;
  out.push(`${indent}load now:              ${e.loadNow ?? 'unknown'} sessions`);
  if (f) out.push(`${indent}forecast (${f.quantile}, ${f.horizonSteps} step): ${f.peak} (p50 ${f.p50}, p90 ${f.p90}, p99 ${f.p99}; ${f.source})`);
  if (e.leadTime) out.push(`${indent}load when Ready:       ${e.leadTime.load} sessions in ${Math.round(e.leadTime.seconds)} s (lead time)`);
  if (e.calibration !== undefined) out.push(`${indent}calibration:           x${e.calibration}${e.coverage !== undefined ? `, coverage ${Math.round(e.coverage * 100)} %` : ''}`);
  out.push(`${indent}headroom:              ${e.headroomPercent} %`);
  if (e.provisionedLoad !== undefined) out.push(`${indent}provisioned load:      ${e.provisionedLoad} / ${e.perReplicaCapacity} per replica = ${e.rawReplicas} replicas (raw)`);
  out.push(`${indent}chosen:                ${e.chosenReplicas} replicas, bound: ${e.bound}`);
  if (e.reactiveReplicas !== undefined) out.push(`${indent}reactive HPA, same SLA: ${e.reactiveReplicas} replicas`);
  if (e.placement) {
    out.push(`${indent}UPF sites:             ${e.placement.chosen.join(', ')}`);
    for (const s of e.placement.skipped ?? []) out.push(`${indent}  skipped ${s.site}: ${s.reason}`);
  }
  if (e.attribution?.length) out.push(`${indent}forecast drivers:      ${e.attribution.map((a) => `${a.factor} ${a.percent >= 0 ? '+' : ''}${a.percent} %`).join(', ')}`);
  return out;
}

/** `kubectl slice explain NAME`: each CNF's last decision and recommendation, placement, pending decisions. */
export function renderExplain(s: SliceObj, decisions: DecisionObj[], now: number): string {
  const out = [`NetworkSlice ${s.metadata.namespace}/${s.metadata.name}: mode ${s.spec?.automation?.mode ?? 'Auto'}, phase ${s.status?.phase ?? 'unknown'}`];
  for (const c of s.status?.conditions ?? []) if (c.type === 'ScalingLimited' || c.type === 'Degraded') out.push(`  ${c.type}=${c.status} ${c.reason}: ${c.message}`);
  for (const c of s.status?.cnfs ?? []) {
    out.push(`${c.name}: ${c.readyReplicas}/${c.desiredReplicas} replicas ready`);
    const d = c.lastDecision;
    if (d) {
      out.push(`  last decision ${d.time}: ${d.fromReplicas} -> ${d.toReplicas} (${d.reason}${d.decision ? `, approved in ${d.decision}` : ''})`);
      if (d.explanation) out.push(...explanationLines(d.explanation, '    '));
    }
    const r = c.recommendation;
    if (r) {
      out.push(`  recommendation: ${r.replicas} replicas (${r.reason})`);
      if (r.explanation) out.push(...explanationLines(r.explanation, '    '));
    }
  }
  const p = s.status?.placement;
  if (p) {
    out.push(`placement: UPF on ${(p.upfSites ?? []).join(', ') || 'no site'}`);
    for (const k of p.skipped ?? []) out.push(`  skipped ${k.site}: ${k.reason}`);
  }
  const mine = decisions.filter((d) => d.spec.slice === s.metadata.name);
  if (mine.length) out.push('decisions:');
  for (const d of mine) out.push(`  ${d.metadata.name}: ${d.spec.cnf} ${changeOf(d, ' -> ')} ${decisionState(d, now)} (expires ${d.spec.expiresAt}; ${d.spec.needsApproval.join('; ')})`);
  return out.join('\n');
}
