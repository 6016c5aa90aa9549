import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replaceDocBlock } from '../../../../tools/docs/doc-block.js';

describe('replaceDocBlock', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docblock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces only its own block, verbatim (a "$1" in the figures stays "$1")', () => {
    const f = path.join(dir, 'a.md');
    writeFileSync(f, 'intro\n<!-- x:begin -->\nold\n<!-- x:end -->\n<!-- y:begin -->\nkeep\n<!-- y:end -->\n');
    replaceDocBlock(f, 'x', '| cost | $1 |');
    expect(readFileSync(f, 'utf8')).toBe('intro\n<!-- x:begin -->\n| cost | $1 |\n<!-- x:end -->\n<!-- y:begin -->\nkeep\n<!-- y:end -->\n');
  });

  it('refuses a file without the markers', () => {
    const f = path.join(dir, 'b.md');
    writeFileSync(f, 'no markers');
    expect(() => replaceDocBlock(f, 'x', 'new')).toThrow('lacks the <!-- x:begin -->');
  });
});
