/**
 * Functions in the reconcile path stay small enough to read at once: none in src/controller or
 * src/telemetry is longer than 80 lines (a class body is not a function; its methods are).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const MAX_LINES = 80;

/** Every function-like node of a file with its line count, named by its enclosing declarations. */
function functionLengths(file: string): { name: string; lines: number }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node, owner: string): void => {
    let name = owner;
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const own = node.name && ts.isIdentifier(node.name) ? node.name.text : ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : '(anonymous)';
      name = owner ? `${owner}.${own}` : own;
      const lines = sf.getLineAndCharacterOfPosition(node.getEnd()).line - sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      out.push({ name: `${path.relative(root, file)}:${name}`, lines });
    } else if (ts.isClassDeclaration(node) && node.name) name = node.name.text;
    ts.forEachChild(node, (c) => visit(c, name));
  };
  visit(sf, '');
  return out;
}

const files = ['src/controller', 'src/telemetry'].flatMap((d) => readdirSync(path.join(root, d)).filter((f) => f.endsWith('.ts')).map((f) => path.join(root, d, f)));

describe('function length in src/controller and src/telemetry', () => {
  it(`has no function over ${MAX_LINES} lines`, () => {
    const all = files.flatMap(functionLengths);
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((f) => f.lines > MAX_LINES).map((f) => `${f.name}: ${f.lines} lines`)).toEqual([]);
  });
});
