/**
 * The product's import structure: folders of src/ sit on layers, and a file imports only from its
 * own folder or from a lower layer; no import cycle anywhere in src/. Tooling (tools/, bench/)
 * may import the product, never the other way round.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const src = path.join(root, 'src');

/** Layer of each folder of src/, lowest first; index.ts is the public face for tooling, on top. */
export const LAYERS: Record<string, number> = { runtime: 0, api: 1, forecast: 2, telemetry: 3, controller: 4, twin: 5, cmd: 6, 'index.ts': 7 };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (static, dynamic and type-only), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'));
}

const folderOf = (file: string): string => path.relative(src, file).split(path.sep)[0]!;
const files = filesUnder(src);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('import structure of src/', () => {
  it('places every folder of src/ on a layer', () => {
    expect([...new Set(files.map(folderOf))].filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it('imports only files of src/, from the same folder or a lower layer', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        const rel = path.relative(src, dep);
        if (rel.startsWith('..')) wrong.push(`${path.relative(root, file)} -> ${path.relative(root, dep)} (outside src/)`);
        else if (folderOf(dep) !== folderOf(file) && LAYERS[folderOf(dep)]! >= LAYERS[folderOf(file)]!) wrong.push(`${path.relative(root, file)} -> ${path.relative(root, dep)} (up or across)`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') cycles.push(stack.slice(stack.indexOf(d)).concat(d).map((x) => path.relative(root, x)).join(' -> '));
        else if (!state.has(d) && graph.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('finds the imports it checks (a broken pattern would make the checks above vacuous)', () => {
    expect(graph.get(path.join(src, 'cmd', 'operator.ts'))).toContain(path.join(src, 'controller', 'manager.ts'));
    expect([...graph.values()].reduce((n, d) => n + d.length, 0)).toBeGreaterThan(100);
  });
});
