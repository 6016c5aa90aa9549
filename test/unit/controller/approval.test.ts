import { gateScaling, outsidePolicy, type GateInput } from '../../../src/controller/approval.js';
import type { DecisionRecord } from '../../../src/controller/decision-record.js';
import { gatePlacement } from '../../../src/controller/placement-approval.js';
import type { ScalingDecision } from '../../../src/controller/scaling.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const policy = { maxStepReplicas: 2, approveReplacement: true, expiryMs: 600_000 };
const up: ScalingDecision = { replicas: 8, recommended: 8, provisionedLoad: 80, reason: 'ForecastScaleUp', message: 'forecast needs 8', needed: 8 };
const input = (o: Partial<GateInput> = {}): GateInput => ({ automation: { mode: 'Approve', policy, budgets: [] }, slice: 's', cnf: 'upf', minReplicas: 1, maxReplicas: 10, from: 2, dec: up, records: [], now: NOW, ...o });
const rec = (o: Partial<DecisionRecord>): DecisionRecord => ({ name: 's-upf-2to8-0', cnf: 'upf', action: 'Scale', from: 2, to: 8, reason: 'ForecastScaleUp', expiresAt: NOW + 60_000, applied: false, expired: false, ...o });

describe('outsidePolicy', () => {
  it('names each rule a change breaks', () => {
    expect(outsidePolicy({ ...policy, maxStepPercent: 50, scaleDownFloor: 3 }, 4, 1)).toEqual(['step of 3 replicas exceeds maxStepReplicas 2', 'step of 75 % exceeds maxStepPercent 50', 'scale-down to 1 is below scaleDownFloor 3']);
    expect(outsidePolicy(policy, 4, 6)).toEqual([]);
  });
});

describe('gateScaling', () => {
  it('Auto passes the decision through', () => {
    expect(gateScaling(input({ automation: { mode: 'Auto', budgets: [] } })).decision).toBe(up);
  });

  it('Recommend keeps the replicas and publishes the recommendation', () => {
    const g = gateScaling(input({ automation: { mode: 'Recommend', budgets: [] } }));
    expect(g.decision).toMatchObject({ replicas: 2, reason: 'Recommended' });
    expect(g.recommendation).toBe(up);
    expect(g.propose).toBeUndefined();
  });

  it('Approve applies a change inside the policy without asking', () => {
    const small = { ...up, replicas: 4 };
    expect(gateScaling(input({ dec: small }))).toEqual({ decision: small, marks: [] });
  });

  it('Approve holds a change outside the policy and proposes it under a name from the API state', () => {
    const g = gateScaling(input());
    expect(g.decision).toMatchObject({ replicas: 2, reason: 'AwaitingApproval' });
    expect(g.propose).toMatchObject({ name: 's-upf-2to8-0', from: 2, to: 8, needsApproval: ['step of 6 replicas exceeds maxStepReplicas 2'], expiresAt: NOW + 600_000 });
    // The same state proposes the same name: a restart or a second worker gets 409, not a duplicate.
    expect(gateScaling(input()).propose!.name).toBe(g.propose!.name);
  });

  it('a pending proposal holds without a second one', () => {
    const g = gateScaling(input({ records: [rec({})] }));
    expect(g).toMatchObject({ decision: { replicas: 2, reason: 'AwaitingApproval' }, pending: 's-upf-2to8-0' });
    expect(g.propose).toBeUndefined();
  });

  it('an approved decision is applied once and marked Applied', () => {
    const g = gateScaling(input({ records: [rec({ approvedAt: NOW - 1000, answer: 'ok by alice' })] }));
    expect(g.decision).toMatchObject({ replicas: 8, reason: 'Approved' });
    expect(g.marks).toEqual([{ name: 's-upf-2to8-0', type: 'Applied', message: 'applied: upf 2 -> 8' }]);
    // Once Applied, it is never applied again: the load's decision is gated anew.
    const again = gateScaling(input({ from: 8, dec: { ...up, replicas: 8 }, records: [rec({ approvedAt: NOW - 1000, applied: true })] }));
    expect(again.decision.reason).toBe('ForecastScaleUp');
    expect(again.marks).toEqual([]);
  });

  it('a denied decision is never applied and not proposed again before its expiry', () => {
    const g = gateScaling(input({ records: [rec({ deniedAt: NOW - 1000 })] }));
    expect(g.decision).toMatchObject({ replicas: 2, reason: 'ApprovalDenied' });
    expect(g.propose).toBeUndefined();
    const later = gateScaling(input({ now: NOW + 120_000, records: [rec({ deniedAt: NOW - 1000 })] }));
    expect(later.propose?.name).toBe('s-upf-2to8-1');
  });

  it('an expired decision is marked Expired, never applied, even if approved late', () => {
    const g = gateScaling(input({ now: NOW + 120_000, records: [rec({ approvedAt: NOW + 100_000 })] }));
    expect(g.decision.replicas).toBe(2);
    expect(g.marks).toContainEqual(expect.objectContaining({ name: 's-upf-2to8-0', type: 'Expired' }));
  });
});

describe('gatePlacement', () => {
  const moved = { ok: true as const, sites: ['edge-b'], message: 'placed on edge-b', skipped: [] };
  const base = { automation: { mode: 'Approve' as const, policy, budgets: [] }, slice: 's', cnf: 'upf', replicas: 2, placement: moved, running: ['edge-a'], records: [], now: NOW };

  it('holds a re-placement and proposes it', () => {
    const g = gatePlacement(base);
    expect(g.placement).toMatchObject({ ok: true, sites: ['edge-a'] });
    expect(g.propose).toMatchObject({ action: 'Replace', fromSites: ['edge-a'], toSites: ['edge-b'] });
  });

  it('moves once that very move is approved', () => {
    const g = gatePlacement({ ...base, records: [rec({ name: 'p', action: 'Replace', toSites: ['edge-b'], approvedAt: NOW })] });
    expect(g.placement).toBe(moved);
    expect(g.marks).toEqual([{ name: 'p', type: 'Applied', message: 'applied: UPF moved to edge-b' }]);
  });

  it('a first placement needs nobody', () => {
    expect(gatePlacement({ ...base, running: undefined }).placement).toBe(moved);
  });
});
