/** Runs of the engine against a fresh in-process mock per test, closed after each test. */
import { afterEach } from 'vitest';
import { loadRunConfig } from '../../src/config/load.js';
import { runLoadTest } from '../../src/engine/runner.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/index.js';
import type { RawRunOptions } from '../../src/options/run-options.js';

export function useMockRuns(defaults: RawRunOptions) {
  let mock: MockServer | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });
  return {
    /** the mock of the current test */
    get mock(): MockServer {
      return mock!;
    },
    async run(options: MockServerOptions, raw: RawRunOptions) {
      mock = await startMockServer({ port: 0, host: '127.0.0.1', ...options });
      return runLoadTest(await loadRunConfig({ ...defaults, host: mock.url, ...raw }));
    },
  };
}
