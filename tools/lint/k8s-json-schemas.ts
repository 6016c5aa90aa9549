/**
 * Builds the JSON schemas kubeconform validates against, offline: one file per kind from a
 * Kubernetes release's OpenAPI v2 document (api/openapi-spec/swagger.json in the k8s.io/kubernetes
 * module in the Go module cache) and one from the NetworkSlice CRD. Standalone (every $ref inlined;
 * a recursive type, such as a CRD's JSONSchemaProps, becomes "any" where it recurs) and strict
 * (an object with properties allows no others), as openapi2jsonschema's `--strict` does.
 * File names follow kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json`.
 *
 * Usage: tsx tools/lint/k8s-json-schemas.ts SWAGGER_JSON CRD_YAML OUT_DIR
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const intOrString = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
const quantity = { oneOf: [{ type: 'string' }, { type: 'number' }] };

/** kubeconform's KindSuffix: -<first label of the group>-<version>, or -<version> for the core group. */
export const schemaFileName = (kind: string, group: string, version: string): string =>
  `${kind.toLowerCase()}${group ? `-${group.split('.')[0]!.toLowerCase()}` : ''}-${version.toLowerCase()}.json`;

/** Strict: objects with properties allow no others; int-or-string and quantities take both forms. */
function strict(s: unknown, resolve: (ref: string, stack: string[]) => unknown, stack: string[]): unknown {
  if (Array.isArray(s)) return s.map((x) => strict(x, resolve, stack));
  if (!s || typeof s !== 'object') return s;
  const o = s as Json;
  if (typeof o.$ref === 'string') return resolve(o.$ref, stack);
  if (o.format === 'int-or-string' || o['x-kubernetes-int-or-string'] === true) return { ...intOrString, ...(o.description ? { description: o.description } : {}) };
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, strict(ps, resolve, stack)]));
    else if (k.startsWith('x-kubernetes-') || k === 'format' || k === 'description') continue;
    else out[k] = strict(v, resolve, stack);
  }
  if (out.properties && out.additionalProperties === undefined && o['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

export function kindSchemas(swagger: { definitions: Record<string, Json> }): Map<string, unknown> {
  const defs = swagger.definitions;
  const resolve = (ref: string, stack: string[]): unknown => {
    const name = ref.replace('#/definitions/', '');
    if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return intOrString;
    if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return quantity;
    if (stack.includes(name)) return {};
    return strict(defs[name], resolve, [...stack, name]);
  };
  const out = new Map<string, unknown>();
  for (const [name, def] of Object.entries(defs)) {
    const gvks = (def['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[];
    if (gvks.length !== 1 || name.endsWith('List')) continue;
    const { group, version, kind } = gvks[0]!;
    out.set(schemaFileName(kind, group, version), strict(def, resolve, [name]));
  }
  return out;
}

export function crdSchema(crd: Json): [string, unknown][] {
  const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Json } }[] };
  return spec.versions.map((v) => [schemaFileName(spec.names.kind, spec.group, v.name), strict(v.schema.openAPIV3Schema, () => ({}), [])]);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [swaggerFile, crdFile, outDir] = process.argv.slice(2);
  if (!swaggerFile || !crdFile || !outDir) {
    console.error('usage: tsx tools/lint/k8s-json-schemas.ts SWAGGER_JSON CRD_YAML OUT_DIR');
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  const all = [...kindSchemas(JSON.parse(readFileSync(swaggerFile, 'utf8'))).entries(), ...crdSchema(parse(readFileSync(crdFile, 'utf8')))];
  for (const [file, schema] of all) writeFileSync(path.join(outDir, file), JSON.stringify(schema));
  console.log(`${all.length} schemas -> ${outDir}`);
}
