/**
 * `batch-load [run]`: flags → RunConfig → engine → summary, reports and exit code.
 * Exit codes: 0 thresholds passed, 1 a threshold failed, 2 bad usage/config, 3 could not start.
 */
import { loadRunConfig } from '../config/load.js';
import { ConfigError, StartError } from '../config/errors.js';
import type { RawRunOptions } from '../config/options.js';
import { apiBaseFor } from '../config/target.js';
import type { RunConfig } from '../config/types.js';
import { redactor } from '../http/redact.js';
import { runLoadTest, type RunResult } from '../engine/runner.js';
import { renderRunReport } from './report-output.js';
import { ProgressReporter } from './report-output.js';
import { writeRunOutputs } from './report-output.js';
import type { CliIO } from './io.js';
import { IGNORED_LOCUST_FLAGS } from './run-options.js';
import { runBurstCommand } from './burst-command.js';

const BOOLEAN_KEYS = new Set<keyof RawRunOptions>(['pollJitter', 'defaultThresholds', 'onlySummary', 'stream']);

/** `spawnRate` → `BATCH_LOAD_SPAWN_RATE` */
export function envNameOf(key: string): string {
  return `BATCH_LOAD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function envValue(key: keyof RawRunOptions, text: string): unknown {
  if (!BOOLEAN_KEYS.has(key)) return text;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  return text;
}

/**
 * yargs' camelCase keys → RawRunOptions (only known keys, so stray yargs keys never leak in);
 * a flag not given is read from its BATCH_LOAD_<FLAG> env var.
 */
export function toRawOptions(argv: Record<string, unknown>, env: Record<string, string | undefined> = {}): RawRunOptions {
  const keys: Array<keyof RawRunOptions> = [
    'host', 'basePath', 'preset', 'users', 'spawnRate', 'runTime', 'stopTimeout', 'waitMin', 'waitMax', 'iterations', 'rate',
    'scenario', 'data', 'verify', 'pollInterval', 'pollFactor', 'pollMaxInterval', 'maxPolls', 'maxWait', 'pollJitter',
    'apiKey', 'apiKeyEndpoint', 'basicAuthUsername', 'basicAuthPassword', 'p95ThresholdMs', 'errorRateThreshold', 'threshold',
    'defaultThresholds', 'json', 'csv', 'progressInterval', 'onlySummary', 'requestTimeout', 'connections', 'seed', 'runId',
    'model', 'chatModel', 'responsesModel', 'embeddingsModel', 'prompt', 'promptRepeat', 'maxTokens', 'stream', 'streamRatio',
    'user', 'embeddingInputs', 'encodingFormat', 'dimensions', 'chatHost', 'responsesHost', 'embeddingsHost', 'baselineHost',
    'baselineRatio', 'overheadHeader',
  ];
  const raw: Record<string, unknown> = {};
  for (const key of keys) {
    const value = argv[key];
    // a repeated flag: the last one wins, except --threshold which is a list
    if (Array.isArray(value) && key !== 'threshold') raw[key] = value[value.length - 1];
    else if (value !== undefined) raw[key] = value;
    else {
      const fromEnv = env[envNameOf(key)];
      if (fromEnv !== undefined && fromEnv !== '') raw[key] = envValue(key, fromEnv);
    }
  }
  return raw as RawRunOptions;
}

export async function runRunCommand(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`batch-load: ${redactor.redact(line)}\n`);
  for (const [flag, why] of Object.entries(IGNORED_LOCUST_FLAGS)) {
    if (argv[flag] !== undefined) err(`note: --${flag} is accepted for Locust compatibility and ignored: ${why}`);
  }
  let config: RunConfig;
  try {
    config = await loadRunConfig(toRawOptions(argv, io.env), { env: io.env, cwd: io.cwd });
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  // the CLI prints after the run too: its secrets stay masked for the whole process
  redactor.add(config.auth.apiKey);
  redactor.add(config.auth.basicAuthPassword);
  const burst = argv.burst ?? (io.env.BATCH_LOAD_BURST || undefined);
  if (burst !== undefined) {
    const unsupported = (['json', 'csv', 'threshold', 'rate', 'iterations'] as const).find((k) => argv[k] !== undefined);
    if (unsupported) {
      err(`--burst: --${unsupported} is not supported in burst mode (burst prints its own per-request lines and stats; exit 1 below --min-success)`);
      return 2;
    }
    const minSuccess = argv.minSuccess ?? (io.env.BATCH_LOAD_MIN_SUCCESS || undefined);
    return runBurstCommand(config, { ...argv, burst, minSuccess }, io);
  }

  const out = (line: string) => io.stdout.write(`${redactor.redact(line)}\n`);
  const progress = new ProgressReporter(io.stdout, config);
  let result: RunResult;
  try {
    result = await runLoadTest(config, {
      signal: io.signal,
      log: (line) => progress.log(line),
      onStart: (started) => {
        out(
          started.target.embedded
            ? `No --host given: running against the embedded mock server at ${started.target.host} (batch-load mock)`
            : `Target: ${apiBaseFor(started.target, started.target.host)}`,
        );
        out(describeLoad(started));
      },
      onProgress: (p) => progress.update(p),
    });
  } catch (e) {
    if (e instanceof StartError || e instanceof ConfigError) {
      err(e.message);
      return e.exitCode;
    }
    throw e;
  }
  progress.finish();
  if (result.interrupted) out('Interrupted: in-flight requests were abandoned and counted; this is a partial report.');
  out(renderRunReport(result, config));
  try {
    const written = await writeRunOutputs(result, config);
    for (const file of written) out(`Wrote ${file}`);
  } catch (e) {
    err(`could not write the report: ${(e as Error).message}`);
    return 2;
  }
  return result.exitCode;
}

function describeLoad(c: RunConfig): string {
  const mix = c.scenarios.map((s) => (c.scenarios.length > 1 ? `${s.name}:${s.weight}` : s.name)).join(',');
  const shape = c.arrivalRate > 0 ? `${c.arrivalRate}/s open model, max ${c.users} in flight` : `${c.users} users at ${c.spawnRate}/s`;
  const data = c.batch ? `, data ${c.batch.filename} (${c.batch.lines} requests)` : '';
  return `Run ${c.runId}: ${mix}, ${shape}, run time ${c.runTimeMs / 1000}s${c.preset ? ` (preset ${c.preset})` : ''}${data}`;
}
