/**
 * CLI entry: `batch-load [run] ...` (default), `batch-load mock ...`, `batch-load serve ...`.
 * Usage errors are one line on stderr and exit 2; nothing is sent before the config is valid.
 * Option tables live in src/options; command modules are loaded only when their command runs
 * (a run does not load the mock's or serve's code unless it needs it).
 */
import yargs from 'yargs';
import { addOptions, PARSER_CONFIGURATION } from '../options/cli.js';
import { RUN_OPTIONS } from '../options/run-options.js';
import { EXIT, exitCodeHelp } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { installSignalHandlers } from './signals.js';
import { MOCK_OPTIONS } from '../options/mock-options.js';
import { serveCommandBuilder } from './serve-command.js';
import { dataCommandBuilder } from './data-command.js';
import { compareCommandBuilder, reportCommandBuilder } from './report-command.js';

class UsageError extends Error {}

const RUN_EXAMPLES: Array<[string, string]> = [
  ['$0 --run-time 20s', 'the batch workflow against the embedded mock server'],
  ['$0 --host http://localhost:3001 --base-path /ai/v1 --preset smoke', 'a real service, smoke preset'],
  ["$0 -H http://localhost:4000 --scenario 'chat:3,embeddings:1' --stream -u 50 -t 5m", 'online mix, streaming'],
  ['$0 -H http://localhost:4000 --scenario chat --rate 200 -u 400', 'open model: 200 iterations/s'],
  ["$0 --threshold 'POST /v1/files [upload]: p(99)<800' --json report.json", 'an extra check and a JSON report'],
];

export async function main(argv: string[], ioOverride?: CliIO): Promise<number> {
  const signals = ioOverride ? undefined : installSignalHandlers(process.stderr);
  const io = ioOverride ?? processIO(signals?.signal);
  let exitCode: number = EXIT.PASS;
  try {
    let y = yargs()
      .scriptName('batch-load')
      // values stay the text typed: the option registry parses them (no silent 0x10 → 16)
      .parserConfiguration(PARSER_CONFIGURATION)
      .command(
        ['run', '$0'],
        'Run a load test (against the embedded mock server when no --host is given)',
        (c) => {
          let out = addOptions(c, RUN_OPTIONS);
          for (const [cmd, what] of RUN_EXAMPLES) out = out.example(cmd, what);
          return out.epilogue(`${exitCodeHelp()}\n\nEvery flag can also be set as BATCH_LOAD_<FLAG> (BATCH_LOAD_SPAWN_RATE=5); a flag beats its env var.`);
        },
        async (a) => {
          const { runRunCommand } = await import('./run-command.js');
          exitCode = await runRunCommand(a as Record<string, unknown>, io);
        },
      )
      .command(
        'mock',
        'Run the OpenAI-compatible mock server',
        // the mock's flags come from its option table: its code loads only when it runs
        (c) => addOptions(c, MOCK_OPTIONS),
        async (a) => {
          const { runMock } = await import('./mock-command.js');
          exitCode = await runMock(a as Record<string, unknown>, io);
        },
      )
      .command(
        'data',
        'Generate a Batch API input file (JSONL): synthetic prompts of given token lengths, or from a prompts file',
        (c) => dataCommandBuilder(c),
        async (a) => {
          const { runData } = await import('./data-command.js');
          exitCode = await runData(a as Record<string, unknown>, io);
        },
      )
      .command(
        'report <run>',
        'Render a saved JSON report as HTML, CSV or JUnit',
        (c) => reportCommandBuilder(c),
        async (a) => {
          const { runReport } = await import('./report-command.js');
          exitCode = await runReport(a as Record<string, unknown>, io);
        },
      )
      .command(
        'compare <base> <new>',
        'Compare two JSON reports: deltas per request name and trend, exit 1 on a regression beyond --max-regression',
        (c) => compareCommandBuilder(c),
        async (a) => {
          const { runCompare } = await import('./report-command.js');
          exitCode = await runCompare(a as Record<string, unknown>, io);
        },
      )
      .command(
        'serve',
        'HTTP orchestrator: load tests on demand (POST /run-load-tests ...)',
        (c) => serveCommandBuilder(c),
        async (a) => {
          const { runServe } = await import('./serve-command.js');
          exitCode = await runServe(a as Record<string, unknown>, io);
        },
      );
    y = y
      .strict()
      .help()
      .alias('help', 'h')
      .version()
      .wrap(Math.min(120, io.stdout.columns ?? 100))
      .exitProcess(false)
      // throwing here stops yargs before any command handler runs
      // (a YError is yargs' own usage complaint; any other error came from a handler: a bug)
      .fail((msg, err) => {
        if (err && err.name !== 'YError') throw err;
        throw new UsageError(msg ?? err?.message ?? 'bad usage');
      });
    // --help and --version text goes to the command's own stdout (tests and serve capture it)
    let printed = '';
    await y.parseAsync(argv, {}, (_err, _args, output) => {
      printed = output;
    });
    if (printed) io.stdout.write(`${printed}\n`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`batch-load: ${err.message.split('\n')[0]} (see batch-load --help)\n`);
    return EXIT.USAGE;
  } finally {
    signals?.dispose();
  }
  return exitCode;
}
