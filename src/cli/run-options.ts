/**
 * The `run` command's flags. Locust users type Locust's names (-u, -r, -t, -H, --headless,
 * --csv, --only-summary, --stop-timeout), so those are the names. Numeric flags are read as
 * strings and checked by config/resolve.ts, which names the flag and the bad value.
 */
import type { Argv } from 'yargs';

const LOAD = 'Load shape:';
const TARGET = 'Target and auth:';
const BATCH = 'Batch workflow:';
const ONLINE = 'Online scenarios (chat, responses, embeddings):';
const CHECKS = 'Thresholds:';
const OUTPUT = 'Output:';
const LOCUST = 'Locust flags accepted and ignored (a note on stderr says why):';

/** Locust flags users carry over from their scripts: accepted, not acted on, each with a note. */
export const IGNORED_LOCUST_FLAGS: Record<string, string> = {
  html: 'no HTML report; use --json (mergeable) or --csv',
  loglevel: 'batch-load has one log level',
  locustfile: 'batch-load runs its built-in scenarios (--scenario)',
  'csv-full-history': '--csv always writes PREFIX_stats_history.csv',
  'exit-code-on-error': 'the exit code follows the thresholds (1 when one fails)',
  autostart: 'batch-load always starts at once',
  autoquit: 'batch-load always quits when the run ends',
  'print-stats': 'live progress is printed every --progress-interval',
};

