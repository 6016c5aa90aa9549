/** @jest-environment ./test/support/ort-environment.cjs */
// Accuracy on REAL held-out data: squares the model never saw, hours after all training targets.
// This can fail: it guards the committed model against regressions (e.g. a retrain that overfits).
import { existsSync } from 'node:fs';
import { lastValue, sameHourYesterday } from '../../../../src/forecast/baselines.js';
import { Forecaster, packageRoot } from '../../../../src/forecast/forecaster.js';
import type { SeriesInput } from '../../../../src/forecast/contract.js';
import { mae } from '../../../../tools/eval/metrics.js';
import { hourToDate, loadHourlySquares, milanCsvPath } from '../../../../tools/replayer/milan.js';

const data = milanCsvPath(packageRoot());
const describeIfData = existsSync(data) ? describe : describe.skip;

describeIfData('accuracy on held-out Milan squares (1 h ahead)', () => {
  test('the committed model beats last value and same hour yesterday on MAE', async () => {
    const f = await Forecaster.create({});
    expect(f.modelStatus.loaded).toBe(true);
    const split = f.card!.training!.split;
    const [t0, t1] = split.testTargetHours;
    const rows = loadHourlySquares(data);
    const squares = split.heldOutSquares.filter((i) => rows[i]!.length >= t1).slice(0, 12);
    const inputs: SeriesInput[] = [];
    const y: number[] = [];
    const lv: number[] = [];
    const yd: number[] = [];
    for (const i of squares) {
      for (let t = t0; t < t1; t += 5) {
        const hist = rows[i]!.slice(t - 168, t);
        inputs.push({ key: `${i}@${t}`, history: hist, endTime: hourToDate(t - 1) });
        y.push(rows[i]![t]!);
        lv.push(lastValue(hist, 1)[0]!);
        yd.push(sameHourYesterday(hist, 1)[0]!);
      }
    }
    const out = await f.forecast(inputs); // one batch
    await f.close();
    expect(out.every((o) => o.source === 'onnx')).toBe(true);
    const ours = mae(
      out.map((o) => o.p50[0]!),
      y,
    );
    expect(ours).toBeLessThan(0.85 * mae(lv, y));
    expect(ours).toBeLessThan(0.85 * mae(yd, y));
    // The p99 is a capacity quantile: it must cover the vast majority of hours.
    const misses = out.filter((o, k) => y[k]! > o.p99[0]!).length / y.length;
    expect(misses).toBeLessThan(0.05);
  });
});
