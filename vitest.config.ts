import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests start real servers on loopback; two workers match these 2-core machines.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // the JSON report lets .ci/run print its `N passed, N failed` line from the same `npm test`
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/vitest-report.json' },
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ['test/**/*.timing.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        // Files that check latencies against the mock's clock (TTFT, inter-token latency, proxy
        // overhead) run alone, after everything else, so no other test competes for the cores.
        extends: true,
        test: { name: 'timing', include: ['test/**/*.timing.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
