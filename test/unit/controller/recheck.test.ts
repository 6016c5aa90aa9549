/** When time alone changes a slice's plan: the reconciler's RequeueAfter. */
import type { PodFacts } from '../../../src/controller/pod-facts.js';
import { cnfPods, UNREADY_GRACE_MS, UNSCHEDULABLE_STUCK_MS, unhealthySites } from '../../../src/controller/pod-health.js';
import { recheckAt } from '../../../src/controller/recheck.js';
import { HEALTHY_AFTER_MS } from '../../../src/controller/rollback.js';
import { MAKE_ROOM_AFTER_MS } from '../../../src/controller/slice-plan.js';

const T = Date.UTC(2026, 11, 2, 9, 0, 0);
const pod = (o: Partial<PodFacts> = {}): PodFacts => ({ node: 'edge-a-node-0', phase: 'Running', ready: true, createdMs: T - 600_000, restarts: 0, ...o });
const siteOf = (n: string) => n.replace(/-node-\d+$/, '');

describe('recheckAt', () => {
  it('nothing pending in time: no recheck', () => {
    expect(recheckAt({ now: T, pods: { upf: [pod(), pod()] }, health: { upf: { healthyImage: 'upf:1' } }, avoidUntil: {} })).toBeUndefined();
    // Past the grace already: judged now, nothing more to wait for.
    expect(recheckAt({ now: T, pods: { upf: [pod({ ready: false, readyChangedMs: T - 2 * UNREADY_GRACE_MS })] }, health: {}, avoidUntil: {} })).toBeUndefined();
  });

  it('a pod that turned unready is judged again when its grace ends, and then it is unhealthy', () => {
    const unready = pod({ ready: false, readyChangedMs: T - 10_000 });
    const at = recheckAt({ now: T, pods: { upf: [unready, pod({ node: 'edge-b-node-0' })] }, health: {}, avoidUntil: {} })!;
    expect(at).toBe(T - 10_000 + UNREADY_GRACE_MS);
    expect(unhealthySites(cnfPods([unready, pod({ node: 'edge-b-node-0' })], siteOf, at - 1))).toEqual([]);
    expect(unhealthySites(cnfPods([unready, pod({ node: 'edge-b-node-0' })], siteOf, at))).toEqual([{ site: 'edge-a', unready: 1, pods: 1 }]);
  });

  it('a crashing pod needs no recheck (it is judged at once); a Pending one at each of its thresholds', () => {
    expect(recheckAt({ now: T, pods: { upf: [pod({ ready: false, readyChangedMs: T, waiting: { reason: 'CrashLoopBackOff', message: '' } })] }, health: {}, avoidUntil: {} })).toBeUndefined();
    const pending = pod({ node: undefined, ready: false, phase: 'Pending', createdMs: T - 1000, unschedulable: 'no node' });
    expect(recheckAt({ now: T, pods: { upf: [pending] }, health: {}, avoidUntil: {} })).toBe(T - 1000 + MAKE_ROOM_AFTER_MS);
    expect(recheckAt({ now: T - 1000 + MAKE_ROOM_AFTER_MS, pods: { upf: [pending] }, health: {}, avoidUntil: {} })).toBe(T - 1000 + UNSCHEDULABLE_STUCK_MS);
  });

  it('the earliest of an image becoming healthy and an avoided site coming back', () => {
    const health = { upf: { candidate: { image: 'upf:2', sinceMs: T - 5000 } } };
    expect(recheckAt({ now: T, health, avoidUntil: { 'edge-a': T + 600_000 } })).toBe(T - 5000 + HEALTHY_AFTER_MS);
    expect(recheckAt({ now: T, health: {}, avoidUntil: { 'edge-a': T + 600_000, 'edge-b': T + 1000 } })).toBe(T + 1000);
  });
});
