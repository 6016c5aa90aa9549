import { describe, expect, it } from '@jest/globals';
import { Rows } from '../../../src/runtime/rows.js';

describe('Rows', () => {
  it('keeps each row apart across chunks, and a new row starts at the fill value', () => {
    const rows = new Rows(3, Float64Array);
    const ids = Array.from({ length: 2500 }, () => rows.alloc());
    expect(new Set(ids).size).toBe(2500);
    for (const r of ids) for (let c = 0; c < 3; c++) expect(rows.get(r, c)).toBeNaN();
    for (const r of ids) rows.view(r).set([r, r + 0.5, -r]);
    for (const r of [0, 1023, 1024, 2047, 2048, 2499]) expect([...rows.view(ids[r]!)]).toEqual([r, r + 0.5, -r]);
    expect(rows.size).toBe(2500);
  });

  it('reuses a released row, cleared', () => {
    const rows = new Rows(2, Float32Array, 0);
    const a = rows.alloc();
    const b = rows.alloc();
    rows.set(a, 1, 7);
    rows.release(a);
    expect(rows.size).toBe(1);
    const c = rows.alloc();
    expect(c).toBe(a);
    expect([...rows.view(c)]).toEqual([0, 0]);
    expect(rows.alloc()).not.toBe(b);
  });

  it('copies and fills within one row only', () => {
    const rows = new Rows(4, Float32Array);
    const a = rows.alloc();
    const b = rows.alloc();
    rows.view(a).set([1, 2, 3, 4]);
    rows.view(b).set([5, 6, 7, 8]);
    rows.copyWithin(a, 0, 2, 4);
    rows.fillCells(a, NaN, 2, 4);
    expect([...rows.view(a)]).toEqual([3, 4, NaN, NaN]);
    expect([...rows.view(b)]).toEqual([5, 6, 7, 8]);
    expect([...rows.view(b, 1, 3)]).toEqual([6, 7]);
  });

  it('rejects a width that is not a positive integer', () => {
    expect(() => new Rows(0, Float64Array)).toThrow(/positive integer/);
    expect(() => new Rows(1.5, Float64Array)).toThrow(/positive integer/);
  });
});
