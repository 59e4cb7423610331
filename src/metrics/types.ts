/**
 * Shapes of everything the metrics recorder produces. Snapshots are plain JSON: they go into
 * `--json` reports, the `serve` API and threshold evaluation. Histograms travel as
 * hdr-histogram-js compressed base64 so results from several runs or hosts merge exactly.
 */

/** How a trend's values are stored in its histogram. */
export type TrendUnit =
  /** milliseconds in, stored as integer microseconds (1 µs resolution) */
  | 'ms'
  /** plain non-negative integers (counts, tokens) */
  | 'count'
  /** non-negative reals such as tokens/s, stored ×1000 */
  | 'rate';

/** Percentile summary shared by request stats and trends; times in ms for 'ms' trends. */
export interface Distribution {
  count: number;
  min: number;
  mean: number;
  max: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  /** hdr-histogram-js `encodeIntoCompressedBase64` of the raw histogram (µs for ms units). */
  histogram: string;
}

/** One request name (e.g. `POST /v1/files [upload]`) or the aggregate over all names. */
export interface RequestStats extends Distribution {
  name: string;
  /** HTTP method parsed from the name's first word, '' when none. */
  method: string;
  /** requests that failed (also counted in `count`). */
  failures: number;
  /** count / elapsed seconds of the run */
  rps: number;
  /** failures / elapsed seconds of the run */
  failuresPerSecond: number;
  /** failures / count, 0 when count is 0 */
  errorRate: number;
}

export interface TrendStats extends Distribution {
  name: string;
  unit: TrendUnit;
}

/** Failures grouped Locust-style: one row per (name, error) with its occurrences. */
export interface FailureRow {
  method: string;
  name: string;
  error: string;
  occurrences: number;
}

export interface MetricsSnapshot {
  /** ISO timestamps and elapsed seconds since the recorder started (or was reset). */
  startedAt: string;
  endedAt: string;
  elapsedSeconds: number;
  /** keyed by request name, insertion order */
  requests: Record<string, RequestStats>;
  /** all request names together, named 'Aggregated' */
  aggregated: RequestStats;
  failures: FailureRow[];
  /** keyed by trend name, e.g. batch_turnaround, ttft, itl, `batch_status:validating` */
  trends: Record<string, TrendStats>;
  /** keyed by counter name, e.g. workflows_completed, integrity_missing */
  counters: Record<string, number>;
}

/**
 * What scenarios and the HTTP client write into. One implementation (metrics/recorder.ts);
 * every method is O(1) and allocation-light: it runs once per request.
 */
export interface Recorder {
  /** one finished request: success when `error` is undefined, else a named failure */
  request(name: string, durationMs: number, error?: string): void;
  /**
   * a failure that is not an HTTP request (a batch workflow that ended failed, with its reason):
   * one row in the failures table, never counted as a request nor in the error rate
   */
  failure(name: string, error: string): void;
  /** one sample of a non-request metric (batch_turnaround, ttft, itl, tokens_per_second ...) */
  trend(name: string, value: number, unit?: TrendUnit): void;
  /** add n (default 1) to a counter */
  count(name: string, n?: number): void;
  snapshot(): MetricsSnapshot;
}
