/** Keys whose string values are unique per object: interning them would only fill the table. */
export const UNIQUE_KEYS: readonly string[] = ['name', 'uid', 'resourceVersion', 'generateName'];

/** Hash of a value that cannot be shared: an object holding one is not shared either. */
const UNSHARED = -1;

/** FNV-1a step over one 32-bit value, kept to a small integer (a Map key V8 stores unboxed). */
const mix = (h: number, x: number): number => Math.imul(h ^ x, 16777619) & 0x3fffffff;

function hashString(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return mix(h, s.length);
}

/** Deep equality of JSON values whose children are already shared where they could be. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    // Same keys in the same order: objects with another order have another shape, so are not merged.
    if (ka[i] !== kb[i] || !same((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!])) return false;
  }
  return true;
}

/**
 * One shared copy of each repeated value among cached objects: strings, and the small objects
 * and arrays that many cached objects hold alike (hash-consing).
 *
 * - Strings: JSON.parse makes a new string for every value but the shortest, so 10,000 cached
 *   slices would hold 10,000 copies of each condition message, namespace, label value, image
 *   and timestamp.
 * - Objects and arrays: a slice's QoS, scaling, CNF resources, its conditions (alike for every
 *   slice that changed state in the same second) and a child's placement are the same for many
 *   objects; without sharing, each is a separate copy.
 *
 * Shared objects are frozen: the caches are read-only (controller-runtime's rule too), and a
 * write to a shared object, which would change it for every holder, throws instead.
 *
 * Both tables are bounded: when one is full it is cleared, which only costs new copies of the
 * values seen next. Values that are unique by nature (names, uids, resource versions) stay out,
 * and so does every object that holds one.
 */
export class ValueTable {
  private readonly strings = new Map<string, string>();
  private readonly objects = new Map<number, object>();

  constructor(
    /** Entries of each table before it is cleared. */
    private readonly limit = 16_384,
    /** Longer strings are left alone: long text is rarely repeated verbatim. */
    private readonly maxLength = 256,
    /** Keys whose string values are unique per object. */
    private readonly skipKeys: ReadonlySet<string> = new Set(UNIQUE_KEYS),
  ) {}

  /** Strings and objects in the tables. */
  get size(): { strings: number; objects: number } {
    return { strings: this.strings.size, objects: this.objects.size };
  }

  intern(s: string): string {
    if (s.length > this.maxLength) return s;
    const shared = this.strings.get(s);
    if (shared !== undefined) return shared;
    if (this.strings.size >= this.limit) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  /**
   * Replaces, in place, every string, object and array inside a JSON-like object by its shared
   * copy, and returns the object. The object itself is not shared (it is the cache entry).
   */
  internValues<T>(value: T): T {
    if (value && typeof value === 'object') this.shareChildren(value as Record<string, unknown>);
    return value;
  }

  /** Shares the children of an object or array in place; returns its hash, or UNSHARED. */
  private shareChildren(o: Record<string, unknown> | unknown[]): number {
    let h = Array.isArray(o) ? 0x1ba : 0x2cf;
    // A frozen object is shared already (its children too); it is only hashed, never written.
    // Otherwise a string is always written back: the table's copy is === to the parsed one
    // (strings compare by value), so a "write only if changed" test would never share one.
    const writable = !Object.isFrozen(o);
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const [v, vh] = this.share(o[i], false);
        if (writable && (typeof v === 'string' || v !== o[i])) o[i] = v;
        h = h === UNSHARED || vh === UNSHARED ? UNSHARED : mix(h, vh);
      }
      return h;
    }
    for (const k of Object.keys(o)) {
      const unique = this.skipKeys.has(k);
      const [v, vh] = this.share(o[k], unique);
      if (writable && (typeof v === 'string' ? !unique : v !== o[k])) o[k] = v;
      h = h === UNSHARED || vh === UNSHARED ? UNSHARED : hashString(k, mix(h, vh));
    }
    return h;
  }

  /** The shared copy of one value and its hash (UNSHARED for values that are not shared). */
  private share(v: unknown, unique: boolean): [unknown, number] {
    switch (typeof v) {
      case 'string':
        if (unique || v.length > this.maxLength) return [v, UNSHARED];
        return [this.intern(v), hashString(v, 0x3b)];
      case 'number':
        return [v, hashString(String(v), 0x4d)];
      case 'boolean':
        return [v, v ? 0x5e : 0x6f];
      case 'object': {
        if (v === null) return [v, 0x71];
        const h = this.shareChildren(v as Record<string, unknown>);
        if (h === UNSHARED) return [v, UNSHARED];
        const shared = this.objects.get(h);
        if (shared !== undefined) return same(shared, v) ? [shared, h] : [v, h];
        if (this.objects.size >= this.limit) this.objects.clear();
        this.objects.set(h, Object.freeze(v));
        return [v, h];
      }
      default:
        // undefined: JSON has no such value, and {a: undefined} must not be merged with {}.
        return [v, UNSHARED];
    }
  }
}
