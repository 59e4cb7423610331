/**
 * Raw options → a validated RunConfig. Precedence for every field: explicit flag (or its
 * BATCH_LOAD_* env var) > env var with its own name > preset > default. Every problem is a
 * ConfigError with one line naming the option, raised before any request is sent.
 */
import { randomUUID } from 'node:crypto';
import { parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import { DEFAULTS, NAMED_ENV, type RawRunOptions } from './options.js';
import { PRESET_NAMES, PRESETS } from './presets.js';
import { normaliseBasePath, parseHost } from './target.js';
import type { PresetName, RunConfig, ScenarioName, ScenarioWeight, VerifyMode } from './types.js';
import { parseScenarioMix } from './scenario-mix.js';
import { parseThresholdList } from './thresholds.js';

type Env = Record<string, string | undefined>;

const SCENARIO_HOST_KEYS = new Set<keyof RawRunOptions>(['chatHost', 'responsesHost', 'embeddingsHost']);

/** Fills fields from env vars that have names of their own, where no flag set them. */
export function applyNamedEnv(raw: RawRunOptions, env: Env): RawRunOptions {
  const out: Record<string, unknown> = { ...raw };
  for (const [key, names] of NAMED_ENV) {
    if (out[key] !== undefined && out[key] !== '') continue;
    // the orchestrator's precedence: a global host (flag or LOCUST_HOST) beats LOCUST_<TEST>_HOST
    if (SCENARIO_HOST_KEYS.has(key) && out.host) continue;
    const name = names.find((n) => env[n] !== undefined && env[n] !== '');
    if (name) out[key] = env[name];
  }
  return out as RawRunOptions;
}

function num(value: unknown, flag: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  const what = opts.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) throw new ConfigError(`${flag}: expected ${what}, got '${String(value)}'`);
  if (opts.min !== undefined && n < opts.min) throw new ConfigError(`${flag}: must be ≥ ${opts.min}, got ${n}`);
  if (opts.max !== undefined && n > opts.max) throw new ConfigError(`${flag}: must be ≤ ${opts.max}, got ${n}`);
  return n;
}

function optionalHost(value: string | undefined, flag: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const { origin, path } = parseHost(value, flag);
  return origin + path;
}

function atLeast(ms: number, min: number, flag: string): number {
  if (ms < min) throw new ConfigError(`${flag}: must be at least ${min}ms`);
  return ms;
}

export interface ResolveOptions {
  env?: Env;
  /** a synchronous check is enough: the data file is loaded by loadRunConfig */
  cwd?: string;
}

