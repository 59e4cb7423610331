/**
 * What the run command prints and writes around the engine: live progress (plus the Locust
 * stats-history CSV, one row per interval), the end summary with the online-scenario sections
 * and, for embedded runs, the reconciliation with the mock's own counts; `--json` and `--csv`.
 */
import { createRequire } from 'node:module';
import type { RunConfig } from '../config/types.js';
import type { ProgressInfo, RunResult } from '../engine/runner.js';
import { redactor } from '../http/redact.js';
import { writeCsvReports, StatsHistoryCsv } from '../report/csv.js';
import { buildJsonReport, writeJsonReport } from '../report/json.js';
import { ProgressPrinter } from '../report/progress.js';
import { renderSummary } from '../report/summary.js';
import { onlineSummarySections } from '../scenarios/online/report.js';
import { reconcileWithServer } from './reconcile.js';

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

  update(p: ProgressInfo): void {
    this.history?.append({ users: p.users, interval: p.interval, totals: p.totals });
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
  if (result.serverStats) extra.push(reconcileWithServer(result.metrics, result.serverStats).text);
  return redactor.redact(
    renderSummary({
      snapshot: result.metrics,
      thresholds: result.thresholds,
      title: `batch-load ${VERSION} · run ${result.runId}${result.interrupted ? ' · INTERRUPTED (partial)' : ''}`,
      extraSections: extra.filter((s) => s.trim() !== ''),
    }),
  );
}

/** Writes --json and --csv outputs; returns the paths written. */
export async function writeRunOutputs(result: RunResult, config: RunConfig): Promise<string[]> {
  const written: string[] = [];
  if (config.output.jsonFile) {
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
    });
    await writeJsonReport(config.output.jsonFile, { ...doc, derived: result.derived, serverStats: result.serverStats });
    written.push(config.output.jsonFile);
  }
  if (config.output.csvPrefix) written.push(...(await writeCsvReports(config.output.csvPrefix, result.metrics)));
  return written;
}
