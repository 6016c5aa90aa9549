import { isMap, isScalar, isSeq, parseDocument, type Pair } from 'yaml';

/**
 * The chart README's values table, generated from values.yaml: every key (a leaf, or an empty map
 * or list) with its default and the comment above it; a commented map gets a row of its own. `npm run gen:crds` writes it between the README's `values` markers; a unit
 * test fails when the committed table is stale.
 */
export function renderValuesTable(valuesYaml: string): string {
  const rows: string[] = ['| key | default | description |', '|---|---|---|'];
  const clean = (c: string | null | undefined): string =>
    (c ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ')
      .replace(/\|/g, '\\|');
  const walk = (node: unknown, at: string): void => {
    if (!isMap(node)) return;
    // The parser attaches the comment above a map's first key to the map itself.
    const first = node.items[0]?.key as { commentBefore?: string } | undefined;
    if (first && !first.commentBefore && node.commentBefore) first.commentBefore = node.commentBefore;
    for (const pair of node.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const own = clean((pair.key as { commentBefore?: string } | null)?.commentBefore);
      const path = at ? `${at}.${key}` : key;
      const v = pair.value;
      if (isMap(v) && v.items.length > 0) {
        if (own) rows.push(`| \`${path}\` | | ${own} |`);
        walk(v, path);
        continue;
      }
      const def = isMap(v) || isSeq(v) ? JSON.stringify((v as { toJSON(): unknown }).toJSON()) : JSON.stringify(isScalar(v) ? v.value : null);
      rows.push(`| \`${path}\` | \`${def}\` | ${own} |`);
    }
  };
  const doc = parseDocument(valuesYaml);
  // The comment above the first key may belong to the document in the parsed tree.
  if (isMap(doc.contents) && !doc.contents.commentBefore && doc.commentBefore) doc.contents.commentBefore = doc.commentBefore;
  walk(doc.contents, '');
  return rows.join('\n');
}

/** The chart README with its values table (between `<!-- values:begin -->` and `<!-- values:end -->`) regenerated. */
export function chartReadmeWithValues(readme: string, valuesYaml: string): string {
  const re = /(<!-- values:begin -->\n)[\s\S]*?(<!-- values:end -->)/;
  if (!re.test(readme)) throw new Error('the chart README lacks the <!-- values:begin --> / <!-- values:end --> markers');
  return readme.replace(re, (_m, begin: string, end: string) => `${begin}${renderValuesTable(valuesYaml)}\n${end}`);
}
