/**
 * The one Recorder implementation. Every call is O(1) and keeps no per-sample data: each request
 * name, trend and the aggregate own one auto-resizing HdrHistogram, so memory depends on the
 * number of distinct names and the value range, never on the number of samples or run length.
 *
 * Bounded cardinality (a name with an id in it must not grow memory without end):
 *   - distinct request names: MAX_REQUEST_NAMES, the rest go to OTHER_REQUEST_NAME
 *   - distinct (name, error) failure rows: maxFailureRows, the rest lump into one OTHER row
 *     (request failures and `failure()` rows, such as a failed batch workflow, alike)
 *   - distinct trend names: MAX_TREND_NAMES, samples of further trends are dropped and counted
 *     in the `dropped_trend_samples` counter
 * Secrets: every failure's error text passes the process redactor as it is recorded (a server
 * may echo the caller's key in its error code), so no report built from a snapshot can carry one.
 * Only failures pay for it, never successful requests.
 * Invalid samples (NaN, ±Infinity, negative): a request still counts (and its failure too) with
 * a 0 ms duration; a trend sample is dropped. Both add 1 to the `invalid_samples` counter.
 *
 * Interval view (live progress, stats history, the report's time series): a second aggregate
 * histogram plus request and failure counts cover "since the last takeInterval()", and so do one
 * histogram per request name, one per INTERVAL_TRENDS trend (ttft, itl) and the increments of the
 * INTERVAL_COUNTERS (output tokens). Cost: one more histogram record per request and per ttft/itl
 * sample. The engine calls `takeInterval()` once per progress tick; it returns the interval's
 * stats and starts a new interval.
 */
import { redactor } from '../http/redact.js';
import { MetricHistogram } from './histogram.js';
import type { FailureRow, MetricsSnapshot, Recorder, RequestStats, TrendStats, TrendUnit } from './types.js';

export const AGGREGATED_NAME = 'Aggregated';
export const OTHER_REQUEST_NAME = '(other request names)';
export const OTHER_FAILURE_NAME = '(other)';
export const OTHER_FAILURE_ERROR = '(other failures: distinct failure limit reached)';
export const MAX_REQUEST_NAMES = 1000;
export const MAX_TREND_NAMES = 1000;
export const DEFAULT_MAX_FAILURE_ROWS = 1000;
/** Longer error names are cut: they are grouping keys, not logs. */
export const MAX_ERROR_LENGTH = 300;
export const INVALID_SAMPLES_COUNTER = 'invalid_samples';
export const DROPPED_TREND_SAMPLES_COUNTER = 'dropped_trend_samples';
/** Trends (ms) and counters the interval view also covers, for the report's time series. */
export const INTERVAL_TRENDS = ['ttft', 'itl'] as const;
export const INTERVAL_COUNTERS = ['output_tokens_total'] as const;

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** `POST` for `POST /v1/files [upload]`, '' when the first word is not an HTTP method. */
export function methodOf(name: string): string {
  const space = name.indexOf(' ');
  const first = space < 0 ? name : name.slice(0, space);
  return HTTP_METHODS.has(first) ? first : '';
}

/** Stats of the current interval (since the previous takeInterval / reset). */
export interface IntervalStats {
  /** epoch ms */
  startedAtMs: number;
  endedAtMs: number;
  seconds: number;
  requests: number;
  failures: number;
  rps: number;
  failuresPerSecond: number;
  /** latency of the interval's requests, all names together (ms); from intervalView() it is the
   *  live histogram (keeps changing), from takeInterval() it is handed over and no longer written */
  latency: MetricHistogram;
  p50: number;
  p95: number;
  p99: number;
  /** per request name with requests in the interval: its counts and latency (ms), same hand-over rule */
  byName: Map<string, IntervalNameStats>;
  /** INTERVAL_TRENDS that got samples in the interval, same hand-over rule */
  trends: Map<string, MetricHistogram>;
  /** how much each INTERVAL_COUNTERS counter grew in the interval (0 when it did not) */
  counters: Record<string, number>;
}

export interface IntervalNameStats {
  requests: number;
  failures: number;
  latency: MetricHistogram;
}

export interface RecorderOptions {
  /** epoch ms clock; tests inject one */
  now?: () => number;
  maxFailureRows?: number;
}

