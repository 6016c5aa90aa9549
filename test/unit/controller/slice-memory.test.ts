/** The reconciler's memory of a slice: recommendation history, and its seed from status after a restart. */
import { remember, seedMemory } from '../../../src/controller/slice-memory.js';

describe('remember', () => {
  it('keeps one entry per run of equal recommendations, at its latest time', () => {
    const h = remember([{ at: 1, replicas: 3 }], 3, 5, 0);
    expect(h).toEqual([{ at: 5, replicas: 3 }]);
  });
  it('appends a new value and drops entries older than the window', () => {
    expect(remember([{ at: 1, replicas: 3 }, { at: 4, replicas: 5 }], 2, 10, 3)).toEqual([{ at: 4, replicas: 5 }, { at: 10, replicas: 2 }]);
  });
});

describe('seedMemory', () => {
  it('holds the decided replicas for a window from now and counts the last decision in its period', () => {
    const now = Date.UTC(2026, 11, 1, 10);
    const lastDecision = { time: '2026-12-01T09:59:50Z', reason: 'ReactiveScaleUp', message: 'upf: ...', fromReplicas: 2, toReplicas: 6 };
    const mem = seedMemory({ placement: { upfSites: ['edge-a'] }, cnfs: [{ name: 'upf', type: 'upf', desiredReplicas: 6, readyReplicas: 6, lastDecision }, { name: 'smf', type: 'smf', desiredReplicas: 1, readyReplicas: 1 }] }, now);
    expect(mem.lastSites).toEqual(['edge-a']);
    expect(mem.recommendations).toEqual({ upf: [{ at: now, replicas: 6 }], smf: [{ at: now, replicas: 1 }] });
    expect(mem.cnfs?.upf).toEqual({ replicas: 6, events: [{ at: Date.parse(lastDecision.time), from: 2, to: 6 }], lastDecision });
    expect(mem.cnfs?.smf).toEqual({ replicas: 1, events: [] });
  });

  it('a slice without status starts empty', () => {
    expect(seedMemory(undefined, 0)).toEqual({ recommendations: {}, cnfs: {} });
  });
});
