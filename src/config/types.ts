/**
 * The resolved run configuration: everything the engine needs, validated, with defaults and
 * presets applied. Built from CLI flags / env vars by config/resolve.ts and from request bodies
 * by serve/. Nothing downstream reads process.env or argv.
 */
import type { ThresholdSpec } from '../thresholds/types.js';

/** Scenarios that drive the Batch API (upload, create, poll, download, integrity). */
export type BatchScenarioName = 'batch' | 'batch-cancel' | 'batch-expire';
/** Scenarios that read the batch input file (--data). */
export type DataScenarioName = BatchScenarioName | 'online-lines';
export type ScenarioName = DataScenarioName | 'chat' | 'responses' | 'embeddings' | 'health';
export type PresetName = 'smoke' | 'medium' | 'stress' | 'soak';
export type VerifyMode = 'random' | 'metadata' | 'content';

export interface ScenarioWeight {
  name: ScenarioName;
  weight: number;
}

/** A validated batch input file (JSONL), loaded once at start-up. */
export interface BatchInput {
  path: string;
  /** file name sent in the multipart upload */
  filename: string;
  bytes: number;
  lines: number;
  /** every custom_id of the file, in file order */
  customIds: string[];
  /** the url shared by every line, e.g. /v1/chat/completions: the batch endpoint */
  endpoint: string;
}

export interface PollConfig {
  initialMs: number;
  factor: number;
  maxIntervalMs: number;
  maxPolls: number;
  maxWaitMs: number;
  /** random jitter applied to each delay ('full' like exponential-backoff) */
  jitter: boolean;
}

/** The batch scenarios' own settings. */
export interface BatchRunConfig {
  /** batch-cancel: cancel after a random part of this (0: once the batch is in_progress) */
  cancelAfterMs: number;
  /** batch-expire: the completion window its creates ask for */
  expireWindow: string;
  /** send the input's lines once as a batch and once online, side by side (--compare-online) */
  compareOnline: boolean;
}

export interface AuthConfig {
  /** use this key and skip the bootstrap */
  apiKey?: string;
  /** path (or absolute URL) of the admin key-creation endpoint */
  apiKeyEndpoint: string;
  basicAuthUsername: string;
  basicAuthPassword: string;
}

export interface PayloadConfig {
  /** default model for every scenario */
  model: string;
  /** per-scenario model override */
  models: Partial<Record<ScenarioName, string>>;
  /** prompt text; every request prefixes a fresh UUID */
  prompt: string;
  promptRepeat: number;
  maxTokens?: number;
  /** probability a chat/responses request streams (0 = never, 1 = always) */
  streamRatio: number;
  /** the `user` field sent with online requests */
  user?: string;
  /** embeddings input as one string or as a list of this many strings */
  embeddingInputs: number;
  encodingFormat?: 'float' | 'base64';
  dimensions?: number;
}

export interface TargetConfig {
  /** origin + optional path prefix, no trailing slash, e.g. http://127.0.0.1:8080 */
  host: string;
  /** API base path as configured, e.g. /v1 or /ai/v1 (see config/target.ts apiBaseFor) */
  basePath: string;
  /** true when --base-path was given: appended even to a host that carries a path */
  basePathExplicit: boolean;
  /** true when no --host was given and the embedded mock serves the run */
  embedded: boolean;
  /** per-scenario host overrides (chat/responses/embeddings) */
  scenarioHosts: Partial<Record<ScenarioName, string>>;
  /** direct upstream for proxy-overhead measurement */
  baselineHost?: string;
  /** share of requests sent to the baseline host (0..1) */
  baselineRatio: number;
  /** response header carrying the proxy's own overhead in ms */
  overheadHeader: string;
}

/** How the open model spaces its starts (`--arrival`, `--burstiness`). */
export interface ArrivalConfig {
  /** constant: evenly spaced; poisson: exponential gaps; gamma: gamma gaps of shape `burstiness` */
  process: 'constant' | 'poisson' | 'gamma';
  /** gamma shape K: 1 = Poisson, below 1 burstier (coefficient of variation 1/√K) */
  burstiness: number;
}

/** One `--stages` entry: ramp linearly to `target` over `durationMs`. */
export interface Stage {
  durationMs: number;
  /** users (closed model) or iterations started per second (open model) */
  target: number;
}

/** `--stages`: what the targets are, and the stages in order. */
export interface StagesConfig {
  /** users: closed model (ramping-users); rate: open model (ramping-arrival-rate) */
  of: 'users' | 'rate';
  stages: Stage[];
}

/** `--sweep`: a capacity search (engine/sweep.ts). */
export interface SweepConfig {
  /** steps in all: baseline + probe + steps − 2 rates (batch: the most in-flight levels) */
  steps: number;
  stepTimeMs: number;
  /** excluded from each step's stats */
  warmupMs: number;
  /** bisect between the last passing and the first failing rate */
  refine: boolean;
}

/** One `--slo` bound, judged per request (goodput). */
export interface SloSpec {
  metric: 'ttft' | 'tpot' | 'e2e';
  op: '<' | '<=';
  /** ms */
  valueMs: number;
  /** as written, e.g. `ttft<=500ms` */
  source: string;
}

export interface OutputConfig {
  jsonFile?: string;
  csvPrefix?: string;
  htmlFile?: string;
  junitFile?: string;
  progressIntervalMs: number;
  /** only the end summary, no live progress (Locust --only-summary) */
  onlySummary: boolean;
}

export interface RunConfig {
  runId: string;
  preset?: PresetName;
  target: TargetConfig;
  auth: AuthConfig;
  /** closed model: virtual users */
  users: number;
  spawnRate: number;
  runTimeMs: number;
  /** grace period for in-flight iterations after run time ends */
  stopTimeoutMs: number;
  waitMinMs: number;
  waitMaxMs: number;
  /** open model: iterations started per second (0 = closed model only) */
  arrivalRate: number;
  /** stop after this many iterations in total (0 = unbounded, run time decides) */
  iterations: number;
  /** open model arrival process (default constant) */
  arrival?: ArrivalConfig;
  /** ramping stages; the run time is their sum */
  stages?: StagesConfig;
  /** capacity search instead of one load shape */
  sweep?: SweepConfig;
  /** per-request SLOs goodput counts against */
  slo?: SloSpec[];
  scenarios: ScenarioWeight[];
  batch?: BatchInput;
  verify: VerifyMode;
  poll: PollConfig;
  batchRun: BatchRunConfig;
  /** retries per request after a 429 (--retry-429; 0 = none, a 429 is a failure) */
  retry429: number;
  payload: PayloadConfig;
  requestTimeoutMs: number;
  /** max sockets per origin */
  connections: number;
  p95ThresholdMs: number;
  errorRateThreshold: number;
  thresholds: ThresholdSpec[];
  output: OutputConfig;
  seed?: number;
}
