/**
 * CLI entry: `batch-load [run] ...` (default), `batch-load mock ...`, `batch-load serve ...`.
 * Usage errors are one line on stderr and exit 2; nothing is sent before the config is valid.
 */
import yargs from 'yargs';
import { mockCommandBuilder, runMock } from './mock-command.js';
import { processIO, type CliIO } from './io.js';
import { runOptionsBuilder } from './run-options.js';
import { runRunCommand } from './run-command.js';
import { runServe, serveCommandBuilder } from './serve-command.js';
import { installSignalHandlers } from './signals.js';

class UsageError extends Error {}

export async function main(argv: string[], ioOverride?: CliIO): Promise<number> {
  const signals = ioOverride ? undefined : installSignalHandlers(process.stderr);
  const io = ioOverride ?? processIO(signals?.signal);
  let exitCode = 0;
  try {
    await yargs(argv)
      .scriptName('batch-load')
      .command(
        ['run', '$0'],
        'Run a load test (against the embedded mock server when no --host is given)',
        (y) => runOptionsBuilder(y),
        async (a) => {
          exitCode = await runRunCommand(a as Record<string, unknown>, io);
        },
      )
      .command(
        'mock',
        'Run the OpenAI-compatible mock server',
        (y) => mockCommandBuilder(y),
        async (a) => {
          exitCode = await runMock(a as Record<string, unknown>, io);
        },
      )
      .command(
        'serve',
        'HTTP orchestrator: load tests on demand (POST /run-load-tests ...)',
        (y) => serveCommandBuilder(y),
        async (a) => {
          exitCode = await runServe(a as Record<string, unknown>, io);
        },
      )
      .strict()
      .help()
      .alias('help', 'h')
      .version()
      .wrap(Math.min(120, io.stdout.columns ?? 100))
      .exitProcess(false)
      // throwing here stops yargs before any command handler runs
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      })
      .parseAsync();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`batch-load: ${err.message.split('\n')[0]} (see batch-load --help)\n`);
    return 2;
  } finally {
    signals?.dispose();
  }
  return exitCode;
}
