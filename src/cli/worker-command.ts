/**
 * `batch-load worker --coordinator URL`: joins a coordinator (`batch-load coordinator`, or a
 * `--workers N` run's own children) and runs its share of the run. It takes no run flags: the
 * coordinator hands them over. Exit codes: 0 the coordinator has this worker's figures, 2 bad
 * usage, 3 could not join or start, 5 stopped early (lost the coordinator, or a signal).
 */
import { ConfigError } from '../config/errors.js';
import { redactor } from '../http/redact.js';
import { WORKER_OPTIONS } from '../options/scale-options.js';
import { runWorker } from '../workers/worker.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';
import { runJsonReport, VERSION } from './report-output.js';
import { channelToken, tableValues } from './scale-values.js';
import { writeJsonReport } from '../report/json.js';
import { checkOutputPath } from '../config/output-paths.js';

export async function runWorkerCommand(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  // a local worker's output goes to its coordinator through a pipe: when the coordinator dies the
  // pipe breaks, and that must not crash the worker (it stops on the lost channel by itself)
  for (const stream of [io.stdout, io.stderr]) stream.on('error', () => undefined);
  const err = (line: string) => io.stderr.write(`batch-load worker: ${redactor.redact(line)}\n`);
  const out = (line: string) => io.stdout.write(`${redactor.redact(line)}\n`);
  let values: Record<string, unknown>;
  let token: string;
  try {
    values = tableValues(WORKER_OPTIONS, argv, io.env);
    if (!values.coordinator) throw new ConfigError('--coordinator: the URL of the coordinator to join, such as http://coordinator:5557 (required)');
    token = channelToken(values.token);
    if (values.json) checkOutputPath(values.json as string, '--json', io.cwd);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return EXIT.USAGE;
  }
  return runWorker({
    coordinator: values.coordinator as string,
    token,
    index: values.index as number | undefined,
    connectTimeoutMs: values.connectTimeout as number,
    version: VERSION,
    jsonFile: values.json as string | undefined,
    signal: io.signal,
    out,
    err,
    writeReport: async (result, config) => writeJsonReport(config.output.jsonFile!, runJsonReport(result, config)),
  });
}
