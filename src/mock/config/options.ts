/**
 * Options of the built-in mock server. The same nested, JSON-able shape is read from a
 * JSON or YAML config file (`batch-load mock --config FILE`); every key is optional.
 *
 * ```jsonc
 * {
 *   "port": 0,                      // 0 = pick a free port (in-process default); the CLI defaults to 8080
 *   "host": "127.0.0.1",
 *   "basePaths": ["/v1", "/ai/v1"], // every API route is served under each base path
 *   "models": ["mock-gpt-4o-mini", "mock-text-embedding-3-small"], // GET /v1/models; any model is accepted
 *   "auth": {
 *     "noAuth": false,              // true: accept any caller on every route (also /__stats)
 *     "adminUser": "admin", "adminPassword": "password", // HTTP Basic for key creation and /__stats
 *     "apiKeyPaths": ["/admin/api/v1/users/current/api-keys", "/ai/admin/api-keys"],
 *     "staticKeys": []              // Bearer keys accepted in addition to issued ones
 *   },
 *   "latency": {
 *     "ttftMs": 5,                  // time to first token
 *     "perTokenMs": 1,              // delay per output token after the first
 *     "jitterMs": 10,               // uniform [0, jitterMs] added to the time to first token
 *     "jitterRatio": 0,             // each delay scaled by uniform [1-r, 1+r] (0 <= r <= 1)
 *     "defaultMaxTokens": 16,       // output tokens when the request sets no max_tokens
 *     "maxTokensCap": 4096          // requested max_tokens is clamped to this
 *   },
 *   "batch": {
 *     "validatingMs": 150, "finalizingMs": 100, "cancellingMs": 100,
 *     "lineConcurrency": 16,        // lines of one batch in flight at once
 *     "expiryMs": 86400000,         // what a "24h" completion window lasts; then `expired`
 *     "anyCompletionWindow": false, // true: also accept windows like "10m" or "30s" in the create body
 *     "msTimestamps": false,        // true: Batch *_at timestamps carry milliseconds (1732912345.123)
 *     "maxLines": 50000, "maxErrors": 100, // validation errors reported per failed batch
 *     "maxEnqueuedTokens": 0        // per model, prompt tokens of unfinished batches; past it → failed, token_limit_exceeded (0 = no limit)
 *   },
 *   "retention": { "count": 10000, "ageMs": 0 }, // terminal batches (and unbatched uploads) kept; 0 = no limit
 *   "capacity": { "maxConcurrency": 0, "maxQueue": 100 }, // generations at once (0 = unlimited); waiting beyond → 429
 *   "files": { "maxFileBytes": 536870912, "maxBatchFileBytes": 209715200, "maxJsonBodyBytes": 33554432 },
 *   "embeddings": { "defaultDimensions": 1536, "maxDimensions": 3072 },
 *   "faults": {
 *     "global": { "error500": 0, "error429": 0, "reset": 0, "hang": 0, "truncated": 0, "malformed": 0 },
 *     "routes": { "POST /v1/chat/completions": { "error500": 0.1 } },
 *     "batch": { "dropOutputLine": 0, "duplicateOutputLine": 0, "stuckInProgress": 0 },
 *     "retryAfterSeconds": 1
 *   },
 *   "seed": 42                      // makes fault draws, jitter and batch faults reproducible
 * }
 * ```
 *
 * Fault rates are probabilities in [0, 1], drawn once per request in the order requests arrive.
 * `faults.global` applies to every route under a base path (not /health, /__stats or key creation);
 * a `faults.routes` entry overrides it key by key for one route. Route keys are
 * `METHOD /base/pattern`, e.g. `POST /ai/v1/files`; a key written with `/v1` also applies to the
 * same route under every other base path unless that path has its own entry.
 * Batch lines draw the faults of their endpoint's route, so a 500 fault on chat completions
 * becomes an error-file line with `status_code: 500`.
 */
