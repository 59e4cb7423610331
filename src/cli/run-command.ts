/**
 * `batch-load [run]`: flags → RunConfig → engine → summary, reports and exit code
 * (cli/exit-codes.ts). A crash while the load runs still prints and writes what was counted.
 */
import { loadRunConfig } from '../config/load.js';
import { ConfigError, StartError } from '../config/errors.js';
import { apiBaseFor } from '../config/target.js';
import type { RunConfig } from '../config/types.js';
import { redactor } from '../http/redact.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { judgeRun, runLoadTest, type RunHooks, type RunResult } from '../engine/runner.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import { localToken, runCoordinated, type ScaleOptions } from '../workers/coordinator.js';
import { parseWorkerCount } from '../workers/count.js';
import { checkSplit } from '../workers/split.js';
import { rawFromArgv } from '../options/cli.js';
import { RUN_OPTIONS } from '../options/run-options.js';
import { flagOf } from '../options/spec.js';
import { ProgressReporter, renderRunReport, VERSION, writeRunOutputs, writeRunOutputsSync } from './report-output.js';
import { onCrashWrite } from './crash.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';
import { describeShape } from '../report/load-shape.js';

/** Flags that do not apply to burst mode: refused rather than silently ignored. */
const NOT_IN_BURST = ['csv', 'html', 'junit', 'threshold', 'rate', 'iterations', 'stages', 'sweep', 'workers'] as const;

/**
 * `scale`: how the load is spread over worker processes, given the run's config (`--workers N`
 * or `batch-load coordinator`); a ConfigError from it is bad usage (exit 2).
 */
export type ScaleFor = (config: RunConfig) => ScaleOptions | undefined;

export async function runRunCommand(argv: Record<string, unknown>, io: CliIO, scaleFor?: ScaleFor): Promise<number> {
  const err = (line: string) => io.stderr.write(`batch-load: ${redactor.redact(line)}\n`);
  for (const spec of RUN_OPTIONS) {
    if ('ignored' in spec && argv[flagOf(spec)] !== undefined) {
      err(`note: --${flagOf(spec)} is accepted for Locust compatibility and ignored: ${spec.ignored}`);
    }
  }
  const { raw, labels } = rawFromArgv(argv, RUN_OPTIONS, io.env);
  if (raw.connections !== undefined && raw.rate === undefined && raw.burst === undefined) {
    err('note: --connections sizes the open model’s pool (--rate); in the closed model each user has its own connection');
  }
  let config: RunConfig;
  try {
    config = await loadRunConfig(raw, { env: io.env, cwd: io.cwd, labels });
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return EXIT.USAGE;
    }
    throw e;
  }
  // the CLI prints after the run too: its secrets stay masked for the whole process
  redactor.add(config.auth.apiKey);
  redactor.add(config.auth.basicAuthPassword);
  if (raw.burst !== undefined) {
    const unsupported = NOT_IN_BURST.find((k) => raw[k] !== undefined);
    if (unsupported) {
      err(`--burst: --${unsupported} is not supported in burst mode (burst prints its own per-request lines and stats, writes --json, and exits 1 below --min-success)`);
      return EXIT.USAGE;
    }
    const { runBurstCommand } = await import('./burst-command.js');
    return runBurstCommand(config, { burst: raw.burst, minSuccess: raw.minSuccess, scenario: raw.scenario }, io);
  }
  let scale: ScaleOptions | undefined;
  try {
    scale = scaleFor ? scaleFor(config) : raw.workers !== undefined ? localScale(config, String(raw.workers)) : undefined;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return EXIT.USAGE;
  }

  const out = (line: string) => io.stdout.write(`${redactor.redact(line)}\n`);
  const progress = new ProgressReporter(io.stdout, config);
  const recorder = new MetricsRecorder();
  let started: RunConfig | undefined;
  // what was counted so far: this process's recorder, or the workers' figures merged
  let counted = () => recorder.snapshot();
  // a crash mid-run: what was counted is printed and written (synchronously), then exit 4
  const stopCrashWrite = onCrashWrite((error) => {
    const partial = partialResult(started ?? config, counted());
    out(renderRunReport(partial, config));
    out(`CRASHED: ${error}; the report above holds what was counted until then.`);
    for (const file of writeRunOutputsSync(partial, config, error)) out(`Wrote ${file}`);
  });
  let result: RunResult;
  try {
    const hooks: RunHooks = {
      signal: io.signal,
      recorder,
      log: (line) => progress.log(line),
      onStart: (c) => {
        started = c;
        out(
          c.target.embedded
            ? `No --host given: running against the embedded mock server at ${c.target.host} (batch-load mock)`
            : `Target: ${apiBaseFor(c.target, c.target.host)}`,
        );
        out(describeLoad(c, scale?.expected));
      },
      onProgress: (p) => progress.update(p),
    };
    result = scale
      ? await runCoordinated(config, { ...scale, onHub: (hub) => (counted = () => hub.metrics(recorder.snapshot())) }, hooks)
      : await runLoadTest(config, hooks);
  } catch (e) {
    stopCrashWrite();
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
    // the paths were checked before the run; a failure now (disk full ...) is not a verdict
    err(`could not write the report: ${(e as Error).message}`);
    return EXIT.INTERNAL;
  } finally {
    stopCrashWrite();
  }
  return result.exitCode;
}

/** A RunResult from what was counted until now (for a crash report). */
function partialResult(config: RunConfig, metrics: MetricsSnapshot): RunResult {
  const verdict = judgeRun(config, metrics, true);
  return {
    runId: config.runId,
    startedAt: metrics.startedAt,
    endedAt: metrics.endedAt,
    target: { host: config.target.host, basePath: config.target.basePath, embedded: config.target.embedded },
    metrics,
    ...verdict,
    passed: false,
    interrupted: true,
  };
}

function describeLoad(c: RunConfig, workers?: number): string {
  const mix = c.scenarios.map((s) => (c.scenarios.length > 1 ? `${s.name}:${s.weight}` : s.name)).join(',');
  const shape = describeShape(c);
  const data = c.batch ? `, data ${c.batch.filename} (${c.batch.lines} requests)` : '';
  const split = workers ? `, split over ${workers} worker${workers === 1 ? '' : 's'}` : '';
  const time = c.sweep ? '' : `, run time ${c.runTimeMs / 1000}s`;
  return `Run ${c.runId}: ${mix}, ${shape}${split}${time}${c.preset ? ` (preset ${c.preset})` : ''}${data}`;
}

/** `--workers N` on this machine: loopback, free ports, a token nobody has to type. */
function localScale(config: RunConfig, value: string): ScaleOptions {
  const expected = parseWorkerCount(value);
  checkSplit(config, expected);
  return { expected, bind: '127.0.0.1', port: 0, mockPort: 0, token: localToken(), readyTimeoutMs: 60_000, local: true, version: VERSION };
}
