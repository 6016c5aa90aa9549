/**
 * Property-based fuzzing (fast-check) of the API edge and the desired-state functions: every
 * generated manifest is either rejected with issues naming a field, or turned into objects and
 * replica decisions that stay within bounds — never NaN, never below min or above max, never a
 * scale-down on missing data. Counts go to stderr (docs/reliability.md records them).
 */
import fc from 'fast-check';
import { parseNetworkSlice } from '../../../src/api/networkslice.js';
import { desired } from '../../../src/controller/desired.js';
import { decideReplicas } from '../../../src/controller/scaling.js';
import { viewOf } from '../../../src/controller/view-from-api.js';
import { extremeSlice, mutatedSlice, observation } from '../../fixtures/api/fuzz.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('fuzzing NetworkSlice input', () => {
  it('rejects with a named field, or reconciles within bounds (600 generated slices)', () => {
    let rejected = 0;
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(mutatedSlice('fuzz'), extremeSlice('fuzz')), fc.array(observation, { minLength: 1, maxLength: 4 }), fc.integer({ min: -3, max: 2000 }), ({ manifest, mutations }, observations, liveReplicas) => {
        const r = parseNetworkSlice(manifest);
        if (!r.ok) {
          rejected++;
          for (const i of r.issues) {
            const named = i.path.startsWith('spec') || i.path.startsWith('metadata') || /metadata\.name/.test(i.message);
            if (!named || !i.message) throw new Error(`issue without a field for ${JSON.stringify(mutations)}: ${JSON.stringify(i)}`);
          }
          return;
        }
        accepted++;
        const view = viewOf({ ...r.slice, metadata: { ...r.slice.metadata, namespace: 'ns', uid: 'u' } });
        const replicas: Record<string, number> = {};
        for (const cnf of view.cnfs) {
          let current = liveReplicas;
          const history: { at: number; replicas: number }[] = [];
          observations.forEach((obs, k) => {
            const policy = { mode: view.scaling.mode, minReplicas: cnf.minReplicas, maxReplicas: cnf.maxReplicas, perReplicaCapacity: cnf.sessionsPerReplica, headroomPercent: view.scaling.headroomPercent, maxStep: view.scaling.maxStep, stepPeriodMs: view.scaling.stepPeriodMs, scaleDownStabilizationMs: view.scaling.scaleDownStabilizationMs };
            const d = decideReplicas(policy, current, obs, history, k * 60_000);
            if (!Number.isInteger(d.replicas) || d.replicas < cnf.minReplicas || d.replicas > cnf.maxReplicas) throw new Error(`replicas ${d.replicas} outside [${cnf.minReplicas}, ${cnf.maxReplicas}] for ${JSON.stringify({ mutations, obs, current })}`);
            const blind = obs.telemetryDown || !Number.isFinite(obs.current ?? NaN);
            if (blind && view.scaling.mode !== 'static' && Number.isFinite(current) && current >= cnf.minReplicas && current <= cnf.maxReplicas && d.replicas < current) throw new Error(`scaled down blind: ${current} -> ${d.replicas} ${JSON.stringify(obs)}`);
            if (cnf.minReplicas > 0 && d.replicas === 0) throw new Error('scaled to zero');
            history.push({ at: k * 60_000, replicas: d.recommended });
            current = d.replicas;
          });
          replicas[cnf.name] = current;
        }
        for (const o of desired(view, { replicas, upfSites: ['edge-a'] })) {
          if (o.metadata.name.length > 63 || !DNS_LABEL.test(o.metadata.name)) throw new Error(`bad child name ${o.metadata.name}`);
          for (const v of Object.values(o.metadata.labels ?? {})) if (v.length > 63) throw new Error(`label value too long: ${v}`);
          if (o.kind === 'Deployment') {
            const n = (o.spec as { replicas: number }).replicas;
            if (!Number.isInteger(n) || n < 0) throw new Error(`deployment replicas ${n}`);
          }
        }
      }),
      { numRuns: 600, seed: 20261124 },
    );
    process.stderr.write(`[fuzz] 600 generated slices: ${rejected} rejected with a named field, ${accepted} reconciled within bounds\n`);
    expect(rejected).toBeGreaterThanOrEqual(200);
    expect(accepted).toBeGreaterThanOrEqual(200);
  });

  it('never decides NaN, out-of-bounds or blind scale-downs for arbitrary policies and observations (2000 runs)', () => {
    fc.assert(
      fc.property(
        fc.record({ min: fc.integer({ min: 0, max: 50 }), span: fc.integer({ min: 0, max: 100 }), cap: fc.oneof(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, NaN, -1)), headroom: fc.double({ min: 0, max: 500, noNaN: true }), step: fc.integer({ min: 1, max: 100 }), mode: fc.constantFrom('predictive' as const, 'reactive' as const, 'static' as const) }),
        fc.oneof(fc.integer({ min: -10, max: 200 }), fc.constantFrom(NaN, Infinity)),
        observation,
        (p, current, obs) => {
          const policy = { mode: p.mode, minReplicas: p.min, maxReplicas: p.min + p.span, perReplicaCapacity: p.cap, headroomPercent: p.headroom, maxStep: p.step, stepPeriodMs: 0, scaleDownStabilizationMs: 0 };
          const d = decideReplicas(policy, current, obs, [], 0);
          expect(Number.isInteger(d.replicas)).toBe(true);
          expect(d.replicas).toBeGreaterThanOrEqual(p.min);
          expect(d.replicas).toBeLessThanOrEqual(p.min + p.span);
          const blind = obs.telemetryDown || !Number.isFinite(obs.current ?? NaN) || !(p.cap > 0);
          if (blind && Number.isFinite(current) && current >= p.min) expect(d.replicas).toBeGreaterThanOrEqual(Math.min(Math.round(current), p.min + p.span));
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });
});
