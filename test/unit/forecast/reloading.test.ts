/** @jest-environment ./test/support/ort-environment.cjs */
import { copyFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultModelPath } from '../../../src/forecast/forecaster.js';
import { ReloadingForecaster } from '../../../src/forecast/reloading.js';

const series = [{ key: 'ns/s', history: Array.from({ length: 168 }, (_, h) => 50 + 30 * Math.sin((2 * Math.PI * h) / 24)), endTime: new Date('2013-12-02T10:00:00+01:00') }];

describe('ReloadingForecaster', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'model-'));
    file = path.join(dir, 'model.onnx');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const touch = (when: number) => utimesSync(file, when, when);

  it('reports a missing model as a model fault, then recovers when the file appears', async () => {
    const f = await ReloadingForecaster.create({ modelPath: file, checkMs: 0 });
    const [a] = await f.forecast(series);
    expect(a!.source).not.toBe('onnx');
    expect(a!.modelFault).toMatch(/model file not found/);
    copyFileSync(defaultModelPath(), file);
    const [b] = await f.forecast(series);
    expect(b!.source).toBe('onnx');
    expect(b!.modelFault).toBeUndefined();
    expect(f.reloads).toBe(1);
    await f.close();
  });

  it('keeps the good model when a corrupt version is written, and takes the next good one', async () => {
    copyFileSync(defaultModelPath(), file);
    const f = await ReloadingForecaster.create({ modelPath: file, checkMs: 0 });
    expect((await f.forecast(series))[0]!.source).toBe('onnx');
    writeFileSync(file, 'not an onnx model');
    touch(Date.now() / 1000 + 5);
    const [c] = await f.forecast(series);
    expect(c!.source).toBe('onnx');
    expect(f.rejectedReloads).toBe(1);
    expect(f.lastReloadError).toBeDefined();
    copyFileSync(defaultModelPath(), file);
    touch(Date.now() / 1000 + 10);
    expect((await f.forecast(series))[0]!.source).toBe('onnx');
    expect(f.reloads).toBe(1);
    await f.close();
  });

  it('starts on a corrupt file in fallback with the fault named, and recovers', async () => {
    writeFileSync(file, Buffer.alloc(1000, 7));
    const f = await ReloadingForecaster.create({ modelPath: file, checkMs: 0 });
    const [a] = await f.forecast(series);
    expect(a!.modelFault).toMatch(/not loaded/);
    expect(Number.isFinite(a!.p99[0])).toBe(true);
    copyFileSync(defaultModelPath(), file);
    touch(Date.now() / 1000 + 5);
    expect((await f.forecast(series))[0]!.modelFault).toBeUndefined();
    await f.close();
  });
});
