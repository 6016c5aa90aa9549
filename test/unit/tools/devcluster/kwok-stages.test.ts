import { parseAllDocuments } from 'yaml';
import { kwokStageConfig } from '../../../../tools/devcluster/kwok-stages.js';

describe('kwok pod stages with a CNF start-up delay', () => {
  const docs = parseAllDocuments(kwokStageConfig({ delayMs: 60_000, jitterMs: 30_000 })) as { toJS(): { kind: string; metadata: { name: string }; spec: { delay?: { durationMilliseconds: number; jitterDurationMilliseconds: number }; selector: { matchExpressions: { key: string; operator: string }[] } } } }[];
  const stages = docs.map((d) => d.toJS());
  test('replaces kwok\'s fast pod stages, splitting pod-ready by the CNF label', () => {
    expect(stages.map((s) => s.metadata.name)).toEqual(['pod-ready', 'pod-ready-cnf', 'pod-complete', 'pod-delete']);
    expect(stages.every((s) => s.kind === 'Stage')).toBe(true);
  });
  test('only CNF pods wait, uniformly between delay and delay + jitter (kwok\'s jitter is the upper bound)', () => {
    expect(stages[0]!.spec.delay).toBeUndefined();
    expect(stages[1]!.spec.delay).toEqual({ durationMilliseconds: 60_000, jitterDurationMilliseconds: 90_000 });
    const cnfExpr = (i: number) => stages[i]!.spec.selector.matchExpressions.find((e) => e.key.includes('app.kubernetes.io/component'))!.operator;
    expect([cnfExpr(0), cnfExpr(1)]).toEqual(['NotIn', 'In']);
  });
  test('a negative delay is refused', () => {
    expect(() => kwokStageConfig({ delayMs: -1, jitterMs: 0 })).toThrow(RangeError);
  });
});