export function runOptionsBuilder<T>(y: Argv<T>) {
  return y
    .option('host', { alias: 'H', type: 'string', group: TARGET, describe: 'Target base URL (env LOCUST_HOST); a path on it is kept. Omit to run against the embedded mock server' })
    .option('base-path', { type: 'string', group: TARGET, describe: 'API base path [default: /v1]; the control layer of seed 004 serves /ai/v1' })
    .option('api-key', { type: 'string', group: TARGET, describe: 'Use this API key and skip the key bootstrap (env API_KEY or LOCUST_API_KEY)' })
    .option('api-key-endpoint', { type: 'string', group: TARGET, describe: 'Admin endpoint that creates the shared key (env API_KEY_ENDPOINT) [default: /admin/api/v1/users/current/api-keys]' })
    .option('basic-auth-username', { type: 'string', group: TARGET, describe: 'Basic auth user for the key bootstrap (env BASIC_AUTH_USERNAME) [default: admin]' })
    .option('basic-auth-password', { type: 'string', group: TARGET, describe: 'Basic auth password for the key bootstrap (env BASIC_AUTH_PASSWORD) [default: password]' })
    .option('chat-host', { type: 'string', group: TARGET, describe: 'Host for the chat scenario (env LOCUST_CHAT_HOST)' })
    .option('responses-host', { type: 'string', group: TARGET, describe: 'Host for the responses scenario (env LOCUST_RESPONSES_HOST)' })
    .option('embeddings-host', { type: 'string', group: TARGET, describe: 'Host for the embeddings scenario (env LOCUST_EMBEDDINGS_HOST)' })
    .option('baseline-host', { type: 'string', group: TARGET, describe: 'Upstream reached directly, to measure proxy overhead = proxied - direct' })
    .option('baseline-ratio', { type: 'string', group: TARGET, describe: 'Share of online requests sent to --baseline-host [default: 0.25]' })
    .option('overhead-header', { type: 'string', group: TARGET, describe: 'Response header with the proxy overhead in ms [default: x-litellm-overhead-duration-ms]' })
    .option('preset', { type: 'string', group: LOAD, describe: 'smoke (10 users, 5/s, 2m, small), medium (100, 10/s, 5m, medium), stress (500, 50/s, 10m, large); flags override it' })
    .option('users', { alias: 'u', type: 'string', group: LOAD, describe: 'Virtual users (open model: max concurrent iterations) [default: 1]' })
    .option('spawn-rate', { alias: ['r', 'hatch-rate'], type: 'string', group: LOAD, describe: 'Users started per second [default: 1]' })
    .option('run-time', { alias: 't', type: 'string', group: LOAD, describe: 'How long to run: 90s, 2m, 1h30m [default: 1m]' })
    .option('stop-timeout', { type: 'string', group: LOAD, describe: 'Grace for in-flight iterations at the end, then they are abandoned (and counted) [default: 30s]' })
    .option('wait-min', { type: 'string', group: LOAD, describe: 'Minimum wait between steps [default: 1s]' })
    .option('wait-max', { type: 'string', group: LOAD, describe: 'Maximum wait between steps [default: 3s]' })
    .option('rate', { type: 'string', group: LOAD, describe: 'Open model: iterations started per second (users = max in flight); 0 = closed model' })
    .option('iterations', { type: 'string', group: LOAD, describe: 'Stop after this many iterations in total (0 = run time decides)' })
    .option('scenario', { type: 'string', group: LOAD, describe: "batch (default), chat, responses, embeddings, health, or a weighted mix: 'chat:3,responses:1,batch:1'" })
    .option('request-timeout', { type: 'string', group: LOAD, describe: 'Per-request timeout [default: 60s]' })
    .option('connections', { type: 'string', group: LOAD, describe: 'Max sockets per origin [default: users]' })
    .option('seed', { type: 'string', group: LOAD, describe: 'Seed for scenario picks, think times and verify mode' })
    .option('headless', { type: 'boolean', group: LOAD, describe: 'Accepted for Locust compatibility (batch-load is always headless)' })
    .option('data', { alias: 'test-data', type: 'string', group: BATCH, describe: 'small | medium | large | PATH to a JSONL batch input (env TEST_DATA_FILE) [default: small]' })
    .option('verify', { type: 'string', group: BATCH, describe: 'Upload check: random (50/50), metadata or content [default: random]' })
    .option('poll-interval', { type: 'string', group: BATCH, describe: 'First poll delay [default: 2s]' })
    .option('poll-factor', { type: 'string', group: BATCH, describe: 'Backoff multiplier between polls [default: 1.5]' })
    .option('poll-max-interval', { type: 'string', group: BATCH, describe: 'Cap on the poll delay [default: 30s]' })
    .option('max-polls', { type: 'string', group: BATCH, describe: 'Polls per batch before giving up [default: 60]' })
    .option('max-wait', { type: 'string', group: BATCH, describe: 'Time per batch before giving up [default: 30m]' })
    .option('poll-jitter', { type: 'boolean', group: BATCH, describe: 'Randomise poll delays (--no-poll-jitter to disable) [default: true]' })
    .option('model', { type: 'string', group: ONLINE, describe: 'Model for online requests [default: gpt-4o-mini]' })
    .option('chat-model', { type: 'string', group: ONLINE, describe: 'Model override for chat' })
    .option('responses-model', { type: 'string', group: ONLINE, describe: 'Model override for responses' })
    .option('embeddings-model', { type: 'string', group: ONLINE, describe: 'Model override for embeddings [default: text-embedding-3-small]' })
    .option('prompt', { type: 'string', group: ONLINE, describe: 'Prompt text (each request starts it with a fresh UUID)' })
    .option('prompt-repeat', { type: 'string', group: ONLINE, describe: 'Repeat the prompt N times (the reference suite uses 150) [default: 1]' })
    .option('max-tokens', { type: 'string', group: ONLINE, describe: 'max_tokens for chat / max_output_tokens for responses' })
    .option('stream', { type: 'boolean', group: ONLINE, describe: 'Stream chat and responses (same as --stream-ratio 1)' })
    .option('stream-ratio', { type: 'string', group: ONLINE, describe: 'Share of chat/responses requests that stream (0..1)' })
    .option('user', { type: 'string', group: ONLINE, describe: 'The `user` field sent with online requests' })
    .option('embedding-inputs', { type: 'string', group: ONLINE, describe: 'Embeddings input: 1 = one string, N = a list of N strings [default: 1]' })
    .option('encoding-format', { type: 'string', group: ONLINE, describe: 'Embeddings encoding: float or base64' })
    .option('dimensions', { type: 'string', group: ONLINE, describe: 'Embeddings dimensions' })
    .option('burst', { type: 'string', group: ONLINE, describe: 'Burst mode: one pre-flight request, then N at once; prints each, then stats' })
    .option('min-success', { type: 'string', group: ONLINE, describe: 'Burst mode: success rate below this fails the run (0..1 or a percentage like 90%) [default: 0.9]' })
    .option('threshold', { type: 'string', array: true, group: CHECKS, describe: "k6-style check, repeatable: 'POST /v1/files [upload]: p(99)<800', 'errors: rate<0.01', 'integrity: count==0'" })
    .option('p95-threshold-ms', { type: 'string', group: CHECKS, describe: 'Default threshold on aggregated p95 (env P95_THRESHOLD_MS) [default: 1000]' })
    .option('error-rate-threshold', { type: 'string', group: CHECKS, describe: 'Default threshold on the error rate (env ERROR_RATE_THRESHOLD) [default: 0.01]' })
    .option('default-thresholds', { type: 'boolean', group: CHECKS, describe: 'Apply the two default thresholds (--no-default-thresholds to drop them) [default: true]' })
    .option('json', { type: 'string', group: OUTPUT, describe: 'Write the whole result (with mergeable histograms) to FILE' })
    .option('csv', { type: 'string', group: OUTPUT, describe: 'Write Locust-style PREFIX_stats.csv, PREFIX_failures.csv, PREFIX_stats_history.csv' })
    .option('progress-interval', { type: 'string', group: OUTPUT, describe: 'Live progress every ... [default: 5s]' })
    .option('only-summary', { type: 'boolean', group: OUTPUT, describe: 'No live progress, only the end summary' })
    .option('run-id', { type: 'string', group: OUTPUT, describe: 'Run id recorded in batch metadata and reports [default: a UUID]' })
    .option('html', { type: 'string', group: LOCUST, describe: IGNORED_LOCUST_FLAGS.html })
    .option('loglevel', { alias: 'L', type: 'string', group: LOCUST, describe: IGNORED_LOCUST_FLAGS.loglevel })
    .option('locustfile', { alias: 'f', type: 'string', group: LOCUST, describe: IGNORED_LOCUST_FLAGS.locustfile })
    .option('csv-full-history', { type: 'boolean', group: LOCUST, describe: IGNORED_LOCUST_FLAGS['csv-full-history'] })
    .option('exit-code-on-error', { type: 'string', group: LOCUST, describe: IGNORED_LOCUST_FLAGS['exit-code-on-error'] })
    .option('autostart', { type: 'boolean', group: LOCUST, describe: IGNORED_LOCUST_FLAGS.autostart })
    .option('autoquit', { type: 'string', group: LOCUST, describe: IGNORED_LOCUST_FLAGS.autoquit })
    .option('print-stats', { type: 'boolean', group: LOCUST, describe: IGNORED_LOCUST_FLAGS['print-stats'] });
}