export interface MockServerOptions {
  port?: number;
  host?: string;
  basePaths?: string[];
  models?: string[];
  auth?: MockAuthOptions;
  latency?: MockLatencyOptions;
  batch?: MockBatchOptions;
  files?: MockFileOptions;
  embeddings?: MockEmbeddingOptions;
  faults?: MockFaultOptions;
  retention?: MockRetentionOptions;
  capacity?: MockCapacityOptions;
  seed?: number;
}

/**
 * The capacity model. At most `maxConcurrency` generations (chat, responses, completions,
 * embeddings and batch lines alike) run at once; the others wait in one FIFO queue, the wait
 * adding to their time to first token. An online request finding `maxQueue` already waiting is
 * refused with 429 `rate_limit_exceeded` (batch lines always wait). `maxConcurrency` 0 (the
 * default) turns the model off; `maxQueue` unset = an unbounded queue.
 */
export interface MockCapacityOptions {
  maxConcurrency?: number;
  maxQueue?: number;
}

/**
 * What the store keeps. A batch is eligible for eviction once terminal; it goes, with its input,
 * output and error files, when more than `count` newer batches are terminal, or `ageMs` after it
 * became terminal. An uploaded file no batch uses goes the same way (count and age counted among
 * such files, from its upload). 0 = no limit. Evicted ids answer 404 like unknown ones.
 */
export interface MockRetentionOptions {
  count?: number;
  ageMs?: number;
}

export interface MockAuthOptions {
  noAuth?: boolean;
  adminUser?: string;
  adminPassword?: string;
  apiKeyPaths?: string[];
  staticKeys?: string[];
}

export interface MockLatencyOptions {
  ttftMs?: number;
  perTokenMs?: number;
  jitterMs?: number;
  jitterRatio?: number;
  defaultMaxTokens?: number;
  maxTokensCap?: number;
}

export interface MockBatchOptions {
  validatingMs?: number;
  finalizingMs?: number;
  cancellingMs?: number;
  lineConcurrency?: number;
  expiryMs?: number;
  /** Accept any completion_window that is a duration ("10m", "30s", "2h"); that batch's window is it. */
  anyCompletionWindow?: boolean;
  /** Batch object timestamps with millisecond fractions instead of whole seconds. */
  msTimestamps?: boolean;
  maxLines?: number;
  maxErrors?: number;
  /**
   * The enqueued-token limit: per model, the prompt tokens of batches not yet terminal. A batch that
   * would pass it ends `failed` after validating with `token_limit_exceeded`, as on OpenAI. 0 = none.
   */
  maxEnqueuedTokens?: number;
}

export interface MockFileOptions {
  maxFileBytes?: number;
  maxBatchFileBytes?: number;
  maxJsonBodyBytes?: number;
}

export interface MockEmbeddingOptions {
  defaultDimensions?: number;
  maxDimensions?: number;
}

/** Probabilities in [0, 1] of each per-request fault. */
export interface FaultRates {
  /** 500 with an OpenAI `server_error` body. */
  error500?: number;
  /** 429 `rate_limit_exceeded` with `retry-after` / `retry-after-ms`. */
  error429?: number;
  /** The socket is destroyed without a response. */
  reset?: number;
  /** No response at all until the client gives up (or the server closes). */
  hang?: number;
  /** Headers promise the full body; half of it is sent, then the socket is closed. */
  truncated?: number;
  /** A 200 whose body is not valid JSON (or a broken SSE event). */
  malformed?: number;
}

/** Probabilities in [0, 1], drawn once per batch. */
export interface BatchFaultRates {
  /** The output file misses one successful line (request_counts still count it). */
  dropOutputLine?: number;
  /** The output file holds one successful line twice. */
  duplicateOutputLine?: number;
  /** The batch never leaves `in_progress` (until cancelled or expired). */
  stuckInProgress?: number;
}

export interface MockFaultOptions {
  global?: FaultRates;
  routes?: Record<string, FaultRates>;
  batch?: BatchFaultRates;
  retryAfterSeconds?: number;
}
