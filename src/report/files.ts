/**
 * What the CLI calls to write the report outputs (`--html`, `--junit`, `batch-load report`,
 * `batch-load compare`). Each file is written whole (temporary file + rename); the directory
 * must exist: the CLI checks output paths before any load (config/output-paths.ts).
 */
import { writeFile } from 'node:fs/promises';
import { csvPaths, failuresCsv, statsCsv, statsHistoryCsvFromSeries } from './csv.js';
import { compareReports, type CompareOptions, type CompareResult } from './compare.js';
import { renderCompareMarkdown } from './compare-markdown.js';
import { renderCompareHtml } from './html/compare.js';
import { renderHtmlReport } from './html/report.js';
import { readJsonReport, type JsonReport } from './json.js';
import { renderJunit } from './junit.js';
import { writeFileAtomic } from './write-file.js';

export async function writeHtmlReport(path: string, doc: JsonReport): Promise<void> {
  await writeFileAtomic(path, renderHtmlReport(doc));
}

export async function writeJunitReport(path: string, doc: JsonReport): Promise<void> {
  await writeFileAtomic(path, renderJunit(doc));
}

/**
 * Locust's CSV files from a saved report: PREFIX_stats.csv and PREFIX_failures.csv as a run
 * writes them, and PREFIX_stats_history.csv from its time series when it has one. Returns the
 * paths written.
 */
export async function writeCsvFromReport(prefix: string, doc: JsonReport): Promise<string[]> {
  const p = csvPaths(prefix);
  await writeFile(p.stats, statsCsv(doc.metrics), 'utf8');
  await writeFile(p.failures, failuresCsv(doc.metrics), 'utf8');
  const written = [p.stats, p.failures];
  if (doc.timeseries && doc.timeseries.length > 0) {
    await writeFile(p.history, statsHistoryCsvFromSeries(doc.timeseries), 'utf8');
    written.push(p.history);
  }
  return written;
}

export interface ReportOutputs {
  html?: string;
  junit?: string;
  csvPrefix?: string;
}

/** `batch-load report RUN.json [--html F] [--csv PREFIX] [--junit F]`: renders a saved report; returns the paths written. */
export async function writeReportOutputs(doc: JsonReport, out: ReportOutputs): Promise<string[]> {
  const written: string[] = [];
  if (out.html) {
    await writeHtmlReport(out.html, doc);
    written.push(out.html);
  }
  if (out.junit) {
    await writeJunitReport(out.junit, doc);
    written.push(out.junit);
  }
  if (out.csvPrefix) written.push(...(await writeCsvFromReport(out.csvPrefix, doc)));
  return written;
}

export interface CompareFiles extends CompareOptions {
  markdown?: string;
  html?: string;
}

/**
 * `batch-load compare BASE.json NEW.json [--max-regression 10%] [--markdown F] [--html F]`:
 * reads both reports (a bad file throws one line naming it), compares, writes the requested
 * files. The exit code is `result.exitCode` (1 on a regression beyond the bound).
 */
export async function compareReportFiles(basePath: string, nextPath: string, opts: CompareFiles = {}): Promise<{ result: CompareResult; written: string[] }> {
  const [base, next] = await Promise.all([readJsonReport(basePath), readJsonReport(nextPath)]);
  const result = compareReports(base, next, opts);
  const written: string[] = [];
  if (opts.markdown) {
    await writeFileAtomic(opts.markdown, renderCompareMarkdown(result));
    written.push(opts.markdown);
  }
  if (opts.html) {
    await writeFileAtomic(opts.html, renderCompareHtml(result, base, next));
    written.push(opts.html);
  }
  return { result, written };
}
