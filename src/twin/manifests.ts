/**
 * NetworkSlice manifests for a what-if, read from YAML files (several documents per file are
 * allowed) and validated with the product's schema: an unknown or invalid field is an error
 * naming the file, the document and the field, as `kubectl apply` against the CRD would report it.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { toSliceView } from '../controller/view-from-api.js';
import type { SliceView } from '../controller/slice-view.js';
import type { KubeObject } from '../runtime/informer.js';
import { WhatIfInputError } from './whatif.js';

export function sliceViewsFromYaml(text: string, source: string): SliceView[] {
  const docs = parseAllDocuments(text);
  const views: SliceView[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((d, i) => {
    const where = list.length > 1 ? `${source} (document ${i + 1})` : source;
    if (d.errors.length) throw new WhatIfInputError(`${where}: not valid YAML: ${d.errors[0]!.message}`);
    const obj = d.toJS() as KubeObject | null;
    if (obj === null) return;
    if (typeof obj !== 'object' || obj.kind !== 'NetworkSlice') throw new WhatIfInputError(`${where}: expected kind NetworkSlice (apiVersion slicing.telco.dev/v1alpha1), got ${JSON.stringify((obj as { kind?: unknown })?.kind)}`);
    // A manifest has no server-set fields; the view needs a uid and generation.
    const meta = { namespace: 'default', uid: `whatif-${i}`, generation: 1, ...obj.metadata };
    const r = toSliceView({ ...obj, metadata: meta });
    if (!r.ok) throw new WhatIfInputError(`${where}: ${r.issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`);
    views.push(r.view);
  });
  if (!views.length) throw new WhatIfInputError(`${source}: no NetworkSlice in the file`);
  return views;
}

export function sliceViewsFromFile(file: string): SliceView[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WhatIfInputError(`cannot read the manifest ${file}: ${(e as Error).message}`);
  }
  return sliceViewsFromYaml(text, file);
}
