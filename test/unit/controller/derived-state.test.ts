import fc from 'fast-check';
import { DerivedState, PARSED_MAX } from '../../../src/controller/derived-state.js';
import type { ParseResult } from '../../../src/controller/slice-view.js';
import { addUsage, usageOf, type Usage } from '../../../src/controller/sites.js';
import type { Handler, Informer, InformerEvent, KubeObject } from '../../../src/runtime/informer.js';

/** The cache side of an Informer (what DerivedState reads), fed by hand instead of a watch. */
class CacheOnly {
  private readonly cache = new Map<string, KubeObject>();
  private readonly handlers: Handler<KubeObject>[] = [];
  on(h: Handler<KubeObject>): this {
    this.handlers.push(h);
    return this;
  }
  list(): KubeObject[] {
    return [...this.cache.values()];
  }
  get(key: string): KubeObject | undefined {
    return this.cache.get(key);
  }
  put(obj: KubeObject): void {
    const key = `${obj.metadata!.namespace}/${obj.metadata!.name}`;
    const old = this.cache.get(key);
    this.cache.set(key, obj);
    this.fire(old ? 'update' : 'add', obj, old);
  }
  remove(key: string): void {
    const old = this.cache.get(key);
    if (!old) return;
    this.cache.delete(key);
    this.fire('delete', old, old);
  }
  private fire(ev: InformerEvent, obj: KubeObject, old?: KubeObject): void {
    for (const h of this.handlers) h(ev, obj, old);
  }
  asInformer(): Informer {
    return this as unknown as Informer;
  }
}

const SITES = ['edge-a', 'edge-b', 'regional'];
const deployment = (i: number, replicas: number, sites: string[], cpu: number, statusOnly: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `d${i}`, namespace: 'ns', generation: replicas },
  spec: {
    replicas,
    template: {
      spec: {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'slicing.telco.dev/site', operator: 'In', values: sites }] }] } } },
        containers: [{ resources: { requests: { cpu: `${cpu}m`, memory: '16Mi' } } }],
      },
    },
  },
  status: { readyReplicas: statusOnly },
});

function fromScratch(deps: KubeObject[]): Map<string, Usage> {
  const total = new Map<string, Usage>();
  for (const d of deps) addUsage(total, usageOf(d as never));
  return total;
}

const close = (a: Map<string, Usage>, b: Map<string, Usage>): boolean =>
  SITES.every((s) => {
    const x = a.get(s) ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 };
    const y = b.get(s) ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 };
    return Math.abs(x.cpuMillis - y.cpuMillis) < 1e-6 && Math.abs(x.memoryBytes - y.memoryBytes) < 1e-3 && Math.abs(x.pods - y.pods) < 1e-9;
  });

describe('DerivedState site usage', () => {
  it('kept up to date event by event, equals the sum over the cache', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), i: fc.nat(12), replicas: fc.nat(6), sites: fc.subarray(SITES, { minLength: 1 }), cpu: fc.integer({ min: 1, max: 500 }), ready: fc.nat(6) }),
      fc.record({ kind: fc.constant('remove' as const), i: fc.nat(12) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.nat(60), (ops, firstRead) => {
        const deps = new CacheOnly();
        const state = new DerivedState(new CacheOnly().asInformer(), deps.asInformer(), new CacheOnly().asInformer(), () => ({ ok: false, issues: [] }));
        ops.forEach((o, n) => {
          // The running sum starts whenever it is first read, mid-stream.
          if (n === firstRead) state.usageExcept('none/none');
          if (o.kind === 'put') deps.put(deployment(o.i, o.replicas, o.sites, o.cpu, o.ready));
          else deps.remove(`ns/d${o.i}`);
        });
        return close(state.usageExcept('none/none'), fromScratch(deps.list())) && close(state.usageExcept('ns/d0'), fromScratch(deps.list().filter((d) => d.metadata!.name !== 'd0')));
      }),
      { numRuns: 300 },
    );
  });
});

