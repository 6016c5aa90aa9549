import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadHourlySquares, MilanDataMissingError, milanCsvPath } from '../../../../tools/replayer/milan.js';

describe('loadHourlySquares', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'milan-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads rows, with empty cells as gaps', () => {
    const file = path.join(dir, 'hourly_squares.csv');
    writeFileSync(file, '1,2,3\n4,,6\n\n');
    const rows = loadHourlySquares(file);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual([1, 2, 3]);
    expect(rows[1]![0]).toBe(4);
    expect(rows[1]![1]).toBeNaN();
  });

  it('names the missing file and how to point at the data', () => {
    const file = path.join(dir, 'absent', 'hourly_squares.csv');
    expect(() => loadHourlySquares(file)).toThrow(MilanDataMissingError);
    expect(() => loadHourlySquares(file)).toThrow(/not found at .*absent\/hourly_squares\.csv.*MILAN_DATA_DIR/);
  });

  it('finds the file through MILAN_DATA_DIR', () => {
    const before = { dir: process.env.MILAN_DATA_DIR, file: process.env.MILAN_DATA };
    try {
      delete process.env.MILAN_DATA;
      process.env.MILAN_DATA_DIR = dir;
      expect(milanCsvPath('/nowhere')).toBe(path.join(dir, 'hourly_squares.csv'));
    } finally {
      if (before.dir === undefined) delete process.env.MILAN_DATA_DIR;
      else process.env.MILAN_DATA_DIR = before.dir;
      if (before.file !== undefined) process.env.MILAN_DATA = before.file;
    }
  });
});
