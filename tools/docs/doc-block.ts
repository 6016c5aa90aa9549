import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` in a Markdown file:
 * how benchmarks, the forecast evaluation and the demo record their figures where people read
 * them. A file without the markers is an error, not a silent no-op.
 */
export function replaceDocBlock(file: string, name: string, block: string): void {
  const text = readFileSync(file, 'utf8');
  const re = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`${file} lacks the <!-- ${name}:begin --> / <!-- ${name}:end --> markers`);
  writeFileSync(file, text.replace(re, (_m, begin: string, end: string) => `${begin}${block}\n${end}`));
}
