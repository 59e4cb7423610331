/**
 * `batch-load coordinator --expect-workers N [--port P] [run flags]`: a scale-out run whose
 * workers run elsewhere (`batch-load worker --coordinator URL` on other hosts, or a Kubernetes
 * Indexed Job). Run flags are given here, once; each worker gets its share over the channel.
 * Prints and writes what `batch-load run` does, for the merged run; exit code as a run's, plus 6
 * when a worker was lost.
 */
import { ConfigError } from '../config/errors.js';
import { COORDINATOR_OPTIONS } from '../options/scale-options.js';
import { checkSplit } from '../workers/split.js';
import type { ScaleOptions } from '../workers/coordinator.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';
import { VERSION } from './report-output.js';
import { runRunCommand } from './run-command.js';
import { channelToken, tableValues } from './scale-values.js';

export async function runCoordinatorCommand(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  if (argv.burst !== undefined) {
    io.stderr.write('batch-load coordinator: --burst runs in one process (batch-load --burst N)\n');
    return EXIT.USAGE;
  }
  if (argv.workers !== undefined) {
    io.stderr.write('batch-load coordinator: --workers starts local worker processes; here workers join from elsewhere: use --expect-workers (see batch-load coordinator --help)\n');
    return EXIT.USAGE;
  }
  let values: Record<string, unknown>;
  let token: string;
  try {
    values = tableValues(COORDINATOR_OPTIONS, argv, io.env);
    if (values.expectWorkers === undefined) throw new ConfigError('--expect-workers: how many workers will join (required)');
    token = channelToken(values.token);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr.write(`batch-load coordinator: ${e.message}\n`);
    return EXIT.USAGE;
  }
  return runRunCommand(argv, io, (config): ScaleOptions => {
    const expected = values.expectWorkers as number;
    checkSplit(config, expected);
    return {
      expected,
      bind: values.bind as string,
      port: values.port as number,
      mockPort: values.mockPort as number,
      token,
      readyTimeoutMs: values.readyTimeout as number,
      local: false,
      version: VERSION,
    };
  });
}
