// ESM mode: @kubernetes/client-node 1.x is ESM-only, so jest runs with --experimental-vm-modules
// (see package.json scripts) and ts-jest emits ESM. Type checking is done once by `tsc --noEmit`
// in `npm test`, so ts-jest only transpiles (isolatedModules) to keep the suite fast on 2 cores.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  testEnvironment: 'node',
};

export default {
  // Global option (ignored inside projects): e2e tests wait on a real cluster.
  testTimeout: 180_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.mjs',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.mjs',
    },
  ],
};
