import { networkSliceCrd } from '../../src/api/crd.js';
import { RULES } from '../../src/api/rules.js';
import { sliceDecisionCrd } from '../../src/api/slicedecision-crd.js';

/** The subset of OpenAPI v3 the NetworkSlice CRD uses (src/api/crd.ts). */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
  anyOf?: Schema[];
  required?: string[];
  enum?: string[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  default?: unknown;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: { rule: string; message: string; fieldPath?: string; reason?: string }[];
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
  description?: string;
}

interface CrdVersion {
  additionalPrinterColumns: PrinterColumn[];
  schema: { openAPIV3Schema: Schema };
}

/** The served version of the CRD, as the API server gets it. */
export function crdVersion(): CrdVersion {
  return (networkSliceCrd() as unknown as { spec: { versions: CrdVersion[] } }).spec.versions[0]!;
}

/** Markdown table cells: a `|` would end the cell, even inside a code span. */
export const esc = (s: string): string => s.replace(/\|/g, '\\|');

/** Child path as kubectl names it: `spec.cnfs[].minReplicas`. */
export const childPath = (at: string, name: string): string => (at ? `${at}.${name}` : name);

/**
 * Every constraint a schema node puts on its own value, in words: bounds, lengths, patterns,
 * enums, list and map rules, format and default. An array's item constraints and a map's value
 * constraints are the field's too, so they are listed here with "each item" / "each value".
 * Cross-field (CEL) rules are listed in their own table, by the node they sit on.
 */
export function constraints(s: Schema): string[] {
  const c: string[] = [];
  if (s['x-kubernetes-int-or-string']) c.push('integer or string');
  if (s.enum) c.push(`one of ${s.enum.map((e) => `\`${e}\``).join(', ')}`);
  if (s.minimum !== undefined) c.push(`minimum ${s.minimum}${s.exclusiveMinimum ? ' (exclusive)' : ''}`);
  if (s.maximum !== undefined) c.push(`maximum ${s.maximum}${s.exclusiveMaximum ? ' (exclusive)' : ''}`);
  if (s.pattern !== undefined) c.push(`pattern \`${s.pattern}\``);
  if (s.minLength !== undefined) c.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) c.push(`max length ${s.maxLength}`);
  if (s.format !== undefined) c.push(`format ${s.format}`);
  if (s.minItems !== undefined) c.push(`min ${s.minItems} items`);
  if (s.maxItems !== undefined) c.push(`max ${s.maxItems} items`);
  if (s.minProperties !== undefined) c.push(`min ${s.minProperties} entries`);
  if (s.maxProperties !== undefined) c.push(`max ${s.maxProperties} entries`);
  if (s['x-kubernetes-list-type'] === 'set') c.push('items unique');
  if (s['x-kubernetes-list-map-keys']) c.push(`unique by ${s['x-kubernetes-list-map-keys'].join(', ')}`);
  if (s.default !== undefined) c.push(`default \`${JSON.stringify(s.default)}\``);
  const items = s.items && !s.items.properties ? constraints(s.items) : [];
  if (items.length) c.push(`each item: ${items.join(', ')}`);
  const values = s.additionalProperties ? constraints(s.additionalProperties) : [];
  if (values.length) c.push(`each value: ${values.join(', ')}`);
  return c;
}

function typeOf(s: Schema): string {
  if (s['x-kubernetes-int-or-string']) return 'quantity';
  if (s.type === 'array') return `[]${s.items ? typeOf(s.items) : ''}`;
  if (s.type === 'object' && s.additionalProperties && !s.properties) return `map[string]${typeOf(s.additionalProperties)}`;
  return s.type ?? '';
}

/** One table row per field, depth first; the fields of list items are under `field[]`. */
function rows(s: Schema, at: string, out: string[]): void {
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const p = childPath(at, name);
    const req = s.required?.includes(name) ? 'yes' : '';
    out.push(`| \`${p}\` | ${typeOf(child)} | ${req} | ${esc(constraints(child).join('; '))} | ${esc(child.description ?? '')} |`);
    rows(child, p, out);
    if (child.items) rows(child.items, `${p}[]`, out);
  }
}

export interface LocatedRule {
  /** Path of the schema node the rule sits on ('' for the object itself). */
  at: string;
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: string;
}

/** Every x-kubernetes-validations rule of the schema, with the path of the node it sits on. */
export function celRules(s: Schema, at = ''): LocatedRule[] {
  const own = (s['x-kubernetes-validations'] ?? []).map((v) => ({ at, ...v }));
  const nested = Object.entries(s.properties ?? {}).flatMap(([name, child]) => celRules(child, childPath(at, name)));
  const items = s.items ? celRules(s.items, `${at}[]`) : [];
  return [...own, ...nested, ...items];
}

