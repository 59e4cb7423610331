/**
 * `batch-load report RUN.json [--html F] [--csv PREFIX] [--junit F]`: renders any output from a
 * saved JSON report (a Kubernetes Job writes JSON; people render it later), and
 * `batch-load compare BASE.json NEW.json [--max-regression 10%] [--markdown F] [--html F]`:
 * exit 1 when a metric regressed beyond the bound, 0 otherwise, 2 for bad input.
 */
import type { Argv } from 'yargs';
import { ConfigError } from '../config/errors.js';
import { checkOutputPath } from '../config/output-paths.js';
import { addOptions, rawFromArgv } from '../options/cli.js';
import { defaultOf, readValues } from '../options/read.js';
import { COMPARE_OPTIONS, REPORT_OPTIONS } from '../options/report-options.js';
import { labelOf, type OptionSpec } from '../options/spec.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';

export function reportCommandBuilder<T>(y: Argv<T>) {
  return addOptions(y, REPORT_OPTIONS)
    .positional('run', { describe: 'A JSON report written by --json', type: 'string' })
    .example('$0 report run.json --html run.html --junit junit.xml', 'render a saved run');
}

export function compareCommandBuilder<T>(y: Argv<T>) {
  return addOptions(y, COMPARE_OPTIONS)
    .positional('base', { describe: 'The baseline JSON report', type: 'string' })
    .positional('new', { describe: 'The JSON report to judge against it', type: 'string' })
    .example('$0 compare main.json pr.json --max-regression 10% --markdown comment.md', 'fail CI on a regression')
    .epilogue('Exit codes: 0 no regression beyond the bound, 1 a regression, 2 bad usage or an unreadable report.');
}

/** Typed option values, output paths checked (exit 2 before any work). */
function values(argv: Record<string, unknown>, table: readonly OptionSpec[], io: CliIO): Record<string, unknown> {
  // no BATCH_LOAD_<FLAG> env vars here: those are the run's (BATCH_LOAD_HTML names a run's report)
  const { raw, labels } = rawFromArgv(argv, table, {});
  const v = readValues(table, raw, { labels });
  for (const spec of table) {
    v[spec.key] ??= defaultOf(spec);
    // every option of these tables but --max-regression names an output file
    if (spec.key !== 'maxRegression' && typeof v[spec.key] === 'string') {
      const path = spec.key === 'csv' ? `${String(v[spec.key])}_stats.csv` : String(v[spec.key]);
      checkOutputPath(path, labelOf(spec), io.cwd);
    }
  }
  return v;
}

async function guarded(io: CliIO, name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    // a usage error or a report that cannot be read: one line, exit 2
    if (!(e instanceof ConfigError)) throw e;
    io.stderr.write(`batch-load ${name}: ${e.message.split('\n')[0]}\n`);
    return EXIT.USAGE;
  }
}

export function runReport(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  return guarded(io, 'report', async () => {
    const v = values(argv, REPORT_OPTIONS, io);
    if (!v.html && !v.csv && !v.junit) throw new ConfigError('nothing to write: give --html, --csv or --junit');
    const { readJsonReport } = await import('../report/json.js');
    const { writeReportOutputs } = await import('../report/files.js');
    const doc = await readJsonReport(String(argv.run));
    const written = await writeReportOutputs(doc, { html: v.html as string, junit: v.junit as string, csvPrefix: v.csv as string });
    for (const file of written) io.stdout.write(`Wrote ${file}\n`);
    return EXIT.PASS;
  });
}

export function runCompare(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  return guarded(io, 'compare', async () => {
    const v = values(argv, COMPARE_OPTIONS, io);
    const { parseMaxRegression } = await import('../report/compare.js');
    const { renderCompareMarkdown } = await import('../report/compare-markdown.js');
    const { compareReportFiles } = await import('../report/files.js');
    let maxRegression: number;
    try {
      maxRegression = parseMaxRegression(String(v.maxRegression));
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
    const { result, written } = await compareReportFiles(String(argv.base), String(argv.new), {
      maxRegression,
      markdown: v.markdown as string | undefined,
      html: v.html as string | undefined,
    });
    io.stdout.write(`${renderCompareMarkdown(result)}\n`);
    for (const file of written) io.stdout.write(`Wrote ${file}\n`);
    return result.exitCode;
  });
}
