/**
 * Raw options → a validated RunConfig. Each value is parsed once by the option registry
 * (src/options), then: explicit flag (or its BATCH_LOAD_* env var) > env var with its own name >
 * preset > the registry's default. Cross-option rules follow. Every problem is a ConfigError
 * with one line naming the option, raised before any request is sent.
 */
import { randomUUID } from 'node:crypto';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { ConfigError } from './errors.js';
import { PRESETS } from './presets.js';
import { normaliseBasePath, parseHost } from './target.js';
import type { ArrivalConfig, PresetName, RunConfig, ScenarioName, StagesConfig, SweepConfig, VerifyMode } from './types.js';
import { parseSlo } from './slo.js';
import { parseStages, stagesDurationMs } from './stages.js';
import { isBatchScenario, needsDataFile, parseScenarioMix } from './scenario-mix.js';
import { parseThresholdList, requestKinds } from './thresholds.js';
import { defaultOf, readValues } from '../options/read.js';
import { RUN_OPTIONS, type RawRunOptions, type RunOptionKey, type RunOptionValues } from '../options/run-options.js';
import { indexTable, labelOf } from '../options/spec.js';

export type { RawRunOptions } from '../options/run-options.js';

type Env = Record<string, string | undefined>;

const SPECS = indexTable(RUN_OPTIONS);
const SCENARIO_HOSTS = new Set<string>(['chatHost', 'responsesHost', 'embeddingsHost']);

export interface ResolveOptions {
  env?: Env;
  /** a synchronous check is enough: the data file is loaded by loadRunConfig */
  cwd?: string;
  /** where raw values came from, for messages (`BATCH_LOAD_USERS`); default the flag */
  labels?: Record<string, string>;
}

/** Typed values with env vars applied (no preset, no defaults). */
export function readRunValues(input: RawRunOptions, options: ResolveOptions = {}): RunOptionValues {
  return readValues(RUN_OPTIONS, input as Record<string, unknown>, {
    env: options.env,
    labels: options.labels,
    // the orchestrator's precedence: a global host (flag or LOCUST_HOST) beats LOCUST_<TEST>_HOST
    skipNamedEnv: (spec, values) => SCENARIO_HOSTS.has(spec.key) && values.host !== undefined,
  }) as RunOptionValues;
}

function optionalHost(value: string | undefined, key: RunOptionKey): string | undefined {
  if (value === undefined || value === '') return undefined;
  const { origin, path } = parseHost(value, labelOf(SPECS.get(key)!));
  return origin + path;
}

/** A value that goes into an HTTP header: checked now, so it is exit 2 and not a failed run. */
function headerSafe(value: string | undefined, key: RunOptionKey, what: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    validateHeaderValue('x', value);
  } catch {
    throw new ConfigError(`${labelOf(SPECS.get(key)!)}: ${what} contains a character not allowed in an HTTP header (a newline, a control character or a character beyond Latin-1)`);
  }
  return value;
}

