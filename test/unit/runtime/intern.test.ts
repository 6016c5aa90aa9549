import { describe, expect, it } from '@jest/globals';
import { ValueTable } from '../../../src/runtime/intern.js';

type Parsed = { metadata: Record<string, unknown> & { labels: object }; status: { conditions: { message: string }[] }; spec: { images: string[]; qos: { arp: { level: number } } } };

const parsed = (i: number, over: { message?: string; level?: number } = {}) =>
  JSON.parse(
    JSON.stringify({
      metadata: { name: `s-${i}`, uid: `uid-${i}`, namespace: 'team-a', labels: { 'app.kubernetes.io/managed-by': 'slice-operator' } },
      status: { conditions: [{ type: 'Ready', message: over.message ?? 'slice provisioned: CNFs ready, QoS applied, UPF placed' }] },
      spec: { images: ['registry.example/upf:1.2.3'], qos: { arp: { level: over.level ?? 1 } } },
    }),
  ) as Parsed;

describe('ValueTable', () => {
  it('keeps every value equal and leaves unique keys out of the string table', () => {
    const t = new ValueTable();
    const a = parsed(1);
    const before = JSON.stringify(a);
    expect(JSON.stringify(t.internValues(a))).toBe(before);
    // namespace, label key's value, condition type and message, the image in an array: 5 strings; name and uid stay out.
    expect(t.size.strings).toBe(5);
    expect(JSON.stringify(t.internValues(parsed(2)))).toBe(JSON.stringify(parsed(2)));
    expect(t.size.strings).toBe(5);
  });

  it('writes every string member back from the table (string identity is not visible to ===, so the writes are watched)', () => {
    const t = new ValueTable();
    const wire = '{"namespace":"team-a","image":"registry.example/upf:1.2.3","name":"s-1","replicas":2}';
    t.internValues(JSON.parse(wire) as object);
    const written: string[] = [];
    const watched = new Proxy(JSON.parse(wire) as object, {
      set: (target, k, v) => {
        if (typeof v === 'string') written.push(String(k));
        return Reflect.set(target, k, v);
      },
    });
    t.internValues(watched);
    // name is unique per object: it is left alone.
    expect(written.sort()).toEqual(['image', 'namespace']);
  });

  it('shares equal objects and arrays between cached objects, frozen; not the objects that hold unique values', () => {
    const t = new ValueTable();
    const a = t.internValues(parsed(1));
    const b = t.internValues(parsed(2));
    expect(b.spec).toBe(a.spec);
    expect(b.status).toBe(a.status);
    expect(b.status.conditions[0]).toBe(a.status.conditions[0]);
    expect(b.metadata.labels).toBe(a.metadata.labels);
    // metadata holds a name and a uid: each object keeps its own.
    expect(b.metadata).not.toBe(a.metadata);
    expect(Object.isFrozen(a.metadata)).toBe(false);
    expect(Object.isFrozen(a.spec.qos.arp)).toBe(true);
    expect(() => {
      (a.spec.qos.arp as { level: number }).level = 2;
    }).toThrow(TypeError);
    // A difference anywhere below keeps the objects on the path to it apart, and shares the rest.
    const c = t.internValues(parsed(3, { level: 2 }));
    expect(c.spec).not.toBe(a.spec);
    expect(c.spec.qos.arp).toEqual({ level: 2 });
    expect(c.spec.images).toBe(a.spec.images);
    expect(c.status).toBe(a.status);
    const d = t.internValues(parsed(4, { message: 'waiting for CNF replicas' }));
    expect(d.status).not.toBe(a.status);
    expect(d.status.conditions[0]!.message).toBe('waiting for CNF replicas');
  });

  it('does not merge values JSON would confuse: undefined members, numbers and strings, arrays and objects, key order', () => {
    const t = new ValueTable();
    const one = t.internValues({ x: { a: undefined as unknown } });
    const two = t.internValues({ x: {} });
    expect(two.x).not.toBe(one.x);
    const n = t.internValues({ x: { v: 1 } });
    const s = t.internValues({ x: { v: '1' } });
    expect(s.x).not.toBe(n.x);
    const arr = t.internValues({ x: ['a'] });
    const obj = t.internValues({ x: { 0: 'a' } });
    expect(obj.x).not.toBe(arr.x);
    const ab = t.internValues({ x: { a: 1, b: 2 } });
    const ba = t.internValues({ x: { b: 2, a: 1 } });
    expect(ba.x).not.toBe(ab.x);
    expect(ba.x).toEqual({ b: 2, a: 1 });
  });

  it('walks an object that holds shared, frozen values again without writing to them', () => {
    const t = new ValueTable(2);
    const a = t.internValues(parsed(1));
    // Fill and clear the object table, so equal values get new shared copies.
    for (let i = 0; i < 5; i++) t.internValues({ x: { i } });
    const b = t.internValues(parsed(2));
    expect(b.spec.qos).not.toBe(a.spec.qos);
    // a.spec is frozen, and the table now offers b's equal children for it: nothing is written.
    const again = { wrapper: a.spec };
    expect(() => t.internValues(again)).not.toThrow();
    expect(again.wrapper).toEqual(parsed(1).spec);
  });

  it('clears a table when full and skips strings over the length limit', () => {
    const t = new ValueTable(3, 10);
    for (const s of ['a', 'b', 'c']) t.intern(s);
    expect(t.size.strings).toBe(3);
    t.intern('d');
    expect(t.size.strings).toBe(1);
    t.intern('x'.repeat(11));
    expect(t.size.strings).toBe(1);
  });
});
