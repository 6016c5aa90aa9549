/**
 * Is every field we set in `desired` present and equal in `live`? Fields the API server adds
 * (defaults, status, metadata bookkeeping) are ignored, so an unchanged object compares equal and
 * a resync performs no write; a field someone else changed compares unequal, so drift is fixed.
 * Lists compare element-wise and must have the same length (a removed container is drift).
 */
export function isSubset(desired: unknown, live: unknown): boolean {
  if (desired === null || desired === undefined) return live === desired || live === undefined || live === null;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return false;
    return desired.every((d, i) => isSubset(d, live[i]));
  }
  if (typeof desired === 'object') {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => isSubset(v, l[k]));
  }
  // Quantities and ports may come back as numbers or canonical strings.
  if (typeof desired === 'number' && typeof live === 'string') return String(desired) === live;
  if (typeof desired === 'string' && typeof live === 'number') return desired === String(live);
  return desired === live;
}

/** JSON text with object keys sorted and undefined dropped: equal iff the JSON values are equal. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  );
}
