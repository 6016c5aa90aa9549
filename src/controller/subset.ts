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

/**
 * JSON text with object keys sorted and undefined dropped: equal iff the JSON values are equal.
 * Written out directly rather than with a JSON.stringify replacer that rebuilds every object
 * sorted: it runs for every child watch event (fingerprints) and status comparison.
 */
export function canonicalJson(v: unknown): string {
  // No JSON value at all (undefined) is '': equal to itself, unlike null.
  return encode(v) ?? '';
}

function encode(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return encode((v as { toJSON(): unknown }).toJSON());
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (encode(v[i]) ?? 'null');
        return out + ']';
      }
      const o = v as Record<string, unknown>;
      let out = '{';
      for (const k of Object.keys(o).sort()) {
        const e = encode(o[k]);
        if (e !== undefined) out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + e;
      }
      return out + '}';
    }
    default:
      return undefined; // undefined, functions, symbols: dropped, as JSON.stringify does
  }
}
