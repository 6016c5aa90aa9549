/**
 * Writes the CRDs built by src/api/crd.ts and src/api/slicedecision-crd.ts to crds/ (and their specs to the Helm chart's files/crds/,
 * which templates/crds.yaml includes, when the chart exists), the values table of the chart's README and the API reference to docs/api-reference.md. `--check` writes nothing and exits 1 when a committed file is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crdFileTargets } from '../docs/crd-yaml.js';
import { chartReadmeWithValues } from '../docs/chart-values-doc.js';
import { renderApiReference } from '../docs/reference-doc.js';
import { packageRoot } from '../../src/forecast/forecaster.js';

const root = packageRoot();
const check = process.argv.includes('--check');
const chartReadme = 'charts/slice-operator/README.md';
const outputs: [string, string][] = [
  ...crdFileTargets(root).map(([rel, render]): [string, string] => [rel, render()]),
  ['docs/api-reference.md', renderApiReference()],
  [chartReadme, chartReadmeWithValues(readFileSync(path.join(root, chartReadme), 'utf8'), readFileSync(path.join(root, 'charts/slice-operator/values.yaml'), 'utf8'))],
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