export interface SnapshotOptions {
  /** include encoded histograms (default true); false is cheaper for live progress */
  histograms?: boolean;
}

interface NameStats {
  hist: MetricHistogram;
  failures: number;
  /** the current interval's latency and failures of this name */
  interval: MetricHistogram;
  intervalFailures: number;
}

interface FailureEntry {
  name: string;
  error: string;
  occurrences: number;
}

export class MetricsRecorder implements Recorder {
  private readonly clock: () => number;
  private readonly maxFailureRows: number;
  private startMs: number;
  private names = new Map<string, NameStats>();
  private agg = new MetricHistogram('ms');
  private aggFailures = 0;
  private failureRows = new Map<string, FailureEntry>();
  private otherFailures = 0;
  private trends = new Map<string, MetricHistogram>();
  private counters = new Map<string, number>();
  private interval = new MetricHistogram('ms');
  private intervalFailures = 0;
  private intervalStartMs: number;
  private intervalTrends = newIntervalTrends();
  /** INTERVAL_COUNTERS values when the interval started */
  private intervalCounterBase: Record<string, number> = {};

  constructor(opts: RecorderOptions = {}) {
    this.clock = opts.now ?? Date.now;
    this.maxFailureRows = opts.maxFailureRows ?? DEFAULT_MAX_FAILURE_ROWS;
    this.startMs = this.clock();
    this.intervalStartMs = this.startMs;
  }

