import type { BatchFaultRates, FaultRates } from './options.js';

/** Options after defaults are applied: everything present, nothing optional. */
export interface ResolvedMockOptions {
  port: number;
  host: string;
  basePaths: string[];
  models: string[];
  auth: {
    noAuth: boolean;
    adminUser: string;
    adminPassword: string;
    apiKeyPaths: string[];
    staticKeys: string[];
  };
  latency: {
    ttftMs: number;
    perTokenMs: number;
    jitterMs: number;
    jitterRatio: number;
    defaultMaxTokens: number;
    maxTokensCap: number;
  };
  batch: {
    validatingMs: number;
    finalizingMs: number;
    cancellingMs: number;
    lineConcurrency: number;
    expiryMs: number;
    anyCompletionWindow: boolean;
    msTimestamps: boolean;
    maxLines: number;
    maxErrors: number;
    maxEnqueuedTokens: number;
  };
  files: { maxFileBytes: number; maxBatchFileBytes: number; maxJsonBodyBytes: number };
  embeddings: { defaultDimensions: number; maxDimensions: number };
  retention: { count: number; ageMs: number };
  /** maxQueue: Infinity when unbounded. */
  capacity: { maxConcurrency: number; maxQueue: number };
  faults: {
    global: Required<FaultRates>;
    routes: Record<string, FaultRates>;
    batch: Required<BatchFaultRates>;
    retryAfterSeconds: number;
  };
  seed: number | undefined;
}

export const NO_FAULTS: Required<FaultRates> = Object.freeze({
  error500: 0,
  error429: 0,
  reset: 0,
  hang: 0,
  truncated: 0,
  malformed: 0,
});

export const DEFAULT_ADMIN_KEY_PATHS = ['/admin/api/v1/users/current/api-keys', '/ai/admin/api-keys'];

/** Fast enough that a 3–50 line batch completes well under 2 s in-process. */
export function defaultOptions(): ResolvedMockOptions {
  return {
    port: 0,
    host: '127.0.0.1',
    basePaths: ['/v1', '/ai/v1'],
    models: ['mock-gpt-4o-mini', 'gpt-4o-mini', 'mock-text-embedding-3-small', 'text-embedding-3-small'],
    auth: {
      noAuth: false,
      adminUser: 'admin',
      adminPassword: 'password',
      apiKeyPaths: [...DEFAULT_ADMIN_KEY_PATHS],
      staticKeys: [],
    },
    latency: { ttftMs: 5, perTokenMs: 1, jitterMs: 10, jitterRatio: 0, defaultMaxTokens: 16, maxTokensCap: 4096 },
    batch: {
      validatingMs: 150,
      finalizingMs: 100,
      cancellingMs: 100,
      lineConcurrency: 16,
      expiryMs: 24 * 3_600_000,
      anyCompletionWindow: false,
      msTimestamps: false,
      maxLines: 50_000,
      maxErrors: 100,
      maxEnqueuedTokens: 0,
    },
    files: { maxFileBytes: 512 * 1024 * 1024, maxBatchFileBytes: 200 * 1024 * 1024, maxJsonBodyBytes: 32 * 1024 * 1024 },
    embeddings: { defaultDimensions: 1536, maxDimensions: 3072 },
    retention: { count: 10_000, ageMs: 0 },
    capacity: { maxConcurrency: 0, maxQueue: Number.POSITIVE_INFINITY },
    faults: {
      global: { ...NO_FAULTS },
      routes: {},
      batch: { dropOutputLine: 0, duplicateOutputLine: 0, stuckInProgress: 0 },
      retryAfterSeconds: 1,
    },
    seed: undefined,
  };
}
