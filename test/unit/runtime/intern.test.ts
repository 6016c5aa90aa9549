import { describe, expect, it } from '@jest/globals';
import { StringTable } from '../../../src/runtime/intern.js';

const parsed = (i: number) =>
  JSON.parse(
    JSON.stringify({
      metadata: { name: `s-${i}`, uid: `uid-${i}`, namespace: 'team-a', labels: { 'app.kubernetes.io/managed-by': 'slice-operator' } },
      status: { conditions: [{ type: 'Ready', message: 'slice provisioned: CNFs ready, QoS applied, UPF placed' }] },
      spec: { images: ['registry.example/upf:1.2.3'] },
    }),
  ) as { metadata: Record<string, unknown>; status: { conditions: { message: string }[] }; spec: { images: string[] } };

describe('StringTable', () => {
  it('keeps every value equal and leaves unique keys out of the table', () => {
    const t = new StringTable();
    const a = parsed(1);
    const before = JSON.stringify(a);
    expect(JSON.stringify(t.internValues(a))).toBe(before);
    // namespace, label value, condition type and message, the image in an array: 5 entries; name and uid stay out.
    expect(t.size).toBe(5);
    t.internValues(parsed(2));
    expect(t.size).toBe(5);
  });

  it('is cleared when full and skips values over the length limit', () => {
    const t = new StringTable(3, 10);
    for (const s of ['a', 'b', 'c']) t.intern(s);
    expect(t.size).toBe(3);
    t.intern('d');
    expect(t.size).toBe(1);
    t.intern('x'.repeat(11));
    expect(t.size).toBe(1);
  });

});
