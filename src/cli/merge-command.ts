/**
 * `batch-load merge A.json B.json ... [--json OUT] [--threshold ...]`: the exact merge a
 * coordinator does, offline, for reports made on separate machines (or by `batch-load worker
 * --json`): histograms added (percentiles as if one process had seen every sample), derived
 * metrics recomputed, every threshold of the reports (and --threshold) judged on the merge.
 * Prints the summary; exit code: 1 when a threshold fails on the merge, else the highest of the
 * reports' own (5 when one was interrupted), 2 for a bad file or flag.
 */
import { ConfigError } from '../config/errors.js';
import { checkOutputPath } from '../config/output-paths.js';
import { parseThresholdList } from '../config/thresholds.js';
import { MERGE_OPTIONS } from '../options/scale-options.js';
import { writeReportOutputs } from '../report/files.js';
import { mergeReports, readJsonReport, writeJsonReport, type JsonReport } from '../report/json.js';
import { renderSummary } from '../report/summary.js';
import { onlineSummarySections } from '../scenarios/online/report.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';
import { VERSION } from './report-output.js';
import { tableValues } from './scale-values.js';

export async function runMergeCommand(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`batch-load merge: ${line}\n`);
  const files = ((argv.reports as string[] | undefined) ?? []).map(String);
  let values: Record<string, unknown>;
  let docs: JsonReport[];
  let merged: JsonReport;
  try {
    // no BATCH_LOAD_<FLAG> env vars here: those are the run's (BATCH_LOAD_JSON names a run's report)
    values = tableValues(MERGE_OPTIONS, argv, {});
    if (files.length === 0) throw new ConfigError('name the JSON reports to merge: batch-load merge A.json B.json ...');
    const extra = parseThresholdList(values.threshold as string[] | undefined, false, 1, 0);
    for (const [key, label] of [['json', '--json'], ['html', '--html'], ['junit', '--junit']] as const) {
      if (values[key]) checkOutputPath(values[key] as string, label, io.cwd);
    }
    docs = [];
    for (const file of files) {
      try {
        docs.push(await readJsonReport(file));
      } catch (e) {
        throw new ConfigError((e as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: no such file` : (e as Error).message);
      }
    }
    try {
      merged = mergeReports(docs, { thresholds: extra, version: VERSION });
    } catch (e) {
      throw new ConfigError(`cannot merge: ${(e as Error).message}`);
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return EXIT.USAGE;
  }
  io.stdout.write(`Merged ${docs.length} reports: ${files.map((f, i) => `${f} (run ${docs[i]!.runId})`).join(', ')}\n`);
  io.stdout.write(
    `${renderSummary({
      snapshot: merged.metrics,
      thresholds: merged.thresholds,
      title: `batch-load ${VERSION} · merge of ${docs.length} reports${merged.interrupted ? ' · INTERRUPTED (partial)' : ''}`,
      extraSections: onlineSummarySections(merged.metrics, {}).filter((s) => s.trim() !== ''),
      interrupted: merged.interrupted,
    })}\n`,
  );
  const written: string[] = [];
  if (values.json) {
    await writeJsonReport(values.json as string, merged);
    written.push(values.json as string);
  }
  written.push(...(await writeReportOutputs(merged, { html: values.html as string | undefined, junit: values.junit as string | undefined })));
  for (const f of written) io.stdout.write(`Wrote ${f}\n`);
  return merged.exitCode;
}
