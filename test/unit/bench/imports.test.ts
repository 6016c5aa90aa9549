/**
 * Benchmarks use the product only through src/index.ts, its public face for tooling: what they
 * depend on is that list, not the layout of src/. src/index.ts only re-exports, and nothing in
 * src/ imports it (the image holds what src/cmd/operator.ts imports, nothing else).
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const index = path.join(root, 'src', 'index.ts');

const tsFilesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFilesUnder(p) : e.name.endsWith('.ts') ? [p] : [];
  });

/** Relative imports and re-exports of a file (static, dynamic and type-only), resolved to .ts paths. */
const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
    path.resolve(path.dirname(file), m[1]!).replace(/\.js$/, '.ts'),
  );

describe('what benchmarks import of the product', () => {
  const benches = tsFilesUnder(path.join(root, 'bench'));

  it('is src/index.ts and nothing else of src/', () => {
    const deep = benches.flatMap((f) =>
      importsOf(f)
        .filter((d) => d.startsWith(path.join(root, 'src') + path.sep) && d !== index)
        .map((d) => `${path.relative(root, f)} -> ${path.relative(root, d)}`),
    );
    expect(deep).toEqual([]);
    // The check above sees the benches' imports at all.
    expect(benches.filter((f) => importsOf(f).includes(index)).length).toBeGreaterThan(5);
  });

  it('is a list of re-exports, imported by nothing in src/', () => {
    const statements = readFileSync(index, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    expect(statements.filter((s) => !/^export (type )?\{[^}]*\} from '\.\/[a-z-]+\/[a-z-]+\.js'$/.test(s))).toEqual([]);
    const importers = tsFilesUnder(path.join(root, 'src')).filter((f) => importsOf(f).includes(index));
    expect(importers.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('resolves every name it exports', async () => {
    const api = (await import('../../../src/index.js')) as Record<string, unknown>;
    expect(Object.entries(api).filter(([, v]) => v === undefined)).toEqual([]);
    expect(Object.keys(api).length).toBeGreaterThan(20);
  });
});
