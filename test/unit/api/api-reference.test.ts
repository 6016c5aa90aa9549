/**
 * docs/api-reference.md against the CRD it is generated from: every field of spec and status has
 * a row, and every constraint the CRD enforces (bounds, lengths, patterns, enums, list and map
 * rules, defaults, required fields, CEL rules with their messages) is written in the doc. The
 * expectations are derived here from the CRD's schema, keyword by keyword; a keyword this test
 * does not know fails it, so a new kind of constraint cannot slip past the doc unnoticed.
 */
import { crdVersion, esc, renderApiReference, type Schema } from '../../../tools/docs/reference-doc.js';

const doc = renderApiReference();
const lines = doc.split('\n');

/** Keywords that carry no constraint of their own, or whose constraint is checked elsewhere here. */
const STRUCTURE = new Set([
  'type',
  'description',
  'properties',
  'items',
  'additionalProperties',
  'required',
  'anyOf',
  'x-kubernetes-list-type',
  'x-kubernetes-validations',
]);

/** What the doc must say for one constraint keyword of a node, or undefined for an unknown keyword. */
function phrases(key: string, s: Schema): string[] | undefined {
  const v = (s as Record<string, unknown>)[key];
  switch (key) {
    case 'enum':
      return (v as string[]).map((e) => `\`${e}\``);
    case 'minimum':
      return [`minimum ${String(v)}${s.exclusiveMinimum ? ' (exclusive)' : ''}`];
    case 'maximum':
      return [`maximum ${String(v)}${s.exclusiveMaximum ? ' (exclusive)' : ''}`];
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return []; // part of the minimum / maximum phrase
    case 'pattern':
      return [`pattern \`${esc(String(v))}\``];
    case 'minLength':
      return [`min length ${String(v)}`];
    case 'maxLength':
      return [`max length ${String(v)}`];
    case 'minItems':
      return [`min ${String(v)} items`];
    case 'maxItems':
      return [`max ${String(v)} items`];
    case 'minProperties':
      return [`min ${String(v)} entries`];
    case 'maxProperties':
      return [`max ${String(v)} entries`];
    case 'format':
      return [`format ${String(v)}`];
    case 'default':
      return [`default \`${JSON.stringify(v)}\``];
    case 'x-kubernetes-int-or-string':
      return ['integer or string'];
    case 'x-kubernetes-list-map-keys':
      return [`unique by ${(v as string[]).join(', ')}`];
    default:
      return undefined;
  }
}

/** Constraint phrases of a node itself, of its scalar list items and of its map values. */
function expected(s: Schema, unknown: string[], at: string): string[] {
  const out: string[] = [];
  for (const key of Object.keys(s)) {
    if (STRUCTURE.has(key)) continue;
    const p = phrases(key, s);
    if (p === undefined) unknown.push(`${at}: ${key}`);
    else out.push(...p);
  }
  if (s['x-kubernetes-list-type'] === 'set') out.push('items unique');
  if (s.items && !s.items.properties) out.push(...expected(s.items, unknown, `${at}[]`));
  if (s.additionalProperties) out.push(...expected(s.additionalProperties, unknown, `${at}{}`));
  for (const alt of s.anyOf ?? []) out.push(...expected(alt, unknown, `${at}|`));
  return out;
}

interface Field {
  path: string;
  schema: Schema;
  required: boolean;
}

function fields(s: Schema, at: string, out: Field[]): Field[] {
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const path = at ? `${at}.${name}` : name;
    out.push({ path, schema: child, required: s.required?.includes(name) ?? false });
    fields(child, path, out);
    if (child.items) fields(child.items, `${path}[]`, out);
  }
  return out;
}

function rulesOf(s: Schema, at: string, out: { at: string; rule: string; message: string; fieldPath?: string }[]): typeof out {
  for (const v of s['x-kubernetes-validations'] ?? []) out.push({ at, ...v });
  for (const [name, child] of Object.entries(s.properties ?? {})) rulesOf(child, at ? `${at}.${name}` : name, out);
  if (s.items) rulesOf(s.items, `${at}[]`, out);
  return out;
}

const root = crdVersion().schema.openAPIV3Schema;
const specAndStatus = fields(
  { properties: { spec: root.properties!.spec!, status: root.properties!.status! }, required: root.required },
  '',
  [],
);
const rowOf = (path: string): string | undefined => lines.find((l) => l.startsWith(`| \`${path}\` |`));
const cells = (row: string): string[] => row.split(/(?<!\\)\|/).map((c) => c.trim());

describe('docs/api-reference.md', () => {
  it('has a row for every field of spec and status', () => {
    expect(specAndStatus.length).toBeGreaterThan(100);
    expect(specAndStatus.filter((f) => rowOf(f.path) === undefined).map((f) => f.path)).toEqual([]);
  });

  it('states every constraint of every field, as the CRD enforces it', () => {
    const unknown: string[] = [];
    const missing: string[] = [];
    let checked = 0;
    for (const f of specAndStatus) {
      const row = rowOf(f.path);
      if (row === undefined) continue; // reported by the test above
      const [, , , required, constraintCell] = cells(row);
      if (f.required && required !== 'yes') missing.push(`${f.path}: required`);
      for (const p of expected(f.schema, unknown, f.path)) {
        checked++;
        if (!constraintCell!.includes(p)) missing.push(`${f.path}: ${p}`);
      }
    }
    expect(unknown).toEqual([]);
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  });

  it('writes the tracking-area pattern and the SLA floor', () => {
    expect(rowOf('spec.sla.areaOfService.trackingAreas')).toContain('pattern `^[0-9A-Fa-f]{6}$`');
    expect(rowOf('spec.sla.availabilityPercent')).toContain('minimum 90');
    expect(rowOf('spec.sla.reliabilityPercent')).toContain('minimum 90');
  });

  it('lists every CEL rule in full with its message and the field it reports on', () => {
    const rules = rulesOf(root, '', []);
    expect(rules.length).toBeGreaterThan(20);
    const missing = rules.filter((r) => {
      const reported = r.fieldPath ? (r.at ? `${r.at}.${r.fieldPath.slice(1)}` : r.fieldPath.slice(1)) : r.at;
      return !lines.some((l) => l.includes(`\`${esc(r.rule)}\``) && l.includes(esc(r.message)) && l.includes(reported));
    });
    expect(missing.map((r) => r.message)).toEqual([]);
  });

  it('lists every printer column with its JSONPath and priority', () => {
    for (const c of crdVersion().additionalPrinterColumns) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^\\| ${c.name.toUpperCase()} \\| \`${esc(c.jsonPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` \\| ${c.priority ?? 0} \\|`,
          ),
        ),
      );
    }
  });
});
