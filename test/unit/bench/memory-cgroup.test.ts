import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { chartMemoryLimit, ownMemoryCgroupDir } from '../../../bench/memory-cgroup.js';
import { packageRoot } from '../../../src/index.js';

describe('benchmark memory cgroup', () => {
  it("reads the chart's memory limit from values.yaml", () => {
    expect(chartMemoryLimit(path.join(packageRoot(), 'charts', 'slice-operator', 'values.yaml'))).toBe(512 * 2 ** 20);
  });

  it("finds this process's memory cgroup in /proc/self/cgroup (v1 layout)", () => {
    const v1 = '9:name=systemd:/\n4:memory:/process_api/abc\n3:cpuset:/\n0::/\n';
    expect(ownMemoryCgroupDir(v1, '/sys/fs/cgroup')).toBe('/sys/fs/cgroup/memory/process_api/abc');
    expect(ownMemoryCgroupDir('3:cpu,cpuacct:/x\n')).toBeUndefined();
  });
});
