import { createHash } from 'node:crypto';

export const FIELD_MANAGER = 'slice-operator';
/** A finalizer that earlier versions of the operator added to slices; it only removes it now (see the reconciler). */
export const LEGACY_FINALIZER = 'slicing.telco.dev/cleanup';
export const LABEL_SLICE = 'slicing.telco.dev/slice';
export const LABEL_CNF = 'slicing.telco.dev/cnf';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/**
 * On a NetworkSlice, "true" pauses its scaling and placement: the operator leaves replica counts
 * (a manual `kubectl scale` included) and UPF sites as they are, and reconciles everything else.
 */
export const PAUSED_ANNOTATION = 'slicing.telco.dev/paused';
export const MANAGED_BY = 'slice-operator';

/**
 * A DNS-1123 label (<= 63 chars) from parts; long names keep a hash suffix so two long slice
 * names never collide after truncation.
 */
export function childName(...parts: string[]): string {
  const full = parts.join('-').toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

export const priorityClassName = (serviceType: string): string => `slice-${serviceType.toLowerCase()}`;
