import { canonicalJson, isSubset } from '../../../src/controller/subset.js';

describe('canonicalJson', () => {
  it('is the same text for the same JSON value, whatever the key order', () => {
    const a = { b: [1, { y: 'x', x: null }], a: 'é"\n', c: { '10': 1, '9': 2, z: true } };
    const b = { c: { z: true, '9': 2, '10': 1 }, a: 'é"\n', b: [1, { x: null, y: 'x' }] };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(JSON.parse(canonicalJson(a))).toEqual(a);
  });

  it('sorts keys by code unit, integer-like ones too', () => {
    expect(canonicalJson({ b: 1, '10': 2, a: 3, '9': 4, B: 5 })).toBe('{"10":2,"9":4,"B":5,"a":3,"b":1}');
  });

  it('drops undefined as JSON does: in objects a key, in arrays null', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe(canonicalJson({ b: 1 }));
    expect(canonicalJson([undefined, () => 1, NaN, Infinity])).toBe('[null,null,null,null]');
    // A missing value is not null (a list item without a key field does not match a null key).
    expect(canonicalJson(undefined)).toBe('');
    expect(canonicalJson(undefined)).not.toBe(canonicalJson(null));
  });

  it('differs when any value differs', () => {
    const base = { spec: { replicas: 2, template: { labels: { app: 'upf' }, ports: [8805, 2152] } } };
    const variants = [
      { spec: { replicas: 3, template: { labels: { app: 'upf' }, ports: [8805, 2152] } } },
      { spec: { replicas: '2', template: { labels: { app: 'upf' }, ports: [8805, 2152] } } },
      { spec: { replicas: 2, template: { labels: { app: 'smf' }, ports: [8805, 2152] } } },
      { spec: { replicas: 2, template: { labels: { app: 'upf' }, ports: [2152, 8805] } } },
      { spec: { replicas: 2, template: { labels: { app: 'upf', x: null }, ports: [8805, 2152] } } },
    ];
    for (const v of variants) expect(canonicalJson(v)).not.toBe(canonicalJson(base));
  });

  it('encodes Dates (toJSON) as JSON.stringify does', () => {
    const d = new Date(Date.UTC(2026, 10, 25, 10, 0, 0));
    expect(canonicalJson({ at: d })).toBe(JSON.stringify({ at: d }));
  });
});

describe('isSubset', () => {
  it('ignores what the API server adds, and sees a changed or removed field', () => {
    const desired = { spec: { replicas: 2, ports: [{ port: 8805 }] } };
    expect(isSubset(desired, { spec: { replicas: 2, ports: [{ port: 8805, protocol: 'UDP' }] }, status: {} })).toBe(true);
    expect(isSubset(desired, { spec: { replicas: 3, ports: [{ port: 8805 }] } })).toBe(false);
    expect(isSubset(desired, { spec: { replicas: 2, ports: [] } })).toBe(false);
  });
});
