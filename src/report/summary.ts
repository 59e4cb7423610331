/**
 * End-of-run text summary. Each section is a pure function of the snapshot (or the threshold
 * results) returning a block of text, '' when it has nothing to show; renderSummary joins them:
 *
 *   title · requests table · failures · batch workflow · other trends · other counters
 *   · extra sections (caller's) · thresholds · `RESULT: PASS|FAIL (...)` as the very last line
 *
 * Each metric appears once: the trends and counters the online sections print (LLM table,
 * overhead header; the caller passes them as extra sections) are left out of the generic tables.
 * No colors; plain ASCII but for the thresholds' ✓/✗; columns only depend on the data (and
 * `width` when given), so logs of non-TTY runs are stable.
 */
import type { MetricsSnapshot, RequestStats, TrendStats } from '../metrics/types.js';
import { onlineSectionMetrics } from '../scenarios/online/report.js';
import type { ThresholdResult } from '../thresholds/types.js';
import { fmtDuration, fmtFixed, fmtMs, fmtNum, renderTable, type Align, type TableOptions } from './format.js';
import { LOAD_SHAPE_COUNTERS, LOAD_SHAPE_TRENDS, renderScheduleSection } from './load-shape.js';
import type { ScheduleReport } from '../engine/executors/types.js';

export interface SummaryInput {
  snapshot: MetricsSnapshot;
  thresholds: ThresholdResult[];
  title?: string;
  /** blocks inserted before the thresholds verdict (e.g. proxy overhead, server reconciliation) */
  extraSections?: string[];
  /** terminal width to fit tables into; omit for logs (nothing is cut) */
  width?: number;
  /** the run was interrupted: the verdict line says so (a partial run is never a pass) */
  interrupted?: boolean;
  /** the open model's schedule (requested vs achieved), for the Load shape section */
  schedule?: ScheduleReport;
}

/** Status order of a batch's lifecycle, for the time-in-status rows. */
export const BATCH_STATUS_ORDER = ['validating', 'in_progress', 'finalizing', 'cancelling', 'completed', 'failed', 'cancelled', 'expired'];
export const BATCH_TREND_PREFIX = 'batch_';
export const BATCH_STATUS_TREND_PREFIX = 'batch_status:';
/** Counters shown in the batch section, by prefix. */
export const BATCH_COUNTER_PREFIXES = ['workflows_', 'batches_', 'batch_', 'integrity_'];

export function renderSummary(input: SummaryInput): string {
  const { snapshot, thresholds, width } = input;
  const sections = [
    renderTitle(snapshot, input.title),
    renderRequestsTable(snapshot, { width }),
    renderFailuresTable(snapshot, { width }),
    renderBatchSection(snapshot, { width }),
    renderTrendsSection(snapshot, { width }),
    renderCountersSection(snapshot),
    renderScheduleSection(input.schedule, snapshot),
    ...(input.extraSections ?? []),
    renderThresholdsSection(thresholds),
  ];
  return [...sections.map((s) => s.trimEnd()).filter((s) => s.length > 0), resultLine(thresholds, input.interrupted)].join('\n\n');
}

export function renderTitle(snapshot: MetricsSnapshot, title = 'batch-load summary'): string {
  return `${title}\n${snapshot.startedAt} .. ${snapshot.endedAt} (${fmtDuration(snapshot.elapsedSeconds)})`;
}

/** `POST /v1/files [upload]` → ['POST', '/v1/files [upload]']. */
function splitName(r: RequestStats): [string, string] {
  if (r.method && r.name.startsWith(`${r.method} `)) return [r.method, r.name.slice(r.method.length + 1)];
  return [r.method, r.name];
}

/** Locust-style request statistics with percentiles, one row per name plus Aggregated. */
export function renderRequestsTable(snapshot: MetricsSnapshot, opts: TableOptions = {}): string {
  const all = Object.values(snapshot.requests);
  if (all.length === 0 && snapshot.aggregated.count === 0) return 'Requests\nno requests recorded';
  const sorted = [...all].sort((a, b) => cmp(splitName(a)[1], splitName(b)[1]) || cmp(a.method, b.method));
  const row = (r: RequestStats) => {
    const [type, name] = splitName(r);
    const failPct = r.count > 0 ? (r.failures / r.count) * 100 : 0;
    return [
      type,
      name,
      String(r.count),
      `${r.failures}(${failPct.toFixed(2)}%)`,
      ...[r.mean, r.min, r.max, r.p50, r.p90, r.p95, r.p99, r.p999].map((v) => (r.count > 0 ? fmtMs(v) : '-')),
      fmtFixed(r.rps),
      fmtFixed(r.failuresPerSecond),
    ];
  };
  const headers = ['Type', 'Name', '# reqs', '# fails', 'Avg', 'Min', 'Max', 'Med', 'p90', 'p95', 'p99', 'p99.9', 'req/s', 'failures/s'];
  const align: Align[] = ['l', 'l', ...Array<Align>(12).fill('r')];
  const lines = renderTable(headers, [...sorted.map(row), row(snapshot.aggregated)], align, opts);
  lines.splice(lines.length - 1, 0, lines[1]); // rule above Aggregated, like Locust
  return ['Requests (response times in ms)', ...lines].join('\n');
}

