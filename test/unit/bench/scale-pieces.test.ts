import { describe, expect, it } from '@jest/globals';
import { histogramQuantile, parseMetrics, reconcilesOf, sum, telemetryCycles } from '../../../bench/scale/metrics.js';
import { spread, spreadText } from '../../../bench/scale/memory-sampling.js';
import { imageRuntime } from '../../../bench/scale/operator.js';
import { parseScaleOptions } from '../../../bench/scale/options.js';
import { stageAt } from '../../../bench/scale/pipeline-stages.js';
import { range, slice } from '../../../bench/scale/slices.js';
import { splitVariant, variantsOf } from '../../../bench/scale/variants.js';

describe('scale bench options', () => {
  it('has the defaults npm run bench:scale runs with', () => {
    expect(parseScaleOptions([])).toMatchObject({
      slices: 1000,
      rssSlices: 10000,
      workers: 8,
      writeDocs: false,
      floor: false,
      telemetry: false,
      stepSeconds: 3600,
      telemetryMinutes: 10,
      profileSeconds: 30,
      diagnostics: [],
    });
    expect(parseScaleOptions(['--help'])).toBe('help');
  });

  it('passes the diagnostics flags on to the measured operator', () => {
    const o = parseScaleOptions(['--heap-snapshot', '/tmp/h', '--operator-cpu-prof', '/tmp/p']);
    expect(o !== 'help' && o.diagnostics).toEqual([
      '--heapsnapshot-signal=SIGUSR2',
      '--diagnostic-dir=/tmp/h',
      '--cpu-prof',
      '--cpu-prof-dir=/tmp/p',
    ]);
  });

  it('refuses unknown flags and numbers that are not', () => {
    expect(() => parseScaleOptions(['--slice', '5'])).toThrow(/Unknown option '--slice'/);
    expect(() => parseScaleOptions(['--slices', 'many'])).toThrow("--slices takes a whole number of at least 0, not 'many'");
    expect(() => parseScaleOptions(['--workers', '0'])).toThrow(/--workers/);
    expect(parseScaleOptions(['--telemetry-minutes', '0.5'])).toMatchObject({ telemetryMinutes: 0.5 });
  });
});

describe('scale bench metrics', () => {
  const m = parseMetrics(
    [
      '# HELP controller_runtime_reconcile_time_seconds x',
      'controller_runtime_reconcile_time_seconds_bucket{controller="slice",le="0.1"} 50',
      'controller_runtime_reconcile_time_seconds_bucket{controller="slice",le="0.2"} 90',
      'controller_runtime_reconcile_time_seconds_bucket{controller="slice",le="+Inf"} 100',
      'controller_runtime_reconcile_total{controller="slice",result="success"} 95',
      'controller_runtime_reconcile_total{controller="slice",result="error"} 5',
      'slice_operator_telemetry_cycles_total{result="success"} 3',
      '',
    ].join('\n'),
  );

  it('reads series by name and labels', () => {
    expect(sum(m, 'controller_runtime_reconcile_total{')).toBe(100);
    expect(reconcilesOf(m)).toBe(100);
    expect(telemetryCycles(m)).toEqual({ ok: 3, failed: 0 });
  });

  it('interpolates quantiles within a bucket, as histogram_quantile', () => {
    expect(histogramQuantile(m, 'controller_runtime_reconcile_time_seconds', 0.5)).toBeCloseTo(0.1);
    expect(histogramQuantile(m, 'controller_runtime_reconcile_time_seconds', 0.7)).toBeCloseTo(0.15);
    // In the +Inf bucket: the highest finite bound.
    expect(histogramQuantile(m, 'controller_runtime_reconcile_time_seconds', 0.99)).toBeCloseTo(0.2);
  });
});

describe('scale bench pieces', () => {
  it('spreads samples into min / median / max', () => {
    expect(spreadText(spread([5, 1, 3, 2, 4]))).toBe('1 / 3 / 5');
  });

  it('times pipeline stages from whole-second timestamps', () => {
    expect(stageAt([], 0, 0.5)).toBe('-');
    expect(stageAt([3000, 1000, 2000, 4000], 1000, 0.5)).toBe('1');
    expect(stageAt([3000, 1000, 2000, 4000], 1000, 1)).toBe('3');
  });

  it('gives every bench slice its own S-NSSAI', () => {
    const ids = new Set(range(0, 300).map((i) => JSON.stringify(slice('ns', i).spec.snssai)));
    expect(ids.size).toBe(300);
    expect(range(3, 6)).toEqual([3, 4, 5]);
    expect(range(6, 3)).toEqual([]);
  });

  it("reads the image's Node.js flags and runtime environment from a Dockerfile", () => {
    const dockerfile = [
      'FROM node AS build',
      'ENV BUILD_ONLY=1',
      'FROM node',
      'ENV NODE_ENV=production',
      'ENV MALLOC_ARENA_MAX=2',
      'ENTRYPOINT ["node", "--optimize-for-size", "dist/cmd/operator.js"]',
    ].join('\n');
    expect(imageRuntime(dockerfile)).toEqual({
      imageFlags: ['--optimize-for-size'],
      imageEnv: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' },
      imageTokens: ['--optimize-for-size', 'NODE_ENV=production', 'MALLOC_ARENA_MAX=2'],
    });
  });

  it('splits restart variants into Node.js flags and environment', () => {
    expect(splitVariant('--max-semi-space-size=1 MALLOC_ARENA_MAX=2')).toEqual({
      tokens: ['--max-semi-space-size=1', 'MALLOC_ARENA_MAX=2'],
      flags: ['--max-semi-space-size=1'],
      env: { MALLOC_ARENA_MAX: '2' },
    });
    expect(variantsOf(undefined, ['--a', 'B=1'])).toEqual(['--a B=1', '']);
    expect(variantsOf(undefined, [])).toEqual(['']);
    expect(variantsOf('--a;', [])).toEqual(['--a', '']);
  });
});
