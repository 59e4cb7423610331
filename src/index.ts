/**
 * The library entry (`import { runLoadTest } from 'batch-load'`): the same engine, mock server,
 * reports and thresholds the CLI uses.
 *
 *   const mock = await startMockServer({ port: 0 });
 *   const config = await loadRunConfig({ host: mock.url, scenario: 'chat', users: 5, runTime: '30s' });
 *   const result = await runLoadTest(config);   // result.passed, result.metrics, result.thresholds
 *   await mock.close();
 */

// one run, start to verdict
export { runLoadTest, StartError, type ProgressInfo, type RunHooks, type RunResult } from './engine/runner.js';
export { ConfigError } from './config/errors.js';

// options (the CLI's flags, camelCased) → a validated RunConfig
export { loadRunConfig } from './config/load.js';
export { resolveRunConfig, type ResolveOptions } from './config/resolve.js';
export type { RawRunOptions } from './options/run-options.js';
export type { RunConfig, ScenarioName, ScenarioWeight } from './config/types.js';

// the built-in OpenAI-compatible mock server
export {
  startMockServer,
  loadMockConfigFile,
  MockConfigError,
  type MockServer,
  type MockServerOptions,
  type MockStats,
  type MockAuthOptions,
  type MockLatencyOptions,
  type MockBatchOptions,
  type MockFileOptions,
  type MockEmbeddingOptions,
  type MockFaultOptions,
  type FaultRates,
  type BatchFaultRates,
} from './mock/index.js';

// metrics and reports
export { MetricsRecorder, type RecorderOptions, type SnapshotOptions } from './metrics/recorder.js';
export type { Distribution, FailureRow, MetricsSnapshot, Recorder, RequestStats, TrendStats, TrendUnit } from './metrics/types.js';
export {
  buildJsonReport,
  mergeReports,
  parseJsonReport,
  readJsonReport,
  writeJsonReport,
  type JsonReport,
  type JsonReportInput,
  type MergeOptions,
} from './report/json.js';
export { failuresCsv, statsCsv, writeCsvReports } from './report/csv.js';
export { renderSummary, type SummaryInput } from './report/summary.js';

// thresholds
export { evaluateThresholds, defaultThresholds, type DerivedMetrics, type RequestKinds } from './thresholds/evaluate.js';
export { parseThreshold, parseThresholds, ThresholdSyntaxError } from './thresholds/parse.js';
export type { ThresholdOp, ThresholdResult, ThresholdSpec } from './thresholds/types.js';
