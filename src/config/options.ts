/**
 * Raw run options as they come from the CLI (flags and BATCH_LOAD_* env vars, via yargs) or
 * from a `serve` request body. Everything optional; config/resolve.ts applies env vars with
 * their own names, presets and defaults, then validates.
 */
export interface RawRunOptions {
  host?: string;
  basePath?: string;
  preset?: string;
  users?: number | string;
  spawnRate?: number | string;
  runTime?: string | number;
  stopTimeout?: string | number;
  waitMin?: string | number;
  waitMax?: string | number;
  iterations?: number | string;
  rate?: number | string;
  scenario?: string;
  data?: string;
  verify?: string;
  pollInterval?: string | number;
  pollFactor?: number | string;
  pollMaxInterval?: string | number;
  maxPolls?: number | string;
  maxWait?: string | number;
  pollJitter?: boolean;
  apiKey?: string;
  apiKeyEndpoint?: string;
  basicAuthUsername?: string;
  basicAuthPassword?: string;
  p95ThresholdMs?: number | string;
  errorRateThreshold?: number | string;
  threshold?: string[] | string;
  defaultThresholds?: boolean;
  json?: string;
  csv?: string;
  progressInterval?: string | number;
  onlySummary?: boolean;
  requestTimeout?: string | number;
  connections?: number | string;
  seed?: number | string;
  runId?: string;
  // online scenarios
  model?: string;
  chatModel?: string;
  responsesModel?: string;
  embeddingsModel?: string;
  prompt?: string;
  promptRepeat?: number | string;
  maxTokens?: number | string;
  stream?: boolean;
  streamRatio?: number | string;
  user?: string;
  embeddingInputs?: number | string;
  encodingFormat?: string;
  dimensions?: number | string;
  chatHost?: string;
  responsesHost?: string;
  embeddingsHost?: string;
  baselineHost?: string;
  baselineRatio?: number | string;
  overheadHeader?: string;
}

/** Env vars with names of their own (the Locust suites' names); BATCH_LOAD_<FLAG> is handled by yargs. */
export const NAMED_ENV: ReadonlyArray<[keyof RawRunOptions, string[]]> = [
  ['host', ['LOCUST_HOST']],
  ['data', ['TEST_DATA_FILE']],
  ['apiKeyEndpoint', ['API_KEY_ENDPOINT']],
  ['basicAuthUsername', ['BASIC_AUTH_USERNAME']],
  ['basicAuthPassword', ['BASIC_AUTH_PASSWORD']],
  ['p95ThresholdMs', ['P95_THRESHOLD_MS']],
  ['errorRateThreshold', ['ERROR_RATE_THRESHOLD']],
  ['apiKey', ['API_KEY', 'LOCUST_API_KEY']],
  ['chatHost', ['LOCUST_CHAT_HOST']],
  ['responsesHost', ['LOCUST_RESPONSES_HOST']],
  ['embeddingsHost', ['LOCUST_EMBEDDINGS_HOST']],
];

export const DEFAULTS = {
  users: 1,
  spawnRate: 1,
  runTime: '1m',
  stopTimeout: '30s',
  waitMin: '1s',
  waitMax: '3s',
  basePath: '/v1',
  data: 'small',
  verify: 'random',
  pollInterval: '2s',
  pollFactor: 1.5,
  pollMaxInterval: '30s',
  maxPolls: 60,
  maxWait: '30m',
  apiKeyEndpoint: '/admin/api/v1/users/current/api-keys',
  basicAuthUsername: 'admin',
  basicAuthPassword: 'password',
  p95ThresholdMs: 1000,
  errorRateThreshold: 0.01,
  progressInterval: '5s',
  requestTimeout: '60s',
  model: 'gpt-4o-mini',
  embeddingsModel: 'text-embedding-3-small',
  prompt: "This is a test there will be no cache hits and we'll fill up the context",
  promptRepeat: 1,
  overheadHeader: 'x-litellm-overhead-duration-ms',
  baselineRatio: 0.25,
} as const;