/** The key endpoint is a path on the host or an absolute http(s) URL; any other scheme is bad usage. */
function keyEndpoint(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    parseHost(value, labelOf(SPECS.get('apiKeyEndpoint')!));
    return value;
  }
  if (/[\s?#]/.test(value)) throw new ConfigError(`${labelOf(SPECS.get('apiKeyEndpoint')!)}: '${value}' is not a path such as /admin/api-keys`);
  return value;
}

/** Sockets per origin a sweep opens at most unless --connections says otherwise. */
export const SWEEP_CONNECTIONS = 1000;

/**
 * The load-shape options beyond users/rate: arrival process, stages (which set the run time
 * and, for users, the most users), sweep. Conflicting combinations are usage errors.
 */
function loadShape(v: RunOptionValues): { arrival?: ArrivalConfig; stages?: StagesConfig; sweep?: SweepConfig; runTimeMs?: number; users?: number } {
  const out: ReturnType<typeof loadShape> = {};
  const process = (v.arrival ?? 'constant') as ArrivalConfig['process'];
  if (v.burstiness !== undefined && process !== 'gamma') throw new ConfigError(`--burstiness: applies to --arrival gamma only (got --arrival ${process})`);
  if (v.arrival !== undefined) out.arrival = { process, burstiness: v.burstiness ?? 1 };
  if (v.stages !== undefined) {
    if (v.runTime !== undefined) throw new ConfigError(`--stages: the stages set the run time; drop --run-time`);
    if (v.iterations) throw new ConfigError(`--stages: cannot be combined with --iterations`);
    const of = v.rate !== undefined || v.arrival !== undefined ? 'rate' : 'users';
    const stages = parseStages(v.stages, '--stages', of === 'users');
    const runTimeMs = stagesDurationMs(stages);
    if (runTimeMs <= 0) throw new ConfigError(`--stages: the stages last 0s; give at least one a duration`);
    if (of === 'users' && v.users !== undefined) throw new ConfigError(`--stages: the stages set the users; drop --users (or give --rate/--arrival for rate stages)`);
    out.stages = { of, stages };
    out.runTimeMs = runTimeMs;
    if (of === 'users') out.users = Math.max(1, ...stages.map((s) => s.target));
  }
  if (v.sweep !== undefined) {
    for (const [key, flag] of [['stages', '--stages'], ['rate', '--rate'], ['iterations', '--iterations'], ['runTime', '--run-time']] as const) {
      if (v[key] !== undefined) throw new ConfigError(`--sweep: cannot be combined with ${flag} (the sweep picks each step's load; --step-time sets their length)`);
    }
    if (process === 'gamma') throw new ConfigError(`--sweep: its rate steps are constant or poisson (got --arrival gamma)`);
    // unset: the registry's defaults (run-options.ts), the ones --help and the README show
    const sweep: SweepConfig = {
      steps: v.sweep,
      stepTimeMs: v.stepTime ?? (defaultOf(SPECS.get('stepTime')!) as number),
      warmupMs: v.warmup ?? (defaultOf(SPECS.get('warmup')!) as number),
      refine: v.refine ?? (defaultOf(SPECS.get('refine')!) as boolean),
    };
    out.sweep = sweep;
  } else {
    for (const [key, flag] of [['stepTime', '--step-time'], ['warmup', '--warmup'], ['refine', '--refine']] as const) {
      if (v[key] !== undefined) throw new ConfigError(`${flag}: applies to --sweep only`);
    }
  }
  if (v.arrival !== undefined && process !== 'constant' && !v.rate && out.stages?.of !== 'rate' && !out.sweep) {
    throw new ConfigError(`--arrival ${process}: the open model needs --rate or --stages`);
  }
  return out;
}

/** A duration as the Batch API writes a completion window: `24h`, `10m`, `30s`, `1500ms`. */
export function completionWindow(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms)}ms`;
}

/** Everything but the data file (which needs I/O): see config/load.ts. */
export function resolveRunConfig(input: RawRunOptions, options: ResolveOptions = {}): RunConfig & { dataPath?: string } {
  const v = readRunValues(input, options);
  const preset = v.preset as PresetName | undefined;
  const p = preset ? PRESETS[preset] : undefined;
  /** the value, else the preset's, else the registry default (typed) */
  const pick = <K extends RunOptionKey>(key: K, fromPreset?: unknown): NonNullable<RunOptionValues[K]> => {
    const given = v[key];
    if (given !== undefined) return given as NonNullable<RunOptionValues[K]>;
    const spec = SPECS.get(key)!;
    if (fromPreset !== undefined) return readValues([spec], { [key]: fromPreset }, { labels: { [key]: `--preset ${preset}` } })[key] as NonNullable<RunOptionValues[K]>;
    return defaultOf(spec) as NonNullable<RunOptionValues[K]>;
  };

  const host = optionalHost(v.host, 'host');
  const shape = loadShape(v);
  const users = shape.users ?? pick('users', p?.users);
  const waitMinMs = pick('waitMin');
  const waitMaxMs = v.waitMax ?? (v.waitMin !== undefined ? waitMinMs : pick('waitMax'));
  if (waitMaxMs < waitMinMs) throw new ConfigError(`--wait-max: must be ≥ --wait-min`);

  const scenarios = parseScenarioMix(pick('scenario'));
  const compareOnline = v.compareOnline === true;
  if (compareOnline && (scenarios.length !== 1 || scenarios[0]!.name !== 'batch')) {
    throw new ConfigError(`--compare-online: runs the batch workflow and then the same lines online; --scenario must be batch (the default)`);
  }
  // compare-online's batch phase judges the workflow as any batch run does
  const needsBatch = scenarios.some((s) => isBatchScenario(s.name));
  const needsData = scenarios.some((s) => needsDataFile(s.name));
  const expireWindow = completionWindow(pick('expireWindow'));
  const p95ThresholdMs = pick('p95ThresholdMs');
  const errorRateThreshold = pick('errorRateThreshold');
  const streamRatio = v.streamRatio ?? (v.stream ? 1 : 0);
  const kinds = requestKinds(scenarios, streamRatio);
  if (shape.sweep && needsBatch && (scenarios.length > 1 || scenarios[0]!.name !== 'batch')) {
    throw new ConfigError(`--sweep: sweeps either the batch workflow alone (--scenario batch: batches in flight) or online scenarios (rates)`);
  }
  if (shape.sweep && compareOnline) throw new ConfigError(`--sweep: cannot be combined with --compare-online`);
  // a sweep of online scenarios runs its rate steps in the open model; a batch sweep is closed
  const openModel = (v.rate ?? 0) > 0 || shape.stages?.of === 'rate' || (shape.sweep !== undefined && !needsBatch);
  const thresholds = parseThresholdList(v.threshold, pick('defaultThresholds'), p95ThresholdMs, errorRateThreshold, needsBatch, kinds, { openModel });
  if (!shape.sweep && thresholds.some((t) => t.metric === 'max_sustainable_rate')) {
    throw new ConfigError(`--threshold: max_sustainable_rate is what a sweep finds; it needs --sweep`);
  }
  if (v.slo === undefined && thresholds.some((t) => t.metric === 'goodput' || t.metric === 'goodput_ratio')) {
    throw new ConfigError(`--threshold: goodput needs --slo (the bounds each request is judged by)`);
  }

  const models: Partial<Record<ScenarioName, string>> = {};
  if (v.chatModel) models.chat = v.chatModel;
  if (v.responsesModel) models.responses = v.responsesModel;
  // --model alone sets every scenario's model, embeddings included
  const embeddingsModel = v.embeddingsModel ?? (v.model ? undefined : pick('embeddingsModel'));
  if (embeddingsModel) models.embeddings = embeddingsModel;

  const scenarioHosts: Partial<Record<ScenarioName, string>> = {};
  for (const [name, key] of [['chat', 'chatHost'], ['responses', 'responsesHost'], ['embeddings', 'embeddingsHost']] as const) {
    const h = optionalHost(v[key], key);
    if (h) scenarioHosts[name] = h;
  }

  const overheadHeader = pick('overheadHeader').toLowerCase();
  try {
    validateHeaderName(overheadHeader);
  } catch {
    throw new ConfigError(`--overhead-header: '${overheadHeader}' is not an HTTP header name`);
  }
  const basicAuthUsername = headerSafe(pick('basicAuthUsername'), 'basicAuthUsername', 'the user name')!;
  if (basicAuthUsername.includes(':')) throw new ConfigError(`--basic-auth-username: a Basic auth user name cannot contain ':'`);
  const runId = v.runId ?? randomUUID();
  if (runId.length > 128 || /[\u0000-\u001f\u007f]/.test(runId)) throw new ConfigError(`--run-id: at most 128 characters, no control characters`);

  return {
    runId,
    preset,
    target: {
      host: host ?? '',
      basePath: normaliseBasePath(pick('basePath')),
      basePathExplicit: v.basePath !== undefined,
      embedded: !host,
      scenarioHosts,
      baselineHost: optionalHost(v.baselineHost, 'baselineHost'),
      baselineRatio: pick('baselineRatio'),
      overheadHeader,
    },
    auth: {
      apiKey: headerSafe(v.apiKey || undefined, 'apiKey', 'the API key'),
      apiKeyEndpoint: keyEndpoint(pick('apiKeyEndpoint')),
      basicAuthUsername,
      // the password only ever travels base64-encoded, so any text is fine
      basicAuthPassword: pick('basicAuthPassword'),
    },
    users,
    spawnRate: pick('spawnRate', p?.spawnRate),
    runTimeMs: shape.runTimeMs ?? pick('runTime', p?.runTime),
    stopTimeoutMs: pick('stopTimeout'),
    waitMinMs,
    waitMaxMs,
    arrivalRate: pick('rate'),
    iterations: pick('iterations'),
    ...(shape.arrival ? { arrival: shape.arrival } : {}),
    ...(shape.stages ? { stages: shape.stages } : {}),
    ...(shape.sweep ? { sweep: shape.sweep } : {}),
    ...(v.slo !== undefined ? { slo: parseSlo(v.slo) } : {}),
    scenarios,
    verify: pick('verify') as VerifyMode,
    poll: {
      initialMs: pick('pollInterval'),
      factor: pick('pollFactor'),
      maxIntervalMs: pick('pollMaxInterval'),
      maxPolls: pick('maxPolls'),
      maxWaitMs: pick('maxWait'),
      jitter: pick('pollJitter'),
    },
    batchRun: { cancelAfterMs: pick('cancelAfter'), expireWindow, compareOnline },
    retry429: pick('retry429'),
    payload: {
      model: pick('model'),
      models,
      prompt: pick('prompt'),
      promptRepeat: pick('promptRepeat'),
      maxTokens: v.maxTokens,
      streamRatio,
      user: v.user,
      embeddingInputs: pick('embeddingInputs'),
      encodingFormat: v.encodingFormat as 'float' | 'base64' | undefined,
      dimensions: v.dimensions,
    },
    requestTimeoutMs: pick('requestTimeout'),
    // a sweep's rate steps keep many iterations in flight: sockets enough for them
    connections: v.connections ?? Math.max(users, shape.sweep ? SWEEP_CONNECTIONS : 1),
    p95ThresholdMs,
    errorRateThreshold,
    thresholds,
    output: {
      jsonFile: v.json || undefined,
      csvPrefix: v.csv || undefined,
      htmlFile: v.html || undefined,
      junitFile: v.junit || undefined,
      progressIntervalMs: pick('progressInterval'),
      onlySummary: v.onlySummary === true,
    },
    seed: v.seed,
    dataPath: needsData ? (v.data ?? p?.data ?? pick('data')) : undefined,
  };
}
