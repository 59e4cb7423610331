/**
 * Every option of a load-test run, in one table: the `run` command's flags and --help groups,
 * their BATCH_LOAD_<FLAG> and named env vars, serve's request-body schema, the Helm chart's
 * `run` values (npm run gen) and the README's flag tables (npm run gen) all come from here.
 * Adding an option is one entry here plus its use in config/resolve.ts.
 *
 * Locust users type Locust's names (-u, -r, -t, -H, --headless, --csv, --only-summary,
 * --stop-timeout), so those are the names.
 */
import { parseHost } from '../config/target.js';
import { checkWorkerCount } from '../workers/count.js';
import { type OptionSpec, type ValueOfType } from './spec.js';

export const GROUPS = {
  load: 'Load shape:',
  target: 'Target and auth:',
  batch: 'Batch workflow:',
  online: 'Online scenarios (chat, responses, embeddings):',
  checks: 'Thresholds:',
  output: 'Output:',
  burst: 'Burst mode:',
  scale: 'Scale-out:',
  locust: 'Locust flags accepted and ignored (a note on stderr says why):',
} as const;

const URL_PATTERN = '^https?://\\S+$';
const isUrl = (value: string, label: string) => void parseHost(value, label);
const SCENARIOS = '(batch|batch-cancel|batch-expire|online-lines|chat|responses|embeddings|health)';
const SCENARIO_PATTERN = `^\\s*${SCENARIOS}(\\s*:\\s*[0-9.eE+]+)?\\s*(,\\s*${SCENARIOS}(\\s*:\\s*[0-9.eE+]+)?\\s*)*$`;

