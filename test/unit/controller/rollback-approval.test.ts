/** Rolling back through the automation modes: Auto at once, Recommend never, Approve once approved. */
import type { DecisionRecord } from '../../../src/controller/decision-record.js';
import type { CnfPods } from '../../../src/controller/pod-health.js';
import { gateRollback, type RollbackGateInput } from '../../../src/controller/rollback-approval.js';
import { addRollbackGates, planRollbacks } from '../../../src/controller/rollback.js';
import { emptyApproval } from '../../../src/controller/approval.js';
import { explainProposal } from '../../../src/controller/decision-report.js';
import type { AutomationView, SliceView } from '../../../src/controller/slice-view.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import { examples } from '../../fixtures/api/corpus.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const approve: AutomationView = { mode: 'Approve', policy: { approveReplacement: true, expiryMs: 600_000 }, budgets: [] };
const input = (o: Partial<RollbackGateInput> = {}): RollbackGateInput => ({
  automation: approve,
  slice: 's',
  cnf: 'upf',
  failedImage: 'upf:2',
  healthyImage: 'upf:1',
  evidence: 'CrashLoopBackOff: back-off 20s',
  replicas: 2,
  records: [],
  now: NOW,
  ...o,
});
const rec = (o: Partial<DecisionRecord>): DecisionRecord => ({ name: 's-upf-rollback-0', cnf: 'upf', action: 'Rollback', from: 2, to: 2, fromImage: 'upf:2', toImage: 'upf:1', reason: 'RolledBack', expiresAt: NOW + 60_000, applied: false, expired: false, ...o });

describe('gateRollback', () => {
  it('Auto rolls back at once; Recommend never, and says what it would do', () => {
    expect(gateRollback(input({ automation: { mode: 'Auto', budgets: [] } }))).toEqual({ act: true, marks: [] });
    const r = gateRollback(input({ automation: { mode: 'Recommend', budgets: [] } }));
    expect(r).toEqual({ act: false, held: { reason: 'Recommended', message: 'recommends rolling upf back from upf:2 to upf:1 (automation mode Recommend)' }, marks: [] });
  });

  it('Approve proposes a Rollback decision with the evidence, and keeps the failing image', () => {
    const g = gateRollback(input());
    expect(g.act).toBe(false);
    expect(g.propose).toEqual({
      name: 's-upf-rollback-0',
      cnf: 'upf',
      action: 'Rollback',
      from: 2,
      to: 2,
      fromImage: 'upf:2',
      toImage: 'upf:1',
      anomaly: { kind: 'CNFFailing', message: 'upf: pods of upf:2 cannot start (CrashLoopBackOff: back-off 20s)' },
      reason: 'RolledBack',
      needsApproval: ["automation mode Approve: a rollback changes the CNF's image"],
      expiresAt: NOW + 600_000,
    });
    expect(g.held).toEqual({ reason: 'AwaitingApproval', message: 'rolling upf back from upf:2 to upf:1 waits for approval of SliceDecision s-upf-rollback-0' });
    expect(g.pending).toBe('s-upf-rollback-0');
  });

  it('a pending decision is not proposed twice; an approved one is applied and marked; a denied one never', () => {
    const waiting = gateRollback(input({ records: [rec({})] }));
    expect(waiting).toMatchObject({ act: false, pending: 's-upf-rollback-0' });
    expect(waiting.propose).toBeUndefined();
    const ok = gateRollback(input({ records: [rec({ approvedAt: NOW - 1000, answer: 'approved by ops' })] }));
    expect(ok).toEqual({ act: true, approved: 's-upf-rollback-0', marks: [{ name: 's-upf-rollback-0', type: 'Applied', message: 'applied: upf rolled back from upf:2 to upf:1' }] });
    const no = gateRollback(input({ records: [rec({ deniedAt: NOW - 1000, answer: 'denied by ops' })] }));
    expect(no).toEqual({ act: false, held: { reason: 'ApprovalDenied', message: 'rolling upf back from upf:2 to upf:1 was denied in SliceDecision s-upf-rollback-0 (denied by ops)' }, marks: [] });
  });

  it('a decision about other images is not this one: a new proposal, under a new name', () => {
    const old = rec({ fromImage: 'upf:0', approvedAt: NOW - 1000 });
    const g = gateRollback(input({ records: [old] }));
    expect(g.act).toBe(false);
    expect(g.propose?.name).toBe('s-upf-rollback-1');
  });

  it('an approval past its expiry is never applied', () => {
    const late = rec({ approvedAt: NOW - 1000, expiresAt: NOW - 1 });
    expect(gateRollback(input({ records: [late] })).act).toBe(false);
  });
});

