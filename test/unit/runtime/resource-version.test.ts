import { olderVersion } from '../../../src/runtime/resource-version.js';

describe('olderVersion', () => {
  it('compares etcd revisions as numbers, not as text', () => {
    expect(olderVersion('999', '1000')).toBe(true);
    expect(olderVersion('1000', '999')).toBe(false);
    expect(olderVersion('1000', '1000')).toBe(false);
    expect(olderVersion('18446744073709551615', '18446744073709551616')).toBe(true);
  });
  it('never calls a version it cannot read older', () => {
    expect(olderVersion(undefined, '5')).toBe(false);
    expect(olderVersion('5', undefined)).toBe(false);
    expect(olderVersion('abc', '5')).toBe(false);
    expect(olderVersion('4', 'v5')).toBe(false);
  });
});
