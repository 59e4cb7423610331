/**
 * What the run command prints and writes around the engine: live progress (plus the Locust
 * stats-history CSV, one row per interval), the end summary with the online-scenario sections
 * and, for embedded runs, the reconciliation with the mock's own counts; `--json` and `--csv`.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RunConfig } from '../config/types.js';
import type { ProgressInfo, RunResult } from '../engine/runner.js';
import { redactor } from '../http/redact.js';
import { csvPaths, failuresCsv, statsCsv, writeCsvReports, StatsHistoryCsv } from '../report/csv.js';
import { buildJsonReport, writeJsonReport, type JsonReport } from '../report/json.js';
import { ProgressPrinter } from '../report/progress.js';
import { renderSweepSection } from '../report/load-shape.js';
import { renderSummary } from '../report/summary.js';
import { onlineSummarySections } from '../scenarios/online/report.js';
import { reconcileWithServer } from './reconcile.js';
import { renderCompareOnline } from '../scenarios/batch/compare-online.js';

const require = createRequire(import.meta.url);
export const VERSION: string = (require('../../package.json') as { version: string }).version;

export class ProgressReporter {
  private readonly printer: ProgressPrinter;
  private readonly history?: StatsHistoryCsv;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly config: RunConfig,
  ) {
    this.printer = new ProgressPrinter(stream, stream.isTTY === true);
    if (config.output.csvPrefix) this.history = new StatsHistoryCsv(config.output.csvPrefix);
  }

  private historyFailed = false;

  update(p: ProgressInfo): void {
    // a write error in a timer must never throw into the event loop: say it once, keep running
    if (this.history && !this.historyFailed) {
      try {
        this.history.append({ users: p.users, interval: p.interval, totals: p.totals });
      } catch (e) {
        this.historyFailed = true;
        this.log(`could not write ${this.history.path}: ${(e as Error).message} (stats history stops here)`);
      }
    }
    if (!this.config.output.onlySummary) this.printer.update(p);
  }

  log(line: string): void {
    this.printer.log(redactor.redact(line));
  }

  finish(): void {
    this.printer.finish();
  }
}

export function renderRunReport(result: RunResult, config: RunConfig): string {
  const extra = onlineSummarySections(result.metrics, { overheadHeader: config.target.overheadHeader });
  if (result.sweep) extra.unshift(renderSweepSection(result.sweep));
  if (result.compareOnline) extra.push(renderCompareOnline(result.compareOnline));
  if (result.serverStats) extra.push(reconcileWithServer(result.metrics, result.serverStats).text);
  return redactor.redact(
    renderSummary({
      snapshot: result.metrics,
      thresholds: result.thresholds,
      title: `batch-load ${VERSION} · run ${result.runId}${result.interrupted ? ' · INTERRUPTED (partial)' : ''}`,
      extraSections: extra.filter((s) => s.trim() !== ''),
      interrupted: result.interrupted,
      schedule: result.schedule,
    }),
  );
}

/** The --json document of a run (secrets removed). */
export function runJsonReport(result: RunResult, config: RunConfig, extra: Partial<JsonReport> & { error?: string } = {}): JsonReport {
  const doc = buildJsonReport({
    version: VERSION,
    runId: result.runId,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    config: { ...config, batch: config.batch ? { ...config.batch, customIds: undefined } : undefined },
    secrets: [config.auth.apiKey, config.auth.basicAuthPassword].filter((s): s is string => !!s),
    metrics: result.metrics,
    thresholds: result.thresholds,
    passed: result.passed,
    exitCode: result.exitCode,
    interrupted: result.interrupted,
    sweep: result.sweep,
  });
  return {
    ...doc,
    derived: result.derived,
    serverStats: result.serverStats,
    ...(result.executor ? { executor: result.executor } : {}),
    ...(result.schedule ? { schedule: result.schedule } : {}),
    ...(result.timeseries ? { timeseries: result.timeseries } : {}),
    ...(result.batches ? { batches: result.batches } : {}),
    ...(result.compareOnline ? { compareOnline: result.compareOnline } : {}),
    ...extra,
  };
}

/** Writes --json, --csv, --html and --junit outputs (all from the one JSON document); returns the paths written. */
export async function writeRunOutputs(result: RunResult, config: RunConfig): Promise<string[]> {
  const written: string[] = [];
  const { jsonFile, csvPrefix, htmlFile, junitFile } = config.output;
  const doc = runJsonReport(result, config);
  if (jsonFile) {
    await writeJsonReport(jsonFile, doc);
    written.push(jsonFile);
  }
  if (csvPrefix) written.push(...(await writeCsvReports(csvPrefix, result.metrics)));
  if (htmlFile || junitFile) {
    // the renderers are loaded only when asked for (uPlot is inlined into the page)
    const { writeHtmlReport, writeJunitReport } = await import('../report/files.js');
    if (htmlFile) {
      await writeHtmlReport(htmlFile, doc);
      written.push(htmlFile);
    }
    if (junitFile) {
      await writeJunitReport(junitFile, doc);
      written.push(junitFile);
    }
  }
  return written;
}

/** The same outputs, written synchronously: for a crash, when the event loop cannot be trusted. */
export function writeRunOutputsSync(result: RunResult, config: RunConfig, error: string): string[] {
  const written: string[] = [];
  if (config.output.jsonFile) {
    writeFileSync(config.output.jsonFile, `${JSON.stringify(runJsonReport(result, config, { error, exitCode: 4 }), null, 2)}\n`, 'utf8');
    written.push(config.output.jsonFile);
  }
  if (config.output.csvPrefix) {
    const p = csvPaths(config.output.csvPrefix);
    writeFileSync(p.stats, statsCsv(result.metrics), 'utf8');
    writeFileSync(p.failures, failuresCsv(result.metrics), 'utf8');
    written.push(p.stats, p.failures);
  }
  return written;
}
