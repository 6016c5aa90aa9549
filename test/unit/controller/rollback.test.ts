/** Rolling a CNF back to its last healthy image: when, for how long, and what is remembered. */
import type { CnfPods } from '../../../src/controller/pod-health.js';
import { HEALTHY_AFTER_MS, planRollbacks } from '../../../src/controller/rollback.js';
import type { SliceView } from '../../../src/controller/slice-view.js';
import { seedMemory } from '../../../src/controller/slice-memory.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import { examples } from '../../fixtures/api/corpus.js';

const view = (image: string, generation: number): SliceView => {
  const m = structuredClone(examples().find((e) => e.file === 'embb.yaml')!.manifest) as { metadata: object; spec: { cnfs: { name: string; image: string }[] } };
  m.spec.cnfs.find((c) => c.name === 'upf')!.image = image;
  const r = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u', generation } });
  if (!r.ok) throw new Error('bad example');
  return r.view;
};
const T = Date.UTC(2026, 11, 2, 9, 0, 0);
const ready: CnfPods = { total: 2, ready: 2, sites: {}, unready: {}, restarts: 0 };
const crashing: CnfPods = { total: 3, ready: 2, sites: {}, unready: {}, restarts: 5, failing: { pods: 1, reason: 'CrashLoopBackOff', message: 'back-off 20s' } };
const done = { upf: { done: true as const }, smf: { done: true as const } };
const rolling = { upf: { done: false as const, message: 'upf: 1 of 2 replicas updated' }, smf: { done: true as const } };

describe('planRollbacks', () => {
  it('remembers the image a CNF ran ready on for HEALTHY_AFTER_MS, and only then', () => {
    expect(planRollbacks(view('upf:1', 1), {}, { upf: ready }, done, T).health.upf).toEqual({ healthyImage: undefined, candidate: { image: 'upf:1', sinceMs: T } });
    // Ready for HEALTHY_AFTER_MS: healthy.
    const candidate = { image: 'upf:1', sinceMs: T };
    expect(planRollbacks(view('upf:1', 1), { upf: { candidate } }, { upf: ready }, done, T + HEALTHY_AFTER_MS - 1).health.upf!.healthyImage).toBeUndefined();
    expect(planRollbacks(view('upf:1', 1), { upf: { candidate } }, { upf: ready }, done, T + HEALTHY_AFTER_MS).health.upf).toEqual({ healthyImage: 'upf:1' });
    expect(planRollbacks(view('upf:1', 1), { upf: { candidate } }, { upf: ready }, rolling, T + HEALTHY_AFTER_MS).health.upf).toEqual({ healthyImage: undefined });
    expect(planRollbacks(view('upf:1', 1), { upf: { candidate } }, { upf: crashing }, done, T + HEALTHY_AFTER_MS).health.upf).toEqual({ healthyImage: undefined });
  });

  it('a new image whose pods cannot start is rolled back to the healthy one, for that generation only', () => {
    const p = planRollbacks(view('upf:2', 2), { upf: { healthyImage: 'upf:1' } }, { upf: crashing }, rolling, T);
    expect(p.images.upf).toBe('upf:1');
    expect(p.health.upf!.rollback).toEqual({ generation: 2, image: 'upf:1', failedImage: 'upf:2', reason: 'CrashLoopBackOff: back-off 20s' });
    expect(p.started.map((s) => s.cnf)).toEqual(['upf']);
    expect(p.degraded).toEqual({ reason: 'RolledBack', message: 'upf: image upf:2 failed (CrashLoopBackOff: back-off 20s); rolled back to upf:1, the last image all its pods ran ready on, until spec.cnfs changes' });
    // Healthy again on the old image: the rollback holds (no new start), the healthy image stays.
    const held = planRollbacks(view('upf:2', 2), { upf: p.health.upf }, { upf: ready }, done, T);
    expect(held.images.upf).toBe('upf:1');
    expect(held.started).toEqual([]);
    expect(held.degraded?.reason).toBe('RolledBack');
    // An edited spec (generation 3) is tried as written.
    const edited = planRollbacks(view('upf:3', 3), { upf: p.health.upf }, { upf: ready }, rolling, T);
    expect(edited.images.upf).toBe('upf:3');
    expect(edited.degraded).toBeUndefined();
  });

  it('a CNF that never ran healthy, or fails on its healthy image, is not rolled back', () => {
    expect(planRollbacks(view('upf:2', 2), {}, { upf: crashing }, rolling, T).images.upf).toBe('upf:2');
    expect(planRollbacks(view('upf:1', 2), { upf: { healthyImage: 'upf:1' } }, { upf: crashing }, done, T).started).toEqual([]);
  });

  it('a restart picks up the healthy image and the rollback from status', () => {
    const rollback = { generation: 2, image: 'upf:1', failedImage: 'upf:2', reason: 'ImagePullBackOff' };
    const mem = seedMemory({ cnfs: [{ name: 'upf', type: 'upf', desiredReplicas: 2, readyReplicas: 2, healthyImage: 'upf:1', rollback }] }, 0);
    expect(mem.cnfs!.upf!.health).toEqual({ healthyImage: 'upf:1', rollback });
    expect(planRollbacks(view('upf:2', 2), { upf: mem.cnfs!.upf!.health }, { upf: ready }, done, T).images.upf).toBe('upf:1');
  });
});
