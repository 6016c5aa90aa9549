/** What `kubectl slice` prints of a decision's change: replicas, target sites, or images. */
import { changeOf, renderExplain, renderGet, type DecisionObj, type SliceObj } from '../../../../src/cmd/plugin/render.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const decision = (name: string, spec: Partial<DecisionObj['spec']>): DecisionObj => ({
  metadata: { name, namespace: 'ns' },
  spec: { slice: 's', cnf: 'upf', action: 'Scale', fromReplicas: 2, toReplicas: 2, needsApproval: ['x'], explanation: { text: 'why' }, expiresAt: '2026-12-02T11:00:00Z', ...spec },
});

describe('decision changes in kubectl slice', () => {
  const scale = decision('up', { fromReplicas: 1, toReplicas: 8 });
  const move = decision('move', { action: 'Replace', toSites: ['edge-b'] });
  const rollback = decision('rb', { action: 'Rollback', fromImage: 'upf:bad', toImage: 'upf:1' });

  it('names replicas, sites or images', () => {
    expect(changeOf(scale, '->')).toBe('1->8');
    expect(changeOf(move, ' -> ')).toBe('-> edge-b');
    expect(changeOf(rollback, ' -> ')).toBe('rollback upf:bad -> upf:1');
  });

  it('lists pending rollbacks with the slice and explains them', () => {
    const slice: SliceObj = { metadata: { name: 's', namespace: 'ns' }, spec: { automation: { mode: 'Approve' } } };
    expect(renderGet([slice], [scale, rollback], NOW, false)).toContain('up (upf 1->8), rb (upf rollback upf:bad->upf:1)');
    expect(renderExplain(slice, [rollback], NOW)).toContain('  rb: upf rollback upf:bad -> upf:1 Pending (expires 2026-12-02T11:00:00Z; x)');
  });

  it('shows a LeadTime decision\'s load when Ready', () => {
    const explanation = { text: 'why', loadNow: 132, leadTime: { seconds: 4, load: 140.87 }, calibration: 1, headroomPercent: 0, perReplicaCapacity: 20, provisionedLoad: 140.87, rawReplicas: 8, chosenReplicas: 8, bound: 'None' };
    const slice = { metadata: { name: 's', namespace: 'ns' }, status: { cnfs: [{ name: 'upf', readyReplicas: 8, desiredReplicas: 8, lastDecision: { time: '2026-12-02T09:59:00Z', reason: 'ForecastScaleUp', fromReplicas: 7, toReplicas: 8, explanation } }] } } as unknown as SliceObj;
    const out = renderExplain(slice, [], NOW);
    expect(out).toContain('    load when Ready:       140.87 sessions in 4 s (lead time)\n    calibration:           x1\n');
  });
});