describe('DerivedState S-NSSAI index', () => {
  const sliceObj = (name: string, sd: string, created: string, status: unknown = {}) => ({
    metadata: { name, namespace: 'ns', creationTimestamp: created, generation: 1 },
    spec: { sd },
    status,
  });
  const parse = (o: KubeObject): ParseResult => ({ ok: true, view: { plmnId: '00101', sst: 1, sd: (o.spec as { sd: string }).sd } as never });

  it('follows spec changes and deletions, and is not rebuilt for status writes', () => {
    const slices = new CacheOnly();
    let parses = 0;
    const state = new DerivedState(slices.asInformer(), new CacheOnly().asInformer(), new CacheOnly().asInformer(), (o) => (parses++, parse(o)));
    const a = sliceObj('a', '000001', '2026-01-01T00:00:00Z');
    const b = sliceObj('b', '000001', '2026-01-02T00:00:00Z');
    slices.put(a);
    slices.put(b);
    const viewB = parse(b);
    expect(viewB.ok && state.duplicateOf(b, viewB.view)).toBe('ns/a');
    expect(viewB.ok && state.duplicateOf(a, viewB.view)).toBeUndefined();
    // Status-only update of a: no rebuild, so no parse of the new object.
    parses = 0;
    slices.put(sliceObj('a', '000001', '2026-01-01T00:00:00Z', { ready: true }));
    expect(viewB.ok && state.duplicateOf(b, viewB.view)).toBe('ns/a');
    expect(parses).toBe(0);
    // a moves to another S-NSSAI (a new generation): b is no longer a duplicate.
    slices.put({ ...sliceObj('a', '000002', '2026-01-01T00:00:00Z'), metadata: { ...a.metadata, generation: 2 } });
    expect(viewB.ok && state.duplicateOf(b, viewB.view)).toBeUndefined();
    slices.put({ ...sliceObj('a', '000001', '2026-01-01T00:00:00Z'), metadata: { ...a.metadata, generation: 3 } });
    expect(viewB.ok && state.duplicateOf(b, viewB.view)).toBe('ns/a');
    slices.remove('ns/a');
    expect(viewB.ok && state.duplicateOf(b, viewB.view)).toBeUndefined();
  });
});

describe('DerivedState parse', () => {
  const obj = (name: string, resourceVersion?: string): KubeObject => ({ metadata: { name, namespace: 'ns', ...(resourceVersion ? { resourceVersion } : {}) }, spec: { sd: name } });
  const counting = () => {
    const slices = new CacheOnly();
    const parsed: string[] = [];
    const state = new DerivedState(slices.asInformer(), new CacheOnly().asInformer(), new CacheOnly().asInformer(), (o) => {
      parsed.push(`${o.metadata!.name}@${o.metadata!.resourceVersion}`);
      return { ok: true, view: { name: o.metadata!.name } as never };
    });
    return { slices, parsed, state };
  };

  it('parses a slice once per resourceVersion and gives every caller that result', () => {
    const { slices, parsed, state } = counting();
    const first = state.parse(obj('a', '5'));
    expect(state.parse(obj('a', '5'))).toBe(first);
    expect(parsed).toEqual(['a@5']);
    // A write (status included) changes the resourceVersion: parsed again.
    const second = state.parse(obj('a', '6'));
    expect(second).not.toBe(first);
    expect(parsed).toEqual(['a@5', 'a@6']);
    // Without a resourceVersion nothing identifies the content: never reused.
    state.parse(obj('b'));
    state.parse(obj('b'));
    expect(parsed).toEqual(['a@5', 'a@6', 'b@undefined', 'b@undefined']);
    // Deleted: forgotten, so a slice recreated under the same name is parsed anew.
    slices.put(obj('a', '6'));
    slices.remove('ns/a');
    state.parse(obj('a', '6'));
    expect(parsed.at(-1)).toBe('a@6');
    expect(parsed).toHaveLength(5);
  });

  it(`keeps the ${PARSED_MAX} slices used last, not the first ones`, () => {
    const { parsed, state } = counting();
    for (let i = 0; i <= PARSED_MAX; i++) {
      state.parse(obj(`s${i}`, '1'));
      // s0 is used again each time: it stays while the others come and go.
      state.parse(obj('s0', '1'));
    }
    expect(parsed).toHaveLength(PARSED_MAX + 1);
    // s1 was the least recently used: dropped when the table went over its size.
    state.parse(obj('s1', '1'));
    state.parse(obj('s0', '1'));
    state.parse(obj(`s${PARSED_MAX}`, '1'));
    expect(parsed.slice(PARSED_MAX + 1)).toEqual(['s1@1']);
  });
});