const tableHead = ['| field | type | required | constraints | description |', '|---|---|---|---|---|'];

/** docs/api-reference.md, generated from the CRD's own schema so it cannot fall behind it. */
export function renderApiReference(): string {
  const version = crdVersion();
  const root = version.schema.openAPIV3Schema;
  const out = [
    '# NetworkSlice API reference (`slicing.telco.dev/v1alpha1`)',
    '',
    'Generated by `npm run gen:crds` from the CRD built in `src/api/crd.ts` (bounds in `src/api/limits.ts`,',
    'cross-field rules in `src/api/rules.ts`); do not edit. Short names `nsl`, `slice`; category `telco`;',
    'namespaced. Examples: `examples/`.',
    '',
    '## Spec fields',
    '',
    ...tableHead,
  ];
  rows({ properties: { spec: root.properties!.spec! }, required: root.required }, '', out);
  out.push('', '## Status fields', '', 'Written by the operator through the status subresource.', '', ...tableHead);
  rows({ properties: { status: root.properties!.status! } }, '', out);
  out.push(
    '',
    '## Cross-field rules (CEL, checked by the API server at apply time)',
    '',
    'Each rule sits on a node of the schema (`self` is that node) and reports its error on the field named under "reported on".',
    '',
    '| on | reported on | rule | message |',
    '|---|---|---|---|',
  );
  for (const r of celRules(root)) {
    const on = r.at || '(the object)';
    const reported = `${r.fieldPath ? childPath(r.at, r.fieldPath.slice(1)) : on}${r.reason ? ` (${r.reason})` : ''}`;
    out.push(`| \`${on}\` | \`${reported}\` | \`${esc(r.rule)}\` | ${esc(r.message)} |`);
  }
  out.push(
    '',
    '## Rules the operator checks (not in the CRD)',
    '',
    'These rules cannot be CEL on every supported Kubernetes minor; the API server stores such a slice',
    'and the operator reports it `Degraded=True` with reason `InvalidSpec`, naming the field.',
    '',
    '| on | reported on | message | why not CEL |',
    '|---|---|---|---|',
  );
  for (const r of RULES.filter((x) => x.cel === undefined)) {
    const on = ({ cnf: 'spec.cnfs[]', cnfs: 'spec.cnfs' } as Record<string, string>)[r.node] ?? r.node;
    out.push(`| \`${on}\` | \`${r.fieldPath ? childPath(on, r.fieldPath.slice(1)) : on}\` | ${esc(r.message)} | ${esc(r.zodOnly ?? '')} |`);
  }
  out.push('', '## `kubectl get` columns', '', 'Columns with priority 1 are shown by `kubectl get nsl -o wide` only.', '', '| column | JSONPath | priority | description |', '|---|---|---|---|');
  for (const c of version.additionalPrinterColumns) out.push(`| ${c.name.toUpperCase()} | \`${esc(c.jsonPath)}\` | ${c.priority ?? 0} | ${esc(c.description ?? '')} |`);
  out.push('', 'The operator re-checks every rule with zod (`src/api/networkslice.ts`) when it reads a slice;', 'a slice that fails there gets `Degraded=True` with reason `InvalidSpec` and the field named.', '');
  out.push(...decisionReference());
  return out.join('\n');
}

/** The SliceDecision section: fields, rules and columns of the CRD built in src/api/slicedecision-crd.ts. */
function decisionReference(): string[] {
  const version = (sliceDecisionCrd() as unknown as { spec: { versions: CrdVersion[] } }).spec.versions[0]!;
  const root = version.schema.openAPIV3Schema;
  const out = [
    '# SliceDecision API reference (`slicing.telco.dev/v1alpha1`)',
    '',
    'Generated from `src/api/slicedecision-crd.ts`. Short name `sdec`; namespaced; created by the operator for a',
    'slice in `spec.automation.mode: Approve` and owned by it. Fields are listed under `SliceDecision.`.',
    '',
    ...tableHead,
  ];
  rows({ properties: { spec: root.properties!.spec!, status: root.properties!.status! }, required: root.required }, 'SliceDecision', out);
  out.push('', '## SliceDecision rules (CEL)', '', '| on | rule | message |', '|---|---|---|');
  for (const r of celRules(root)) out.push(`| \`${r.at || '(the object)'}\` | \`${esc(r.rule)}\` | ${esc(r.message)} |`);
  out.push('', '## SliceDecision `kubectl get` columns', '', '| column | JSONPath | priority | description |', '|---|---|---|---|');
  for (const c of version.additionalPrinterColumns) out.push(`| ${c.name.toUpperCase()} | \`${esc(c.jsonPath)}\` | ${c.priority ?? 0} | ${esc(c.description ?? '')} |`);
  out.push('');
  return out;
}
