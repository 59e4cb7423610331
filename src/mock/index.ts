/**
 * The built-in OpenAI-compatible mock server (`batch-load mock`, and the tester's default target).
 * See README.md, "The mock server", for routes, options and faults.
 */
export { startMockServer, type MockServer } from './server.js';
export type {
  MockServerOptions,
  MockAuthOptions,
  MockLatencyOptions,
  MockBatchOptions,
  MockFileOptions,
  MockEmbeddingOptions,
  MockFaultOptions,
  MockRetentionOptions,
  MockCapacityOptions,
  FaultRates,
  BatchFaultRates,
} from './config/options.js';
export type { MockStats } from './stats.js';
export type { CapacityStats } from './capacity.js';
export { loadMockConfigFile } from './config/file.js';
export { MockConfigError, resolveOptions } from './config/resolve.js';
