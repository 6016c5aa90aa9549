/**
 * Disruption budgets, Karpenter-style: a slice's spec.automation.budgets open windows (cron +
 * duration, UTC) in which disruptive actions are allowed (a scale-down, moving a running UPF);
 * outside them those wait, scale-ups and first placements never do. Across slices, at most
 * `cap` UPFs move at once (ReplacementSlots). The checks are pure; the slots are process state.
 */
import { inCronWindow } from '../api/cron.js';
import type { ScalingDecision } from './scaling.js';
import type { AutomationView } from './slice-view.js';

/** Whether disruptive actions are allowed now: no budgets, or inside one of their windows. */
export function disruptionAllowed(budgets: AutomationView['budgets'], now: number): boolean {
  return budgets.length === 0 || budgets.some((b) => inCronWindow(b.schedule, b.durationMs, now));
}

const windows = (budgets: AutomationView['budgets']): string => budgets.map((b) => `"${b.schedule}" for ${b.durationMs / 1000} s`).join(', ');

/** A scale-down outside every budget window waits at `from`. */
export function gateBudget(budgets: AutomationView['budgets'], from: number, dec: ScalingDecision, now: number): ScalingDecision {
  if (dec.replicas >= from || disruptionAllowed(budgets, now)) return dec;
  return { ...dec, replicas: from, reason: 'OutsideBudget', message: `scale-down ${from} -> ${dec.replicas} waits for a disruption window (${windows(budgets)}, UTC)` };
}

/** Why a UPF move waits for its budget, or undefined when it may move. */
export function budgetHold(budgets: AutomationView['budgets'], now: number): string | undefined {
  return disruptionAllowed(budgets, now) ? undefined : `moving the UPF waits for a disruption window (${windows(budgets)}, UTC)`;
}

/**
 * Slots for UPF moves in flight across slices: a slice takes one when its UPF moves and gives it
 * back when the move has rolled out. Kept in memory: after a restart, moves in flight are not
 * counted until their slices move again.
 */
export class ReplacementSlots {
  private readonly held = new Set<string>();

  constructor(readonly cap: number) {}

  /** Whether the slice may move its UPF now (it holds a slot, one is free, or there is no cap). */
  available(key: string): boolean {
    return this.cap <= 0 || this.held.has(key) || this.held.size < this.cap;
  }

  take(key: string): void {
    if (this.cap > 0) this.held.add(key);
  }

  release(key: string): void {
    this.held.delete(key);
  }

  get inFlight(): number {
    return this.held.size;
  }
}
