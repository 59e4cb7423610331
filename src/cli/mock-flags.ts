/**
 * The flags of `batch-load mock`, apart from the mock itself: `batch-load --help` and a run
 * build their command line without loading the mock server's code.
 */
import type { Argv } from 'yargs';

/** A flag and the option path it sets; `kind` says how its value is read. */
export interface FlagSpec {
  flag: string;
  path: string;
  kind: 'number' | 'duration' | 'string' | 'strings' | 'boolean';
  describe: string;
  group: string;
  invert?: boolean;
}

export const FLAGS: FlagSpec[] = [
  { flag: 'port', path: 'port', kind: 'number', describe: 'Port to listen on (0 = any free port) [default: 8080]', group: 'Server' },
  { flag: 'bind', path: 'host', kind: 'string', describe: 'Address to bind [default: 127.0.0.1]', group: 'Server' },
  { flag: 'base-path', path: 'basePaths', kind: 'strings', describe: 'Base path of the API, repeatable [default: /v1 /ai/v1]', group: 'Server' },
  { flag: 'model', path: 'models', kind: 'strings', describe: 'Model id listed by GET /v1/models, repeatable (any model is accepted)', group: 'Server' },
  { flag: 'auth', path: 'auth.noAuth', kind: 'boolean', invert: true, describe: 'Require keys; --no-auth accepts any caller', group: 'Auth' },
  { flag: 'admin-user', path: 'auth.adminUser', kind: 'string', describe: 'HTTP Basic user for key creation and /__stats [default: admin]', group: 'Auth' },
  { flag: 'admin-password', path: 'auth.adminPassword', kind: 'string', describe: 'HTTP Basic password [default: password]', group: 'Auth' },
  { flag: 'api-key', path: 'auth.staticKeys', kind: 'strings', describe: 'Static Bearer key accepted on every API route, repeatable', group: 'Auth' },
  { flag: 'admin-path', path: 'auth.apiKeyPaths', kind: 'strings', describe: 'Key-creation path, repeatable [default: /admin/api/v1/users/current/api-keys /ai/admin/api-keys]', group: 'Auth' },
  { flag: 'ttft', path: 'latency.ttftMs', kind: 'duration', describe: 'Time to first token (ms, or 20ms / 1s) [default: 5]', group: 'Latency' },
  { flag: 'per-token', path: 'latency.perTokenMs', kind: 'duration', describe: 'Delay per output token [default: 1]', group: 'Latency' },
  { flag: 'jitter', path: 'latency.jitterMs', kind: 'duration', describe: 'Uniform 0..N ms added to the time to first token [default: 10]', group: 'Latency' },
  { flag: 'jitter-ratio', path: 'latency.jitterRatio', kind: 'number', describe: 'Scale each delay by uniform 1±r (0..1) [default: 0]', group: 'Latency' },
  { flag: 'default-max-tokens', path: 'latency.defaultMaxTokens', kind: 'number', describe: 'Output tokens when a request sets no max_tokens [default: 16]', group: 'Latency' },
  { flag: 'max-tokens-cap', path: 'latency.maxTokensCap', kind: 'number', describe: 'Upper bound on output tokens [default: 4096]', group: 'Latency' },
  { flag: 'max-concurrency', path: 'capacity.maxConcurrency', kind: 'number', describe: 'Generations (online and batch lines) running at once; the rest queue, the wait adding to their time to first token (0 = unlimited) [default: 0]', group: 'Capacity' },
  { flag: 'max-queue', path: 'capacity.maxQueue', kind: 'number', describe: 'Online requests that may wait for a slot; beyond, 429 with retry-after [default: unbounded]', group: 'Capacity' },
  { flag: 'validating', path: 'batch.validatingMs', kind: 'duration', describe: 'Time a batch spends validating [default: 150ms]', group: 'Batches' },
  { flag: 'finalizing', path: 'batch.finalizingMs', kind: 'duration', describe: 'Time a batch spends finalizing [default: 100ms]', group: 'Batches' },
  { flag: 'cancelling', path: 'batch.cancellingMs', kind: 'duration', describe: 'Time from cancelling to cancelled [default: 100ms]', group: 'Batches' },
  { flag: 'line-concurrency', path: 'batch.lineConcurrency', kind: 'number', describe: 'Lines of one batch in flight at once [default: 16]', group: 'Batches' },
  { flag: 'batch-expiry', path: 'batch.expiryMs', kind: 'duration', describe: 'Completion window before a batch expires [default: 24h]', group: 'Batches' },
  { flag: 'max-batch-lines', path: 'batch.maxLines', kind: 'number', describe: 'Most request lines per batch [default: 50000]', group: 'Batches' },
  { flag: 'max-enqueued-tokens', path: 'batch.maxEnqueuedTokens', kind: 'number', describe: 'Per model, prompt tokens of unfinished batches; a batch past it ends failed with token_limit_exceeded (0 = no limit) [default: 0]', group: 'Batches' },
  { flag: 'any-completion-window', path: 'batch.anyCompletionWindow', kind: 'boolean', describe: 'Also accept completion windows such as 10m or 30s (each batch expires after its own)', group: 'Batches' },
  { flag: 'ms-timestamps', path: 'batch.msTimestamps', kind: 'boolean', describe: 'Batch *_at timestamps with milliseconds (1732912345.123) instead of whole seconds', group: 'Batches' },
  { flag: 'retain', path: 'retention.count', kind: 'number', describe: 'Terminal batches kept (with their files), and uploads no batch uses; older ones are evicted (0 = all) [default: 10000]', group: 'Batches' },
  { flag: 'retain-for', path: 'retention.ageMs', kind: 'duration', describe: 'Evict a terminal batch (and an unbatched upload) this long after it ended (was uploaded) [default: never]', group: 'Batches' },
  { flag: 'fault-500', path: 'faults.global.error500', kind: 'number', describe: 'Probability of a 500 on every API route', group: 'Faults' },
  { flag: 'fault-429', path: 'faults.global.error429', kind: 'number', describe: 'Probability of a 429 with retry-after', group: 'Faults' },
  { flag: 'fault-reset', path: 'faults.global.reset', kind: 'number', describe: 'Probability of a connection reset', group: 'Faults' },
  { flag: 'fault-hang', path: 'faults.global.hang', kind: 'number', describe: 'Probability of never answering', group: 'Faults' },
  { flag: 'fault-truncate', path: 'faults.global.truncated', kind: 'number', describe: 'Probability of a truncated body', group: 'Faults' },
  { flag: 'fault-malformed', path: 'faults.global.malformed', kind: 'number', describe: 'Probability of a malformed body', group: 'Faults' },
  { flag: 'retry-after', path: 'faults.retryAfterSeconds', kind: 'number', describe: 'retry-after seconds on 429 faults [default: 1]', group: 'Faults' },
  { flag: 'fault-drop-line', path: 'faults.batch.dropOutputLine', kind: 'number', describe: 'Probability that a batch output file misses a line', group: 'Faults' },
  { flag: 'fault-duplicate-line', path: 'faults.batch.duplicateOutputLine', kind: 'number', describe: 'Probability that a batch output file repeats a line', group: 'Faults' },
  { flag: 'fault-stuck', path: 'faults.batch.stuckInProgress', kind: 'number', describe: 'Probability that a batch stalls in in_progress', group: 'Faults' },
  { flag: 'seed', path: 'seed', kind: 'number', describe: 'Seed for faults and jitter (reproducible runs)', group: 'Faults' },
];

/** Adds every `batch-load mock` flag. No defaults are set here, so a config file's values survive. */
export function mockCommandBuilder(y: Argv): Argv {
  let out = y.option('config', {
    type: 'string',
    describe: 'JSON or YAML file of mock options (flags override it)',
    group: 'Server',
    requiresArg: true,
  });
  for (const spec of FLAGS) {
    out = out.option(spec.flag, {
      type: spec.kind === 'strings' ? 'string' : spec.kind === 'duration' ? 'string' : spec.kind,
      array: spec.kind === 'strings' ? true : undefined,
      describe: spec.describe,
      group: spec.group,
      requiresArg: spec.kind !== 'boolean',
    });
  }
  return out.option('fault-route', {
    type: 'string',
    array: true,
    requiresArg: true,
    group: 'Faults',
    describe: "Per-route faults, repeatable: 'POST /v1/chat/completions:500=0.1,429=0.05' (kinds 500, 429, reset, hang, truncate, malformed)",
  });
}