describe('DerivedState applied Deployments', () => {
  it('counts a Deployment from the moment we apply it, once, until and after the cache has it', () => {
    const deps = new CacheOnly();
    const state = new DerivedState(new CacheOnly().asInformer(), deps.asInformer(), new CacheOnly().asInformer(), () => ({ ok: false, issues: [] }));
    const v1 = { ...deployment(1, 2, ['edge-a'], 100, 0), metadata: { name: 'd1', namespace: 'ns', resourceVersion: '10' } };
    deps.put(v1);
    expect(state.usageExcept('ns/other').get('edge-a')?.pods).toBe(2);
    // We scale d1 to 4: the server answered, the watch event is still on its way.
    const v2 = { ...deployment(1, 4, ['edge-a'], 100, 0), metadata: { name: 'd1', namespace: 'ns', resourceVersion: '11' } };
    state.noteApplied('ns/d1', v2);
    // A new UPF applied by another worker, not cached at all yet.
    state.noteApplied('ns/d2', { ...deployment(2, 1, ['edge-a'], 100, 0), metadata: { name: 'd2', namespace: 'ns', resourceVersion: '12' } });
    expect(state.usageExcept('ns/other').get('edge-a')?.pods).toBe(5);
    // d2's own reconcile does not count d2 against itself.
    expect(state.usageExcept('ns/d2').get('edge-a')?.pods).toBe(4);
    // The watch catches up: same totals, no double counting.
    deps.put(v2);
    deps.put({ ...deployment(2, 1, ['edge-a'], 100, 0), metadata: { name: 'd2', namespace: 'ns', resourceVersion: '12' } });
    expect(state.usageExcept('ns/other').get('edge-a')?.pods).toBe(5);
    deps.remove('ns/d2');
    expect(state.usageExcept('ns/other').get('edge-a')?.pods).toBe(4);
  });
});

describe('DerivedState S-NSSAI index, event by event', () => {
  const parse = (o: KubeObject): ParseResult => ({ ok: true, view: { plmnId: '00101', sst: 1, sd: (o.spec as { sd: string }).sd } as never });
  /** The oldest live holder of each S-NSSAI, computed from scratch. */
  const expected = (all: KubeObject[], o: KubeObject): string | undefined => {
    const order = (x: KubeObject) => `${(x.metadata as { creationTimestamp: string }).creationTimestamp}/ns/${x.metadata!.name}`;
    const holders = all.filter((x) => !(x.metadata as { deletionTimestamp?: string }).deletionTimestamp && (x.spec as { sd: string }).sd === (o.spec as { sd: string }).sd);
    const first = holders.sort((a, b) => (order(a) < order(b) ? -1 : 1))[0];
    return first && order(first) < order(o) ? `ns/${first.metadata!.name}` : undefined;
  };
  it('answers as a full rebuild would after any sequence of changes', () => {
    const op = fc.record({
      kind: fc.constantFrom('spec', 'status', 'delete', 'deleting'),
      i: fc.nat(7),
      sd: fc.constantFrom('000001', '000002', '000003'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.nat(40), (ops, firstRead) => {
        const slices = new CacheOnly();
        const state = new DerivedState(slices.asInformer(), new CacheOnly().asInformer(), new CacheOnly().asInformer(), parse);
        const gen = new Map<number, number>();
        ops.forEach((o, n) => {
          // The index is built on first use, mid-stream, and kept up to date from then on.
          if (n === firstRead) state.duplicateOf({ metadata: { name: 'probe', namespace: 'ns', creationTimestamp: '9' } }, { plmnId: '00101', sst: 1, sd: '000001' } as never);
          const key = `ns/s${o.i}`;
          const cur = slices.get(key);
          if (o.kind === 'delete') return slices.remove(key);
          const g = (gen.get(o.i) ?? 0) + (o.kind === 'spec' ? 1 : 0);
          gen.set(o.i, g);
          const md = { name: `s${o.i}`, namespace: 'ns', creationTimestamp: `2026-01-0${o.i + 1}`, generation: g, ...(o.kind === 'deleting' ? { deletionTimestamp: 'now' } : {}) };
          const spec = o.kind === 'spec' || !cur ? { sd: o.sd } : cur.spec;
          slices.put({ metadata: md, spec, status: { n } });
        });
        return slices.list().every((o) => {
          const p = parse(o);
          return p.ok && state.duplicateOf(o, p.view) === expected(slices.list(), o);
        });
      }),
      { numRuns: 300 },
    );
  });
});
