/**
 * CLI entry: `batch-load [run] ...` (default), `batch-load mock ...`, `batch-load serve ...`.
 * Usage errors are one line on stderr and exit 2; nothing is sent before the config is valid.
 */
import yargs from 'yargs';
import { mockCommandBuilder, runMock } from './mock-command.js';
import { processIO, type CliIO } from './io.js';
import { runOptionsBuilder } from './run-options.js';
import { runRunCommand } from './run-command.js';
import { installSignalHandlers } from './signals.js';

export async function main(argv: string[], ioOverride?: CliIO): Promise<number> {
  const signals = ioOverride ? undefined : installSignalHandlers(process.stderr);
  const io = ioOverride ?? processIO(signals?.signal);
  let exitCode = 0;
  let usageError: string | undefined;
  try {
    await yargs(argv)
      .scriptName('batch-load')
      .env('BATCH_LOAD')
      .parserConfiguration({ 'duplicate-arguments-array': false })
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
      .strict()
      .help()
      .alias('help', 'h')
      .version()
      .wrap(Math.min(120, io.stdout.columns ?? 100))
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        usageError = msg;
      })
      .parseAsync();
  } finally {
    signals?.dispose();
  }
  if (usageError) {
    io.stderr.write(`batch-load: ${usageError.split('\n')[0]} (see batch-load --help)\n`);
    return 2;
  }
  return exitCode;
}
