/**
 * Whether resourceVersion `a` is older than `b`. The API conventions call resource versions
 * opaque; client-go's MutationCache still compares them as integers, which is what
 * kube-apiserver issues (etcd revisions). Anything that is not an integer is never "older", so
 * callers fall back to what the cache holds.
 */
export function olderVersion(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}
