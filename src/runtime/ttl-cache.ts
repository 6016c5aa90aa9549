/**
 * A bounded cache whose entries expire: each value is kept for the TTL it was stored with, and
 * past `maxEntries` the entry stored longest ago is dropped first. The authentication and
 * authorization of /metrics keep review answers here (metrics-auth.ts), as the API server's
 * delegating authenticator and authorizer do, so a scrape every few seconds does not cost a
 * TokenReview and a SubjectAccessReview each time, and a flood of distinct tokens cannot grow the
 * operator's memory without bound.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be a whole number of at least 1, got ${maxEntries}`);
  }

  /** The value stored under `key`, unless it has expired (an expired entry is removed). */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() >= e.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` for `ttlMs`; a TTL of 0 or less stores nothing. */
  set(key: K, value: V, ttlMs: number): void {
    this.entries.delete(key); // a re-stored key counts as the newest
    if (ttlMs <= 0) return;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    // A Map iterates in insertion order: the first key is the one stored longest ago.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
  }

  get size(): number {
    return this.entries.size;
  }
}