export const RUN_OPTIONS = [
  // -- target and auth
  { key: 'host', alias: ['H'], type: 'string', group: GROUPS.target, env: ['LOCUST_HOST'], pattern: URL_PATTERN, check: isUrl, defaultText: 'the embedded mock',
    describe: 'Target base URL; a path on it is kept (http://x:3001/ai/v1). Omit to run against the embedded mock server' },
  { key: 'basePath', type: 'string', group: GROUPS.target, default: '/v1', pattern: '^/',
    describe: 'API base path; control-layer style services serve /ai/v1' },
  { key: 'apiKey', type: 'string', group: GROUPS.target, env: ['API_KEY', 'LOCUST_API_KEY'], secret: true, chart: false,
    describe: 'Use this API key and skip the key bootstrap (best passed as the env var)' },
  { key: 'apiKeyEndpoint', type: 'string', group: GROUPS.target, env: ['API_KEY_ENDPOINT'], default: '/admin/api/v1/users/current/api-keys', chart: false,
    describe: 'Admin endpoint (path on the host, or an http(s) URL) where the shared key is created with Basic auth' },
  { key: 'basicAuthUsername', type: 'string', group: GROUPS.target, env: ['BASIC_AUTH_USERNAME'], default: 'admin', chart: false,
    describe: 'Basic auth user for the key bootstrap' },
  { key: 'basicAuthPassword', type: 'string', group: GROUPS.target, env: ['BASIC_AUTH_PASSWORD'], default: 'password', secret: true, chart: false,
    describe: 'Basic auth password for the key bootstrap' },
  { key: 'chatHost', type: 'string', group: GROUPS.target, env: ['LOCUST_CHAT_HOST'], pattern: URL_PATTERN, check: isUrl, serveRefused: "use 'host' in this test's body",
    describe: 'Host for the chat scenario (default: --host)' },
  { key: 'responsesHost', type: 'string', group: GROUPS.target, env: ['LOCUST_RESPONSES_HOST'], pattern: URL_PATTERN, check: isUrl, serveRefused: "use 'host' in this test's body",
    describe: 'Host for the responses scenario (default: --host)' },
  { key: 'embeddingsHost', type: 'string', group: GROUPS.target, env: ['LOCUST_EMBEDDINGS_HOST'], pattern: URL_PATTERN, check: isUrl, serveRefused: "use 'host' in this test's body",
    describe: 'Host for the embeddings scenario (default: --host)' },
  { key: 'baselineHost', type: 'string', group: GROUPS.target, pattern: URL_PATTERN, check: isUrl,
    describe: 'Upstream reached directly, to measure proxy overhead = proxied − direct latency' },
  { key: 'baselineRatio', type: 'number', group: GROUPS.target, default: 0.25, min: 0, max: 1,
    describe: 'Share of online requests sent to --baseline-host' },
  { key: 'overheadHeader', type: 'string', group: GROUPS.target, default: 'x-litellm-overhead-duration-ms',
    describe: "Response header carrying the proxy's own overhead in ms" },

  // -- load shape
  { key: 'preset', type: 'enum', choices: ['smoke', 'medium', 'stress', 'soak'], group: GROUPS.load, chart: false,
    describe: 'smoke (10 users, 5/s, 2m, small data), medium (100, 10/s, 5m, medium), stress (500, 50/s, 10m, large), soak (100, 10/s, 30m, medium); flags override it' },
  { key: 'users', alias: ['u'], type: 'integer', group: GROUPS.load, default: 1, min: 1, max: 1_000_000,
    describe: 'Virtual users (open model: most iterations in flight)' },
  { key: 'spawnRate', alias: ['r', 'hatch-rate'], type: 'number', group: GROUPS.load, default: 1, min: 0, exclusiveMin: true,
    describe: 'Users started per second' },
  { key: 'runTime', alias: ['t'], type: 'duration', group: GROUPS.load, default: '1m', min: 0, exclusiveMin: true,
    describe: 'How long to run: 90s, 2m, 1h30m (a bare number is seconds)' },
  { key: 'stopTimeout', type: 'duration', group: GROUPS.load, default: '30s',
    describe: 'Grace for in-flight iterations at the end; then they are abandoned (and counted)' },
  { key: 'waitMin', type: 'duration', group: GROUPS.load, default: '1s',
    describe: 'Shortest wait between steps and iterations (0 allowed)' },
  { key: 'waitMax', type: 'duration', group: GROUPS.load, default: '3s', defaultText: '3s, or --wait-min when only that is given',
    describe: 'Longest wait between steps and iterations' },
  { key: 'rate', type: 'number', group: GROUPS.load, default: 0, min: 0, max: 1e9,
    describe: 'Open model: iterations started per second, on at most --users workers (0 = closed model)' },
  { key: 'iterations', type: 'integer', group: GROUPS.load, default: 0, min: 0,
    describe: 'Stop after this many iterations in total (0 = the run time decides)' },
  { key: 'arrival', type: 'enum', choices: ['constant', 'poisson', 'gamma'], group: GROUPS.load, default: 'constant',
    describe: 'Open model: how starts are spaced: constant (even), poisson (exponential gaps), gamma (--burstiness); seeded by --seed' },
  { key: 'burstiness', type: 'number', group: GROUPS.load, default: 1, min: 0, exclusiveMin: true, max: 1000,
    describe: 'Gamma arrivals: the shape K (1 = Poisson, below 1 burstier: gaps vary by 1/√K)' },
  { key: 'stages', type: 'string', group: GROUPS.load,
    describe: "Ramp linearly through DURATION:TARGET stages, e.g. '30s:10,2m:100,30s:0': users, or with --rate/--arrival starts per second; sets the run time" },
  { key: 'sweep', type: 'integer', group: GROUPS.load, bareValue: 10, min: 3, max: 100, serveRefused: 'not available in serve',
    describe: 'Capacity sweep in N steps (default 10): baseline, saturation probe, N−2 rates; batch: batches in flight 1, 2, 4 ...' },
  { key: 'stepTime', type: 'duration', group: GROUPS.load, default: '30s', min: 0, exclusiveMin: true,
    describe: 'Sweep: how long each step measures (after its --warmup)' },
  { key: 'warmup', type: 'duration', group: GROUPS.load, default: '5s',
    describe: 'Sweep: time at the start of each step that its stats leave out' },
  { key: 'refine', type: 'boolean', group: GROUPS.load, default: false,
    describe: 'Sweep: bisect between the last passing and the first failing rate' },
  { key: 'slo', type: 'string', group: GROUPS.load,
    describe: "Per-request SLOs for goodput, e.g. 'ttft<=500ms,tpot<=50ms,e2e<=10s' (metrics goodput, goodput_ratio)" },
  { key: 'scenario', type: 'string', group: GROUPS.load, default: 'batch', pattern: SCENARIO_PATTERN, serveRefused: 'fixed by the test name in the URL',
    describe: "batch, batch-cancel, batch-expire, online-lines, chat, responses, embeddings, health, or a weighted mix: 'chat:3,responses:1,batch:1'" },
  { key: 'retry429', flag: 'retry-429', type: 'integer', group: GROUPS.load, default: 0, min: 0, max: 100,
    describe: "Send a request answered 429 again, up to N times, after its retry-after-ms / retry-after (never past the run's stop); 0 = a 429 is a failure" },
  { key: 'requestTimeout', type: 'duration', group: GROUPS.load, default: '60s',
    describe: 'Per-request timeout (0 = none); checked every 100 ms, so it fires up to one check late' },
  { key: 'connections', type: 'integer', group: GROUPS.load, defaultText: '--users', min: 1, max: 1_000_000,
    describe: 'Open model (--rate): connections per origin its workers share; in the closed model each user has its own' },
  { key: 'seed', type: 'integer', group: GROUPS.load, min: 0, max: 4_294_967_295,
    describe: 'Seed for scenario picks, think times and the verify choice (reproducible runs)' },
  { key: 'headless', type: 'boolean', group: GROUPS.load, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Accepted for Locust compatibility (batch-load is always headless)' },

  // -- batch workflow
  { key: 'data', alias: ['test-data'], type: 'string', group: GROUPS.batch, env: ['TEST_DATA_FILE'], default: 'small', chart: false,
    describe: 'Batch input: small, medium, large (chat), chat, responses, completions, embeddings (shipped, 10 lines each) or the path of a JSONL file' },
  { key: 'verify', type: 'enum', choices: ['random', 'metadata', 'content'], group: GROUPS.batch, default: 'random',
    describe: 'Upload check: random (50/50), metadata or content' },
  { key: 'pollInterval', type: 'duration', group: GROUPS.batch, default: '2s',
    describe: 'First poll delay' },
  { key: 'pollFactor', type: 'number', group: GROUPS.batch, default: 1.5, min: 1, max: 100,
    describe: 'Backoff multiplier between polls' },
  { key: 'pollMaxInterval', type: 'duration', group: GROUPS.batch, default: '30s',
    describe: 'Cap on the poll delay' },
  { key: 'maxPolls', type: 'integer', group: GROUPS.batch, default: 60, min: 1, max: 1_000_000,
    describe: "Polls per batch before the workflow fails ('poll: not terminal after N polls')" },
  { key: 'maxWait', type: 'duration', group: GROUPS.batch, default: '30m',
    describe: 'Time per batch before the workflow fails' },
  { key: 'pollJitter', type: 'boolean', group: GROUPS.batch, default: true,
    describe: 'Full jitter on poll delays (--no-poll-jitter: fixed delays)' },
  { key: 'cancelAfter', type: 'duration', group: GROUPS.batch, default: '0',
    describe: 'batch-cancel: cancel after a random part of this since the create (0 = as soon as a poll sees in_progress)' },
  { key: 'expireWindow', type: 'duration', group: GROUPS.batch, default: '24h', min: 1,
    describe: "batch-expire: the completion_window it asks for. The Batch API takes only 24h (expiry then needs a service that expires sooner, such as batch-load mock's batch expiry option); the embedded mock takes any" },
  { key: 'compareOnline', type: 'boolean', group: GROUPS.batch, serveRefused: 'not available in serve',
    describe: "Send the --data file's lines once as one batch, then once as online requests (at --rate, or by --users), and compare them side by side" },

  // -- online scenarios
  { key: 'model', type: 'string', group: GROUPS.online, default: 'gpt-4o-mini',
    describe: 'Model for every online scenario' },
  { key: 'chatModel', type: 'string', group: GROUPS.online,
    describe: 'Model override for chat' },
  { key: 'responsesModel', type: 'string', group: GROUPS.online,
    describe: 'Model override for responses' },
  { key: 'embeddingsModel', type: 'string', group: GROUPS.online, default: 'text-embedding-3-small', defaultText: 'text-embedding-3-small, or --model when given',
    describe: 'Model override for embeddings' },
  { key: 'prompt', type: 'string', group: GROUPS.online, default: "This is a test there will be no cache hits and we'll fill up the context",
    describe: 'Prompt text; every request starts it with a fresh UUID, so no cache can serve it' },
  { key: 'promptRepeat', type: 'integer', group: GROUPS.online, default: 1, min: 1, max: 100_000,
    describe: 'Repeat the prompt N times, space-separated (the Locust suites this replaces use 150)' },
  { key: 'maxTokens', type: 'integer', group: GROUPS.online, min: 1, max: 1_000_000,
    describe: 'max_tokens (chat) / max_output_tokens (responses)' },
  { key: 'stream', type: 'boolean', group: GROUPS.online,
    describe: 'Stream chat and responses (same as --stream-ratio 1)' },
  { key: 'streamRatio', type: 'number', group: GROUPS.online, min: 0, max: 1, defaultText: '0, or 1 with --stream',
    describe: 'Share of chat and responses requests that stream (0..1)' },
  { key: 'user', type: 'string', group: GROUPS.online,
    describe: 'The `user` field sent with online requests' },
  { key: 'embeddingInputs', type: 'integer', group: GROUPS.online, default: 1, min: 1, max: 2048,
    describe: 'Embeddings input: 1 = one string, N = a list of N strings' },
  { key: 'encodingFormat', type: 'enum', choices: ['float', 'base64'], group: GROUPS.online,
    describe: 'Embeddings encoding_format sent (base64 is decoded and checked)' },
  { key: 'dimensions', type: 'integer', group: GROUPS.online, min: 1, max: 65_536,
    describe: 'Embeddings dimensions sent and checked' },

  // -- thresholds
  { key: 'threshold', type: 'list', group: GROUPS.checks, chartValue: 'thresholds',
    describe: "A k6-style check, repeatable: 'POST /v1/files [upload]: p(99)<800', 'errors: rate<0.01'" },
  { key: 'p95ThresholdMs', type: 'number', group: GROUPS.checks, env: ['P95_THRESHOLD_MS'], default: 1000, min: 0, exclusiveMin: true, max: 86_400_000,
    describe: 'Bound of the default p95 threshold, ms (whole request; time to first token for streams)' },
  { key: 'errorRateThreshold', type: 'number', group: GROUPS.checks, env: ['ERROR_RATE_THRESHOLD'], default: 0.01, min: 0, max: 1,
    describe: 'Bound of the default error-rate threshold (0..1)' },
  { key: 'defaultThresholds', type: 'boolean', group: GROUPS.checks, default: true,
    describe: 'Apply the default thresholds: p95, error rate, scenario errors; batch runs: integrity, failed workflows (--no-default-thresholds drops them all)' },

  // -- output
  { key: 'json', type: 'string', group: GROUPS.output, chart: false, serveRefused: 'the server writes no report files; the result is in the response',
    describe: 'Write the whole result, with mergeable histograms, to FILE' },
  { key: 'csv', type: 'string', group: GROUPS.output, chart: false, serveRefused: 'the server writes no report files; the result is in the response',
    describe: 'Write Locust-style PREFIX_stats.csv, PREFIX_failures.csv, PREFIX_stats_history.csv' },
  { key: 'html', type: 'string', group: GROUPS.output, chart: false, serveRefused: 'the server writes no report files; the result is in the response',
    describe: 'Write a self-contained HTML report (charts over time, percentile spectra, batches) to FILE' },
  { key: 'junit', type: 'string', group: GROUPS.output, chart: false, serveRefused: 'the server writes no report files; the result is in the response',
    describe: 'Write JUnit XML to FILE: one testcase per threshold, plus integrity and failed workflows' },
  { key: 'progressInterval', type: 'duration', group: GROUPS.output, default: '5s', min: 100,
    describe: 'Live progress every ... (at least 100ms)' },
  { key: 'onlySummary', type: 'boolean', group: GROUPS.output, serveRefused: 'not applicable to serve',
    describe: 'No live progress, only the end summary' },
  { key: 'runId', type: 'string', group: GROUPS.output, defaultText: 'a UUID', serveRefused: 'assigned by the server', pattern: '^[A-Za-z0-9._:-]{1,128}$',
    describe: 'Run id recorded in batch metadata and reports' },

  // -- burst mode
  { key: 'burst', type: 'integer', group: GROUPS.burst, min: 1, max: 100_000, chart: false, serveRefused: 'not available in serve',
    describe: 'Burst mode: one pre-flight request, then N at once; prints each, then stats' },
  { key: 'minSuccess', type: 'string', group: GROUPS.burst, default: '90%', chart: false, serveRefused: 'not available in serve',
    describe: 'Burst mode: a success rate below this fails the run (0.9, 90 or 90%)' },

  // -- scale-out
  { key: 'workers', alias: ['processes'], type: 'string', group: GROUPS.scale, pattern: '^(auto|-1|[1-9][0-9]{0,3})$', check: checkWorkerCount,
    chart: false, serveRefused: 'serve runs each test in its own process', defaultText: 'one process',
    describe: 'Generate the load with N worker processes on this machine (auto or -1: one per CPU core), merged exactly into one run' },

  // -- accepted and ignored (Locust)
  { key: 'loglevel', alias: ['L'], type: 'string', group: GROUPS.locust, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Ignored (Locust flag)', ignored: 'batch-load has one log level' },
  { key: 'locustfile', alias: ['f'], type: 'string', group: GROUPS.locust, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Ignored (Locust flag)', ignored: 'batch-load runs its built-in scenarios (--scenario)' },
  { key: 'csvFullHistory', type: 'boolean', group: GROUPS.locust, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Ignored (Locust flag)', ignored: '--csv always writes PREFIX_stats_history.csv' },
  { key: 'exitCodeOnError', type: 'string', group: GROUPS.locust, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Ignored (Locust flag)', ignored: 'the exit code follows the thresholds (1 when one fails)' },
  { key: 'autostart', type: 'boolean', group: GROUPS.locust, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Ignored (Locust flag)', ignored: 'batch-load always starts at once' },
  { key: 'autoquit', type: 'string', group: GROUPS.locust, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Ignored (Locust flag)', ignored: 'batch-load always quits when the run ends' },
  { key: 'printStats', type: 'boolean', group: GROUPS.locust, chart: false, serveRefused: 'not applicable to serve',
    describe: 'Ignored (Locust flag)', ignored: 'live progress is printed every --progress-interval' },
] as const satisfies readonly OptionSpec[];

export type RunOptionSpec = (typeof RUN_OPTIONS)[number];
export type RunOptionKey = RunOptionSpec['key'];

/** Parsed run options: every value typed (durations in ms); all optional. */
export type RunOptionValues = { [S in RunOptionSpec as S['key']]?: ValueOfType<S['type']> };

/**
 * What the resolver accepts: parsed values, or text as typed (flags, env, presets). Text is
 * parsed by the registry's rules, so every source gets the same checks and messages.
 */
export type RawRunOptions = { [K in RunOptionKey]?: RunOptionValues[K] | string | number | boolean | string[] };
