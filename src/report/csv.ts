/**
 * Locust-compatible `--csv PREFIX` files: PREFIX_stats.csv, PREFIX_failures.csv and
 * PREFIX_stats_history.csv, same headers as Locust. Differences, on purpose:
 *   - times are exact ms with µs precision (Locust rounds percentiles into buckets)
 *   - Average Content Size is always 0: response sizes are not tracked
 *   - stats history has one Aggregated row per progress interval; its rates and percentiles
 *     cover that interval only (Locust uses a rolling window); Locust 2.x's trailing
 *     "Total Median/Average/Min/Max Response Time, Total Average Content Size" columns are omitted
 *   - no PREFIX_exceptions.csv (we have no exceptions apart from failures)
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MetricHistogram } from '../metrics/histogram.js';
import type { MetricsSnapshot, RequestStats } from '../metrics/types.js';
import type { TimeSeriesPoint } from './timeseries.js';

export const CSV_PERCENTILES = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100] as const;
const PCT_HEADERS = CSV_PERCENTILES.map((p) => `${p}%`);

export const STATS_HEADER = [
  'Type', 'Name', 'Request Count', 'Failure Count', 'Median Response Time', 'Average Response Time',
  'Min Response Time', 'Max Response Time', 'Average Content Size', 'Requests/s', 'Failures/s', ...PCT_HEADERS,
];
export const FAILURES_HEADER = ['Method', 'Name', 'Error', 'Occurrences'];
export const STATS_HISTORY_HEADER = [
  'Timestamp', 'User Count', 'Type', 'Name', 'Requests/s', 'Failures/s', ...PCT_HEADERS,
  'Total Request Count', 'Total Failure Count',
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: Array<string | number>): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/** ms with at most 3 decimals (µs). */
function ms(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

function perSecond(v: number): string {
  return String(Math.round(v * 1e6) / 1e6);
}

/** The CSV percentiles of a request's latency; N/A when it has no samples (like Locust). */
function percentiles(r: RequestStats): string[] {
  if (r.count === 0) return CSV_PERCENTILES.map(() => 'N/A');
  const known: Record<number, number> = { 50: r.p50, 90: r.p90, 95: r.p95, 99: r.p99, 99.9: r.p999, 100: r.max };
  const hist = r.histogram ? MetricHistogram.fromDistribution(r, 'ms') : undefined;
  return CSV_PERCENTILES.map((p) => {
    if (known[p] !== undefined) return ms(known[p]);
    return hist ? ms(hist.percentile(p)) : 'N/A';
  });
}

function statsRow(r: RequestStats, type: string, name: string): string {
  const empty = r.count === 0;
  return csvLine([
    type,
    name,
    r.count,
    r.failures,
    empty ? 0 : ms(r.p50),
    empty ? 0 : ms(r.mean),
    empty ? 0 : ms(r.min),
    empty ? 0 : ms(r.max),
    0,
    perSecond(r.rps),
    perSecond(r.failuresPerSecond),
    ...percentiles(r),
  ]);
}

/** PREFIX_stats.csv: one row per request name (Type = method), then Aggregated. */
export function statsCsv(snapshot: MetricsSnapshot): string {
  let out = csvLine(STATS_HEADER);
  const rows = Object.values(snapshot.requests).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const r of rows) {
    const name = r.method && r.name.startsWith(`${r.method} `) ? r.name.slice(r.method.length + 1) : r.name;
    out += statsRow(r, r.method, name);
  }
  return out + statsRow(snapshot.aggregated, '', 'Aggregated');
}

/** PREFIX_failures.csv: Method,Name,Error,Occurrences. */
export function failuresCsv(snapshot: MetricsSnapshot): string {
  let out = csvLine(FAILURES_HEADER);
  for (const f of snapshot.failures) {
    const name = f.method && f.name.startsWith(`${f.method} `) ? f.name.slice(f.method.length + 1) : f.name;
    out += csvLine([f.method, name, f.error, f.occurrences]);
  }
  return out;
}

/** What one stats-history row needs: the engine's progress tick carries all of it. */
export interface StatsHistoryInput {
  /** epoch ms of the row; default now */
  timestampMs?: number;
  users: number;
  interval: {
    rps: number;
    failuresPerSecond: number;
    latency: { count: number; percentile(p: number): number };
  };
  totals: { requests: number; failures: number };
}

export function statsHistoryRow(input: StatsHistoryInput): string {
  const { interval } = input;
  const pcts = CSV_PERCENTILES.map((p) => (interval.latency.count > 0 ? ms(interval.latency.percentile(p)) : 'N/A'));
  return csvLine([
    Math.floor((input.timestampMs ?? Date.now()) / 1000),
    input.users,
    '',
    'Aggregated',
    perSecond(interval.rps),
    perSecond(interval.failuresPerSecond),
    ...pcts,
    input.totals.requests,
    input.totals.failures,
  ]);
}

/**
 * PREFIX_stats_history.csv rebuilt from a JSON report's time series (`batch-load report --csv`):
 * one Aggregated row per point, counts and rates exact; of the percentiles the series keeps
 * 50 %, 95 % and 99 %, the others are N/A.
 */
export function statsHistoryCsvFromSeries(points: TimeSeriesPoint[]): string {
  let out = csvLine(STATS_HISTORY_HEADER);
  let requests = 0;
  let failures = 0;
  for (const p of points) {
    requests += p.requests;
    failures += p.failures;
    const kept: Record<number, number | null> = { 50: p.p50, 95: p.p95, 99: p.p99 };
    const pcts = CSV_PERCENTILES.map((q) => (kept[q] !== undefined && kept[q] !== null ? ms(kept[q]) : 'N/A'));
    out += csvLine([
      Math.floor(Date.parse(p.end) / 1000),
      p.users === undefined ? '' : Math.round(p.users),
      '',
      'Aggregated',
      perSecond(p.rps),
      perSecond(p.failuresPerSecond),
      ...pcts,
      requests,
      failures,
    ]);
  }
  return out;
}

export function csvPaths(prefix: string): { stats: string; failures: string; history: string } {
  return { stats: `${prefix}_stats.csv`, failures: `${prefix}_failures.csv`, history: `${prefix}_stats_history.csv` };
}

/** Writes PREFIX_stats.csv and PREFIX_failures.csv; returns their paths. */
export async function writeCsvReports(prefix: string, snapshot: MetricsSnapshot): Promise<string[]> {
  const p = csvPaths(prefix);
  await mkdir(dirname(p.stats), { recursive: true });
  await writeFile(p.stats, statsCsv(snapshot), 'utf8');
  await writeFile(p.failures, failuresCsv(snapshot), 'utf8');
  return [p.stats, p.failures];
}

/**
 * PREFIX_stats_history.csv, appended once per progress interval. The first append replaces any
 * file of an earlier run (header + row); later ones append. Synchronous: one small write per tick.
 */
export class StatsHistoryCsv {
  readonly path: string;
  private started = false;

  constructor(prefix: string) {
    this.path = csvPaths(prefix).history;
  }

  append(input: StatsHistoryInput): void {
    const row = statsHistoryRow(input);
    if (!this.started) {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(this.path, csvLine(STATS_HISTORY_HEADER) + row, 'utf8');
      this.started = true;
    } else {
      appendFileSync(this.path, row, 'utf8');
    }
  }
}