  request(name: string, durationMs: number, error?: string): void {
    let stats = this.names.get(name);
    if (!stats) {
      if (this.names.size >= MAX_REQUEST_NAMES) name = OTHER_REQUEST_NAME;
      stats = this.names.get(name);
      if (!stats) {
        stats = { hist: new MetricHistogram('ms'), failures: 0, interval: new MetricHistogram('ms'), intervalFailures: 0 };
        this.names.set(name, stats);
      }
    }
    if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
      this.count(INVALID_SAMPLES_COUNTER);
      durationMs = 0;
    }
    stats.hist.record(durationMs);
    this.agg.record(durationMs);
    this.interval.record(durationMs);
    stats.interval.record(durationMs);
    if (error !== undefined) {
      stats.intervalFailures++;
      stats.failures++;
      this.aggFailures++;
      this.intervalFailures++;
      this.addFailure(name, error, 1);
    }
  }

  /** A failure row that is no request: request counts, error rate and interval stay as they are. */
  failure(name: string, error: string): void {
    this.addFailure(name, error, 1);
  }

  trend(name: string, value: number, unit: TrendUnit = 'ms'): void {
    let hist = this.trends.get(name);
    if (!hist) {
      if (this.trends.size >= MAX_TREND_NAMES) {
        this.count(DROPPED_TREND_SAMPLES_COUNTER);
        return;
      }
      // the first call fixes the unit; later calls' unit argument is ignored
      hist = new MetricHistogram(unit);
      this.trends.set(name, hist);
    }
    if (!hist.record(value)) this.count(INVALID_SAMPLES_COUNTER);
    else this.intervalTrends.get(name)?.record(value);
  }

  count(name: string, n = 1): void {
    if (!Number.isFinite(n)) return;
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  /** Current value of a counter (0 when never counted). */
  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** Requests and failures so far, without building a snapshot. */
  totals(): { requests: number; failures: number } {
    return { requests: this.agg.count, failures: this.aggFailures };
  }

  /** Epoch ms the recorder started (or was last reset). */
  get startedAtMs(): number {
    return this.startMs;
  }

  snapshot(now?: number, opts: SnapshotOptions = {}): MetricsSnapshot {
    const endMs = now ?? this.clock();
    const elapsedSeconds = Math.max(0, (endMs - this.startMs) / 1000);
    const withHist = opts.histograms ?? true;
    const requests: Record<string, RequestStats> = {};
    for (const [name, s] of this.names) {
      requests[name] = requestStats(name, s.hist, s.failures, elapsedSeconds, withHist);
    }
    const trends: Record<string, TrendStats> = {};
    for (const [name, h] of this.trends) trends[name] = { name, unit: h.unit, ...h.distribution(withHist) };
    return {
      startedAt: new Date(this.startMs).toISOString(),
      endedAt: new Date(endMs).toISOString(),
      elapsedSeconds,
      requests,
      aggregated: requestStats(AGGREGATED_NAME, this.agg, this.aggFailures, elapsedSeconds, withHist),
      failures: this.failureList(),
      trends,
      counters: Object.fromEntries(this.counters),
    };
  }

  /** The current interval's stats, without starting a new one. */
  intervalView(now?: number): IntervalStats {
    const endMs = now ?? this.clock();
    const seconds = Math.max(0, (endMs - this.intervalStartMs) / 1000);
    const requests = this.interval.count;
    const failures = this.intervalFailures;
    const byName = new Map<string, IntervalNameStats>();
    for (const [name, s] of this.names) {
      if (s.interval.count > 0) byName.set(name, { requests: s.interval.count, failures: s.intervalFailures, latency: s.interval });
    }
    const trends = new Map<string, MetricHistogram>();
    for (const [name, h] of this.intervalTrends) if (h.count > 0) trends.set(name, h);
    const counters: Record<string, number> = {};
    for (const name of INTERVAL_COUNTERS) counters[name] = this.counter(name) - (this.intervalCounterBase[name] ?? 0);
    return {
      startedAtMs: this.intervalStartMs,
      endedAtMs: endMs,
      seconds,
      requests,
      failures,
      rps: seconds > 0 ? requests / seconds : 0,
      failuresPerSecond: seconds > 0 ? failures / seconds : 0,
      latency: this.interval,
      p50: this.interval.percentile(50),
      p95: this.interval.percentile(95),
      p99: this.interval.percentile(99),
      byName,
      trends,
      counters,
    };
  }

  /** The current interval's stats; then a new interval starts at `now`. */
  takeInterval(now?: number): IntervalStats {
    const endMs = now ?? this.clock();
    const view = this.intervalView(endMs);
    // hand the old histogram to the caller and swap in a fresh one
    this.interval = new MetricHistogram('ms');
    this.intervalFailures = 0;
    this.intervalStartMs = endMs;
    // the same for the names and trends that had samples (the others are still empty)
    for (const s of this.names.values()) {
      if (s.interval.count === 0) continue;
      s.interval = new MetricHistogram('ms');
      s.intervalFailures = 0;
    }
    for (const name of view.trends.keys()) this.intervalTrends.set(name, new MetricHistogram('ms'));
    for (const name of INTERVAL_COUNTERS) this.intervalCounterBase[name] = this.counter(name);
    return view;
  }

  /**
   * The run clock (and the current interval) restart at `now`; every sample stays. Rates then
   * cover the load, not the set-up before it (the key bootstrap, waiting for workers).
   */
  restartClock(now?: number): void {
    this.startMs = now ?? this.clock();
    this.intervalStartMs = this.startMs;
  }

  /** Forgets everything; the run clock restarts at `now`. */
  reset(now?: number): void {
    this.startMs = now ?? this.clock();
    this.intervalStartMs = this.startMs;
    this.names = new Map();
    this.agg = new MetricHistogram('ms');
    this.aggFailures = 0;
    this.failureRows = new Map();
    this.otherFailures = 0;
    this.trends = new Map();
    this.counters = new Map();
    this.interval = new MetricHistogram('ms');
    this.intervalFailures = 0;
    this.intervalTrends = newIntervalTrends();
    this.intervalCounterBase = {};
  }

  /** Sizes of the internal maps, for memory tests and diagnostics. */
  get cardinality(): { names: number; failureRows: number; trends: number; counters: number } {
    return {
      names: this.names.size,
      failureRows: this.failureRows.size + (this.otherFailures > 0 ? 1 : 0),
      trends: this.trends.size,
      counters: this.counters.size,
    };
  }

  private addFailure(name: string, error: string, n: number): void {
    error = redactor.redact(error);
    if (error.length > MAX_ERROR_LENGTH) error = `${error.slice(0, MAX_ERROR_LENGTH)}…`;
    const key = `${name}\u0000${error}`;
    const row = this.failureRows.get(key);
    if (row) row.occurrences += n;
    else if (this.failureRows.size < this.maxFailureRows) this.failureRows.set(key, { name, error, occurrences: n });
    else this.otherFailures += n;
  }

  private failureList(): FailureRow[] {
    const rows: FailureRow[] = [];
    for (const r of this.failureRows.values()) {
      rows.push({ method: methodOf(r.name), name: r.name, error: r.error, occurrences: r.occurrences });
    }
    rows.sort((a, b) => b.occurrences - a.occurrences);
    if (this.otherFailures > 0) {
      rows.push({ method: '', name: OTHER_FAILURE_NAME, error: OTHER_FAILURE_ERROR, occurrences: this.otherFailures });
    }
    return rows;
  }

  /**
   * Merges snapshots of concurrent shards of one run (several processes or hosts) exactly: the
   * histograms are decoded and added, so percentiles equal those of one recorder that saw every
   * sample. Counts, failures and counters add up; startedAt/endedAt are the earliest/latest;
   * elapsedSeconds is the longest shard's (shards ran side by side), and rates use it.
   * Throws when a snapshot lacks histograms or a trend's unit differs between snapshots.
   */
  static merge(snapshots: MetricsSnapshot[]): MetricsSnapshot {
    if (snapshots.length === 0) throw new Error('nothing to merge');
    const elapsedSeconds = Math.max(...snapshots.map((s) => s.elapsedSeconds));
    const startMs = Math.min(...snapshots.map((s) => Date.parse(s.startedAt)));
    const endMs = Math.max(...snapshots.map((s) => Date.parse(s.endedAt)));

    const names = new Map<string, { hist: MetricHistogram; failures: number }>();
    const agg = new MetricHistogram('ms');
    let aggFailures = 0;
    const trends = new Map<string, MetricHistogram>();
    const counters = new Map<string, number>();
    const failures = new Map<string, FailureRow>();

    for (const s of snapshots) {
      for (const r of Object.values(s.requests)) {
        let entry = names.get(r.name);
        if (!entry) names.set(r.name, (entry = { hist: new MetricHistogram('ms'), failures: 0 }));
        entry.hist.add(MetricHistogram.fromDistribution(r, 'ms'));
        entry.failures += r.failures;
      }
      agg.add(MetricHistogram.fromDistribution(s.aggregated, 'ms'));
      aggFailures += s.aggregated.failures;
      for (const t of Object.values(s.trends)) {
        const h = MetricHistogram.fromDistribution(t, t.unit);
        const existing = trends.get(t.name);
        if (!existing) trends.set(t.name, h);
        else if (existing.unit !== t.unit) {
          throw new Error(`cannot merge trend '${t.name}': unit '${t.unit}' vs '${existing.unit}'`);
        } else existing.add(h);
      }
      for (const [k, v] of Object.entries(s.counters)) counters.set(k, (counters.get(k) ?? 0) + v);
      for (const f of s.failures) {
        const key = `${f.name}\u0000${f.error}`;
        const row = failures.get(key);
        if (row) row.occurrences += f.occurrences;
        else failures.set(key, { ...f });
      }
    }

    const requests: Record<string, RequestStats> = {};
    for (const [name, e] of names) requests[name] = requestStats(name, e.hist, e.failures, elapsedSeconds, true);
    const trendStats: Record<string, TrendStats> = {};
    for (const [name, h] of trends) trendStats[name] = { name, unit: h.unit, ...h.distribution(true) };
    const failureRows = [...failures.values()].sort((a, b) => b.occurrences - a.occurrences);
    return {
      startedAt: new Date(startMs).toISOString(),
      endedAt: new Date(endMs).toISOString(),
      elapsedSeconds,
      requests,
      aggregated: requestStats(AGGREGATED_NAME, agg, aggFailures, elapsedSeconds, true),
      failures: failureRows,
      trends: trendStats,
      counters: Object.fromEntries(counters),
    };
  }
}

function newIntervalTrends(): Map<string, MetricHistogram> {
  return new Map(INTERVAL_TRENDS.map((name) => [name, new MetricHistogram('ms')]));
}

function requestStats(
  name: string,
  hist: MetricHistogram,
  failures: number,
  elapsedSeconds: number,
  withHist: boolean,
): RequestStats {
  const d = hist.distribution(withHist);
  return {
    name,
    method: name === AGGREGATED_NAME ? '' : methodOf(name),
    ...d,
    failures,
    rps: elapsedSeconds > 0 ? d.count / elapsedSeconds : 0,
    failuresPerSecond: elapsedSeconds > 0 ? failures / elapsedSeconds : 0,
    errorRate: d.count > 0 ? failures / d.count : 0,
  };
}