/** Everything but the data file (which needs I/O): see config/load.ts. */
export function resolveRunConfig(input: RawRunOptions, options: ResolveOptions = {}): RunConfig & { dataPath?: string } {
  const raw = applyNamedEnv(input, options.env ?? {});

  let preset: PresetName | undefined;
  if (raw.preset !== undefined && raw.preset !== '') {
    if (!PRESET_NAMES.includes(raw.preset as PresetName)) {
      throw new ConfigError(`--preset: unknown preset '${raw.preset}' (expected one of ${PRESET_NAMES.join(', ')})`);
    }
    preset = raw.preset as PresetName;
  }
  const p = preset ? PRESETS[preset] : undefined;

  const host = optionalHost(raw.host, '--host');
  const basePathExplicit = raw.basePath !== undefined;
  const basePath = normaliseBasePath(raw.basePath ?? DEFAULTS.basePath);

  const users = num(raw.users ?? p?.users ?? DEFAULTS.users, '--users', { min: 1, integer: true });
  const spawnRate = num(raw.spawnRate ?? p?.spawnRate ?? DEFAULTS.spawnRate, '--spawn-rate', { min: 0.001 });
  const runTimeMs = parseDuration(raw.runTime ?? p?.runTime ?? DEFAULTS.runTime, '--run-time');
  if (runTimeMs <= 0) throw new ConfigError(`--run-time: must be longer than 0`);
  const waitMinMs = parseDuration(raw.waitMin ?? DEFAULTS.waitMin, '--wait-min');
  const waitMaxMs = parseDuration(raw.waitMax ?? (raw.waitMin !== undefined ? raw.waitMin : DEFAULTS.waitMax), '--wait-max');
  if (waitMaxMs < waitMinMs) throw new ConfigError(`--wait-max: must be ≥ --wait-min`);

  const scenarios: ScenarioWeight[] = parseScenarioMix(raw.scenario ?? 'batch');
  const needsBatch = scenarios.some((s) => s.name === 'batch');

  const verify = (raw.verify ?? DEFAULTS.verify) as VerifyMode;
  if (!['random', 'metadata', 'content'].includes(verify)) {
    throw new ConfigError(`--verify: expected random, metadata or content, got '${raw.verify}'`);
  }

  const p95ThresholdMs = num(raw.p95ThresholdMs ?? DEFAULTS.p95ThresholdMs, 'P95_THRESHOLD_MS / --p95-threshold-ms', { min: 0 });
  const errorRateThreshold = num(raw.errorRateThreshold ?? DEFAULTS.errorRateThreshold, 'ERROR_RATE_THRESHOLD / --error-rate-threshold', { min: 0, max: 1 });
  const thresholds = parseThresholdList(raw.threshold, raw.defaultThresholds !== false, p95ThresholdMs, errorRateThreshold, needsBatch);

  const streamRatio = raw.streamRatio !== undefined ? num(raw.streamRatio, '--stream-ratio', { min: 0, max: 1 }) : raw.stream ? 1 : 0;
  const encodingFormat = raw.encodingFormat;
  if (encodingFormat !== undefined && encodingFormat !== 'float' && encodingFormat !== 'base64') {
    throw new ConfigError(`--encoding-format: expected float or base64, got '${encodingFormat}'`);
  }
  const models: Partial<Record<ScenarioName, string>> = {};
  if (raw.chatModel) models.chat = raw.chatModel;
  if (raw.responsesModel) models.responses = raw.responsesModel;
  models.embeddings = raw.embeddingsModel ?? (raw.model ? undefined : DEFAULTS.embeddingsModel);
  if (!models.embeddings) delete models.embeddings;

  const scenarioHosts: Partial<Record<ScenarioName, string>> = {};
  const chatHost = optionalHost(raw.chatHost, '--chat-host');
  const responsesHost = optionalHost(raw.responsesHost, '--responses-host');
  const embeddingsHost = optionalHost(raw.embeddingsHost, '--embeddings-host');
  if (chatHost) scenarioHosts.chat = chatHost;
  if (responsesHost) scenarioHosts.responses = responsesHost;
  if (embeddingsHost) scenarioHosts.embeddings = embeddingsHost;

  const poll = {
    initialMs: parseDuration(raw.pollInterval ?? DEFAULTS.pollInterval, '--poll-interval'),
    factor: num(raw.pollFactor ?? DEFAULTS.pollFactor, '--poll-factor', { min: 1 }),
    maxIntervalMs: parseDuration(raw.pollMaxInterval ?? DEFAULTS.pollMaxInterval, '--poll-max-interval'),
    maxPolls: num(raw.maxPolls ?? DEFAULTS.maxPolls, '--max-polls', { min: 1, integer: true }),
    maxWaitMs: parseDuration(raw.maxWait ?? DEFAULTS.maxWait, '--max-wait'),
    jitter: raw.pollJitter !== false,
  };

  const config: RunConfig & { dataPath?: string } = {
    runId: raw.runId ?? randomUUID(),
    preset,
    target: {
      host: host ?? '',
      basePath,
      basePathExplicit,
      embedded: !host,
      scenarioHosts,
      baselineHost: optionalHost(raw.baselineHost, '--baseline-host'),
      baselineRatio: num(raw.baselineRatio ?? DEFAULTS.baselineRatio, '--baseline-ratio', { min: 0, max: 1 }),
      overheadHeader: (raw.overheadHeader ?? DEFAULTS.overheadHeader).toLowerCase(),
    },
    auth: {
      apiKey: raw.apiKey || undefined,
      apiKeyEndpoint: raw.apiKeyEndpoint ?? DEFAULTS.apiKeyEndpoint,
      basicAuthUsername: raw.basicAuthUsername ?? DEFAULTS.basicAuthUsername,
      basicAuthPassword: raw.basicAuthPassword ?? DEFAULTS.basicAuthPassword,
    },
    users,
    spawnRate,
    runTimeMs,
    stopTimeoutMs: parseDuration(raw.stopTimeout ?? DEFAULTS.stopTimeout, '--stop-timeout'),
    waitMinMs,
    waitMaxMs,
    arrivalRate: raw.rate !== undefined ? num(raw.rate, '--rate', { min: 0 }) : 0,
    iterations: raw.iterations !== undefined ? num(raw.iterations, '--iterations', { min: 0, integer: true }) : 0,
    scenarios,
    verify,
    poll,
    payload: {
      model: raw.model ?? DEFAULTS.model,
      models,
      prompt: raw.prompt ?? DEFAULTS.prompt,
      promptRepeat: num(raw.promptRepeat ?? DEFAULTS.promptRepeat, '--prompt-repeat', { min: 1, max: 100_000, integer: true }),
      maxTokens: raw.maxTokens !== undefined ? num(raw.maxTokens, '--max-tokens', { min: 1, integer: true }) : undefined,
      streamRatio,
      user: raw.user,
      embeddingInputs: num(raw.embeddingInputs ?? 1, '--embedding-inputs', { min: 1, max: 2048, integer: true }),
      encodingFormat,
      dimensions: raw.dimensions !== undefined ? num(raw.dimensions, '--dimensions', { min: 1, integer: true }) : undefined,
    },
    requestTimeoutMs: parseDuration(raw.requestTimeout ?? DEFAULTS.requestTimeout, '--request-timeout'),
    connections: raw.connections !== undefined ? num(raw.connections, '--connections', { min: 1, integer: true }) : Math.max(users, 1),
    p95ThresholdMs,
    errorRateThreshold,
    thresholds,
    output: {
      jsonFile: raw.json || undefined,
      csvPrefix: raw.csv || undefined,
      progressIntervalMs: atLeast(parseDuration(raw.progressInterval ?? DEFAULTS.progressInterval, '--progress-interval'), 100, '--progress-interval'),
      onlySummary: raw.onlySummary === true,
    },
    seed: raw.seed !== undefined ? num(raw.seed, '--seed', { integer: true }) : undefined,
    dataPath: needsBatch ? (raw.data ?? p?.data ?? DEFAULTS.data) : undefined,
  };
  return config;
}
