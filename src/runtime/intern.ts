/** Keys whose string values are unique per object: interning them would only fill the table. */
export const UNIQUE_KEYS: readonly string[] = ['name', 'uid', 'resourceVersion', 'generateName'];

/**
 * One shared copy of each repeated string value among cached objects. JSON.parse makes a new
 * string for every value but the shortest, so 10,000 cached slices held 10,000 copies of each
 * condition message, of their namespace, of every label value, image, quantity and timestamp
 * they share. Sharing them took a cached slice from about 1.95 to 1.47 KB (measured on a slice
 * as the scale benchmark creates it).
 *
 * The table is bounded: when it is full it is cleared, which only costs new copies of the values
 * seen next. Values that are unique by nature (names, uids, resource versions) stay out of it.
 */
export class StringTable {
  private readonly table = new Map<string, string>();

  constructor(
    /** Entries before the table is cleared. */
    private readonly limit = 16_384,
    /** Longer values are left alone: long text is rarely repeated verbatim. */
    private readonly maxLength = 256,
    /** Keys whose string values are unique per object. */
    private readonly skipKeys: ReadonlySet<string> = new Set(UNIQUE_KEYS),
  ) {}

  get size(): number {
    return this.table.size;
  }

  intern(s: string): string {
    if (s.length > this.maxLength) return s;
    const shared = this.table.get(s);
    if (shared !== undefined) return shared;
    if (this.table.size >= this.limit) this.table.clear();
    this.table.set(s, s);
    return s;
  }

  /** Replaces every string value in a JSON-like value, in place, by its shared copy; returns it. */
  internValues<T>(value: T): T {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = this.intern(v);
        else if (v && typeof v === 'object') this.internValues(v);
      }
    } else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const v = o[k];
        if (typeof v === 'string') {
          if (!this.skipKeys.has(k)) o[k] = this.intern(v);
        } else if (v && typeof v === 'object') this.internValues(v);
      }
    }
    return value;
  }
}
