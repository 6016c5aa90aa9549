import { createHash } from 'node:crypto';
import { canonicalJson } from './subset.js';

/**
 * A field set in the API server's `fieldsV1` format (metadata.managedFields[].fieldsV1):
 * "f:<name>" a field of a map, "k:<json>" the item of an associative list with those keys,
 * "v:<json>" the item of a set, "i:<n>" the item at an index, "." the item itself. An entry
 * with nothing under it but "." is owned whole (a leaf, or an atomic map or list).
 */
export type FieldSet = { [key: string]: FieldSet };

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
  subresource?: string;
}

/** Same value as the API server compares list keys: deep equality of JSON values. */
const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** A key's JSON, or undefined when it is not JSON (then nothing matches it: the item is not owned). */
function keyJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function owns(item: unknown, index: number, key: string): boolean {
  if (key.startsWith('i:')) return Number(key.slice(2)) === index;
  if (key.startsWith('v:')) {
    const want = keyJson(key.slice(2));
    return want !== undefined && sameJson(want, item);
  }
  if (key.startsWith('k:')) {
    const want = keyJson(key.slice(2));
    if (!item || typeof item !== 'object' || !want || typeof want !== 'object') return false;
    return Object.entries(want).every(([k, v]) => sameJson((item as Record<string, unknown>)[k], v));
  }
  return false;
}

/**
 * The part of `value` that `fields` names: what a field manager owns of a live object. For an
 * object the operator applied, and nobody changed since, this is exactly what it applied.
 */
export function projectFields(value: unknown, fields: FieldSet): unknown {
  const keys = Object.keys(fields).filter((k) => k !== '.');
  if (!keys.length) return value;
  if (Array.isArray(value)) {
    // Items in live order; an item the manager does not own (another manager's) is left out.
    const out: unknown[] = [];
    value.forEach((item, i) => {
      const key = keys.find((k) => owns(item, i, k));
      if (key) out.push(projectFields(item, fields[key]!));
    });
    return out;
  }
  if (!value || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (!k.startsWith('f:')) continue;
    const name = k.slice(2);
    if (name in obj) out[name] = projectFields(obj[name], fields[k]!);
  }
  return out;
}

/** Union of field sets (a manager has one entry per API version it applied with). */
function mergeFields(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = out[k] ? mergeFields(out[k], v) : v;
  return out;
}

/**
 * apiVersion, kind, name and namespace identify an object rather than being fields someone sets:
 * left out on both sides, whether or not the server lists them in a field set.
 */
function withoutIdentity(o: unknown): unknown {
  if (!o || typeof o !== 'object') return o;
  const { apiVersion: _v, kind: _k, metadata, ...rest } = o as { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown> };
  const { name: _n, namespace: _ns, ...meta } = metadata ?? {};
  return Object.keys(meta).length ? { ...rest, metadata: meta } : rest;
}

/**
 * The first 128 bits of a SHA-256, base64 (24 characters): equal objects give equal digests, and
 * a chance match of two different ones is negligible at 2^-128. Each cached child keeps one.
 * Encoded from the first 16 bytes rather than cut from the whole digest's text: a cut string is a
 * slice that keeps the whole one alive (96 bytes per child, against 40 now).
 */
const digest = (v: unknown): string => createHash('sha256').update(canonicalJson(withoutIdentity(v))).digest().toString('base64', 0, 16);

/**
 * Fingerprint of what `manager` owns of a live object through server-side apply (its
 * managedFields "Apply" entries, main resource only). Equal to `appliedFingerprint` of the
 * object it applied as long as nobody changed or took over one of those fields: a field another
 * manager changed moves to that manager and drops out of the projection, so drift shows as a
 * different fingerprint, and so does a field the operator no longer sets.
 */
export function ownedFingerprint(live: { metadata?: object }, manager: string): string {
  const entries = ((live.metadata as { managedFields?: unknown } | undefined)?.managedFields ?? []) as ManagedFieldsEntry[];
  let fields: FieldSet = {};
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply' && !e.subresource && e.fieldsV1) fields = mergeFields(fields, e.fieldsV1);
  }
  // An empty set owns nothing (below the top, an entry with nothing under it is a leaf owned whole).
  return digest(Object.keys(fields).length ? projectFields(live, fields) : {});
}

/** Fingerprint of an object as the operator applies it (compare with `ownedFingerprint`). */
export function appliedFingerprint(o: object): string {
  return digest(o);
}