describe('planRollbacks in automation mode Approve', () => {
  const view = (image: string, mode: AutomationView['mode']): SliceView => {
    const m = structuredClone(examples().find((e) => e.file === 'embb.yaml')!.manifest) as { metadata: object; spec: { cnfs: { name: string; image: string }[]; automation?: unknown } };
    m.spec.cnfs.find((c) => c.name === 'upf')!.image = image;
    m.spec.automation = mode === 'Approve' ? { mode, policy: { maxStepReplicas: 2 } } : { mode };
    const r = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u', generation: 2 } });
    if (!r.ok) throw new Error('bad example');
    return r.view;
  };
  const crashing: CnfPods = { total: 3, ready: 2, sites: {}, unready: {}, restarts: 5, failing: { pods: 1, reason: 'CrashLoopBackOff', message: 'back-off 20s' } };
  const rolling = { upf: { done: false as const, message: 'upf: 1 of 2 replicas updated' }, smf: { done: true as const } };
  const mem = { upf: { healthyImage: 'upf:1' } };

  it('holds the failing image and proposes; once approved, rolls back naming the decision', () => {
    const held = planRollbacks(view('upf:2', 'Approve'), mem, { upf: crashing }, rolling, NOW, { records: [], replicas: { upf: 3 } });
    expect(held.images.upf).toBe('upf:2');
    expect(held.started).toEqual([]);
    expect(held.health.upf).toEqual({ healthyImage: 'upf:1' });
    expect(held.held.upf?.reason).toBe('AwaitingApproval');
    const a = emptyApproval();
    addRollbackGates(a, held);
    expect(a.proposals.map((p) => [p.name, p.action, p.from])).toEqual([[`${view('upf:2', 'Approve').name}-upf-rollback-0`, 'Rollback', 3]]);
    expect(a.pending).toEqual({ upf: a.proposals[0]!.name });

    const approved = rec({ name: a.proposals[0]!.name, approvedAt: NOW });
    const done = planRollbacks(view('upf:2', 'Approve'), mem, { upf: crashing }, rolling, NOW + 5000, { records: [approved], replicas: { upf: 3 } });
    expect(done.images.upf).toBe('upf:1');
    expect(done.started[0]!.rollback.reason).toBe(`CrashLoopBackOff: back-off 20s; approved in SliceDecision ${approved.name}`);
    const b = emptyApproval();
    addRollbackGates(b, done);
    expect(b.marks).toEqual([{ name: approved.name, type: 'Applied', message: 'applied: upf rolled back from upf:2 to upf:1' }]);
    expect(b.proposals).toEqual([]);
  });

  it('Recommend keeps the failing image and proposes nothing', () => {
    const p = planRollbacks(view('upf:2', 'Recommend'), mem, { upf: crashing }, rolling, NOW);
    expect(p.images.upf).toBe('upf:2');
    expect(p.held.upf?.reason).toBe('Recommended');
    expect(p.gates).toEqual({});
  });

  it('marks an expired rollback decision Expired, whatever the pods do now', () => {
    const old = rec({ expiresAt: NOW - 1 });
    const p = planRollbacks(view('upf:1', 'Approve'), mem, {}, rolling, NOW, { records: [old], replicas: {} });
    expect(p.gates.upf?.marks).toEqual([{ name: old.name, type: 'Expired', message: expect.stringMatching(/^not approved before /) }]);
  });
});

describe('the explanation of a Rollback decision', () => {
  it('names the images, the evidence and why it needs a person', () => {
    const m = structuredClone(examples().find((e) => e.file === 'embb.yaml')!.manifest) as { metadata: object };
    const r = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u', generation: 2 } });
    if (!r.ok) throw new Error('bad example');
    const p = gateRollback(input()).propose!;
    expect(explainProposal(r.view, p, emptyApproval(), {}, undefined, undefined)).toEqual({
      text: "roll upf back from image upf:2 to upf:1, the last image all its pods ran ready on; anomaly CNFFailing: upf: pods of upf:2 cannot start (CrashLoopBackOff: back-off 20s); needs approval: automation mode Approve: a rollback changes the CNF's image",
    });
  });
});