/** Failures grouped by (name, error), most frequent first. */
export function renderFailuresTable(snapshot: MetricsSnapshot, opts: TableOptions = {}): string {
  if (snapshot.failures.length === 0) return '';
  const rows = snapshot.failures.map((f) => {
    const name = f.method && f.name.startsWith(`${f.method} `) ? f.name.slice(f.method.length + 1) : f.name;
    return [String(f.occurrences), f.method, name, f.error];
  });
  const lines = renderTable(['# occurrences', 'Method', 'Name', 'Error'], rows, ['r', 'l', 'l', 'l'], opts);
  return ['Failures', ...lines].join('\n');
}

/** Trend rows: count, min, avg, p50, p90, p95, p99, max and the unit. */
export function renderTrendTable(trends: TrendStats[], opts: TableOptions = {}, label = (t: TrendStats) => t.name): string[] {
  const rows = trends.map((t) => {
    const f = (v: number) => (t.count === 0 ? '-' : fmtTrend(v, t));
    return [label(t), String(t.count), f(t.min), f(t.mean), f(t.p50), f(t.p90), f(t.p95), f(t.p99), f(t.max), unitLabel(t)];
  });
  const headers = ['Name', 'count', 'min', 'avg', 'p50', 'p90', 'p95', 'p99', 'max', 'unit'];
  return renderTable(headers, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], opts);
}

function fmtTrend(v: number, t: TrendStats): string {
  if (t.unit === 'ms') return fmtMs(v);
  if (t.unit === 'rate') return fmtFixed(v);
  return fmtNum(Number(v.toFixed(2)));
}

function unitLabel(t: TrendStats): string {
  return t.unit === 'rate' ? '/s' : t.unit;
}

/**
 * Batch workflow: batch_turnaround, time in each status (`batch_status:<status>` trends),
 * batch_polls and any other `batch_*` trend; then workflow, batch-line and integrity counters.
 */
export function renderBatchSection(snapshot: MetricsSnapshot, opts: TableOptions = {}): string {
  const trends = batchTrends(snapshot);
  const counters = Object.entries(snapshot.counters).filter(([k]) => isBatchCounter(k));
  if (trends.length === 0 && counters.length === 0) return '';
  const out = ['Batch workflow'];
  if (trends.length > 0) {
    const label = (t: TrendStats) =>
      t.name.startsWith(BATCH_STATUS_TREND_PREFIX) ? `time in ${t.name.slice(BATCH_STATUS_TREND_PREFIX.length)}` : t.name;
    out.push(...renderTrendTable(trends, opts, label));
  }
  if (counters.length > 0) {
    if (trends.length > 0) out.push('');
    const ordered = counters.sort(([a], [b]) => counterRank(a) - counterRank(b) || cmp(a, b));
    const w = Math.max(...ordered.map(([k]) => k.length));
    for (const [k, v] of ordered) out.push(`${k.padEnd(w)}  ${fmtNum(v)}`);
    const ok = snapshot.counters.batch_lines_ok;
    const failed = snapshot.counters.batch_lines_failed;
    if (ok !== undefined && failed !== undefined && ok + failed > 0) {
      out.push(`batch lines succeeded: ${((ok / (ok + failed)) * 100).toFixed(2)}% of ${fmtNum(ok + failed)}`);
    }
  }
  return out.join('\n');
}

/** Every trend neither the batch section nor the online sections show (output_tokens ...), by name. */
export function renderTrendsSection(snapshot: MetricsSnapshot, opts: TableOptions = {}): string {
  const shown = new Set([...batchTrends(snapshot).map((t) => t.name), ...onlineSectionMetrics(snapshot).trends, ...LOAD_SHAPE_TRENDS]);
  const rest = Object.values(snapshot.trends)
    .filter((t) => !shown.has(t.name))
    .sort((a, b) => cmp(a.name, b.name));
  if (rest.length === 0) return '';
  return ['Other trends', ...renderTrendTable(rest, opts)].join('\n');
}

