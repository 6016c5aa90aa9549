import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chartReadmeWithValues, renderValuesTable } from '../../../../tools/docs/chart-values-doc.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const read = (rel: string) => readFileSync(`${root}/${rel}`, 'utf8');

describe('chart README values table', () => {
  it('lists leaves and empty maps with defaults and the comment above them', () => {
    const t = renderValuesTable('# Top.\na: 1\n# A map.\nm:\n  # Inner.\n  x: "s"\n  y: []\nz: {}\n');
    expect(t.split('\n')).toEqual([
      '| key | default | description |',
      '|---|---|---|',
      '| `a` | `1` | Top. |',
      '| `m` | | A map. |',
      '| `m.x` | `"s"` | Inner. |',
      '| `m.y` | `[]` |  |',
      '| `z` | `{}` |  |',
    ]);
  });

  it('the committed charts/slice-operator/README.md is up to date with values.yaml (npm run gen:crds)', () => {
    const readme = read('charts/slice-operator/README.md');
    expect(readme).toBe(chartReadmeWithValues(readme, read('charts/slice-operator/values.yaml')));
    expect(readme).toContain('| `podDisruptionBudget.unhealthyPodEvictionPolicy` | `"AlwaysAllow"` |');
  });
});
