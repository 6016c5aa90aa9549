import { Counter, Gauge, type Registry } from 'prom-client';
import type { ApprovalPlan } from './approval.js';
import type { SliceView } from './slice-view.js';

/**
 * Metrics of human in the loop: what Recommend and Approve slices would do, the SliceDecisions
 * waiting for a person, and the outcomes. Series exist only for slices in those modes (one per
 * slice, plus one per CNF for recommendations) and go with the slice (forget).
 */
export class DecisionMetrics {
  private readonly recommended: Gauge<'namespace' | 'slice' | 'cnf'>;
  private readonly pending: Gauge<'namespace' | 'slice'>;
  private readonly outcomes: Counter<'outcome'>;
  private readonly known = new Map<string, { namespace: string; slice: string; cnfs: string[] }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.recommended = new Gauge({ name: 'slice_operator_recommended_replicas', help: 'Replicas the operator recommends and does not apply (automation mode Recommend, or held for approval in mode Approve)', labelNames: ['namespace', 'slice', 'cnf'], registers });
    this.pending = new Gauge({ name: 'slice_operator_pending_decisions', help: 'SliceDecisions of the slice waiting for approval', labelNames: ['namespace', 'slice'], registers });
    this.outcomes = new Counter({ name: 'slice_operator_decision_outcomes_total', help: 'SliceDecisions proposed, applied after approval, and expired without being applied', labelNames: ['outcome'], registers });
    for (const outcome of ['proposed', 'applied', 'expired']) this.outcomes.inc({ outcome }, 0);
  }

  observe(key: string, view: SliceView, approval: ApprovalPlan, proposed: number): void {
    const labels = { namespace: view.namespace, slice: view.name };
    if (proposed) this.outcomes.inc({ outcome: 'proposed' }, proposed);
    for (const m of approval.marks) this.outcomes.inc({ outcome: m.type === 'Applied' ? 'applied' : 'expired' });
    if (view.automation.mode === 'Auto') {
      this.forget(key);
      return;
    }
    const cnfs = Object.keys(approval.recommendations);
    for (const old of this.known.get(key)?.cnfs ?? []) if (!cnfs.includes(old)) this.recommended.remove({ ...labels, cnf: old });
    for (const cnf of cnfs) this.recommended.set({ ...labels, cnf }, approval.recommendations[cnf]!.replicas);
    if (view.automation.mode === 'Approve') this.pending.set(labels, new Set(Object.values(approval.pending)).size);
    this.known.set(key, { ...labels, cnfs });
  }

  forget(key: string): void {
    const k = this.known.get(key);
    if (!k) return;
    for (const cnf of k.cnfs) this.recommended.remove({ namespace: k.namespace, slice: k.slice, cnf });
    this.pending.remove({ namespace: k.namespace, slice: k.slice });
    this.known.delete(key);
  }
}