/** Every counter neither the batch section nor the online sections show, sorted by name. */
export function renderCountersSection(snapshot: MetricsSnapshot): string {
  const online = onlineSectionMetrics(snapshot).counters;
  const rest = Object.entries(snapshot.counters)
    .filter(([k]) => !isBatchCounter(k) && !online.has(k) && !LOAD_SHAPE_COUNTERS.has(k))
    .sort(([a], [b]) => cmp(a, b));
  if (rest.length === 0) return '';
  const w = Math.max(...rest.map(([k]) => k.length));
  return ['Counters', ...rest.map(([k, v]) => `${k.padEnd(w)}  ${fmtNum(v)}`)].join('\n');
}

/** The condition part of a threshold (`p(95)<=1000` of `http_req_duration: p(95)<=1000`). */
export function thresholdCondition(r: ThresholdResult): string {
  const prefix = `${r.metric}:`;
  return r.source.startsWith(prefix) ? r.source.slice(prefix.length).trim() : `${r.aggregation}${r.op}${fmtNum(r.threshold)}`;
}

/** `p(95)=123.4`, or `p(95)=n/a (no samples)` when nothing was observed. */
export function thresholdObserved(r: ThresholdResult): string {
  const value = r.observed === null ? 'n/a' : fmtNum(r.observed);
  const note = r.note ? ` (${r.note})` : '';
  return `${r.aggregation}=${value}${note}`;
}

/**
 * k6-style: thresholds grouped by metric (in the order given), one line each with ✓ or ✗, the
 * condition and the observed value:
 *
 *     http_req_duration
 *       ✓ 'p(95)<=1000' p(95)=123.4
 */
export function renderThresholdsSection(results: ThresholdResult[]): string {
  if (results.length === 0) return '';
  const byMetric = new Map<string, ThresholdResult[]>();
  for (const r of results) byMetric.set(r.metric, [...(byMetric.get(r.metric) ?? []), r]);
  const lines = ['Thresholds'];
  for (const [metric, rs] of byMetric) {
    lines.push(`  ${metric}`);
    for (const r of rs) lines.push(`    ${r.passed ? '✓' : '✗'} '${thresholdCondition(r)}' ${thresholdObserved(r)}`);
  }
  return lines.join('\n');
}

/** `RESULT: PASS`, `RESULT: FAIL (n of m thresholds failed)` or `RESULT: INTERRUPTED (...)`. */
export function resultLine(results: ThresholdResult[], interrupted = false): string {
  const failed = results.filter((r) => !r.passed).length;
  if (interrupted) return `RESULT: INTERRUPTED (partial run, not judged; ${failed} of ${results.length} thresholds failed so far)`;
  if (failed === 0) return results.length === 0 ? 'RESULT: PASS (no thresholds)' : 'RESULT: PASS';
  return `RESULT: FAIL (${failed} of ${results.length} thresholds failed)`;
}

function batchTrends(snapshot: MetricsSnapshot): TrendStats[] {
  const trends = Object.values(snapshot.trends).filter((t) => t.name.startsWith(BATCH_TREND_PREFIX));
  return trends.sort((a, b) => trendRank(a.name) - trendRank(b.name) || cmp(a.name, b.name));
}

/** The lifecycle figures from the server's clock, first, in lifecycle order. */
const LIFECYCLE_TRENDS = ['batch_turnaround', 'batch_queue_time', 'batch_processing_time', 'batch_finalize_time', 'batch_lines_per_second', 'batch_notice_lag'];

function trendRank(name: string): number {
  const lifecycle = LIFECYCLE_TRENDS.indexOf(name);
  if (lifecycle >= 0) return lifecycle / 100;
  if (name.startsWith(BATCH_STATUS_TREND_PREFIX)) {
    const i = BATCH_STATUS_ORDER.indexOf(name.slice(BATCH_STATUS_TREND_PREFIX.length));
    return 1 + (i < 0 ? BATCH_STATUS_ORDER.length : i) / 100;
  }
  if (name === 'batch_polls') return 2;
  return 3;
}

function isBatchCounter(name: string): boolean {
  return BATCH_COUNTER_PREFIXES.some((p) => name.startsWith(p));
}

function counterRank(name: string): number {
  const i = BATCH_COUNTER_PREFIXES.findIndex((p) => name.startsWith(p));
  return i < 0 ? BATCH_COUNTER_PREFIXES.length : i;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
