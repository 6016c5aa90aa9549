/**
 * Writes the CRDs built by src/api/crd.ts and src/api/slicedecision-crd.ts to crds/ (and to the Helm chart's crds/ when the chart
 * exists) and the API reference to docs/api-reference.md. `--check` writes nothing and exits 1 when a committed file is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crdFileTargets, DECISION_CRD_FILE, renderCrdYaml, renderDecisionCrdYaml } from '../docs/crd-yaml.js';
import { renderApiReference } from '../docs/reference-doc.js';
import { packageRoot } from '../../src/forecast/forecaster.js';

const root = packageRoot();
const check = process.argv.includes('--check');
const outputs: [string, string][] = [
  ...crdFileTargets(root).map((rel): [string, string] => [rel, renderCrdYaml()]),
  ...crdFileTargets(root, DECISION_CRD_FILE).map((rel): [string, string] => [rel, renderDecisionCrdYaml()]),
  ['docs/api-reference.md', renderApiReference()],
];
let stale = 0;
for (const [rel, text] of outputs) {
  const file = path.join(root, rel);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current === text) continue;
  if (check) {
    console.error(`stale: ${rel} (run npm run gen:crds)`);
    stale++;
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${rel}`);
  }
}
process.exit(stale ? 1 : 0);
