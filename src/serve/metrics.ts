/**
 * GET /metrics: Prometheus text exposition (format 0.0.4) of the live runs, or, when nothing
 * runs, of the last finished test's final values. Every series carries `run_id` and `test`
 * labels so concurrent runs never collide; request names go in a `name` label (the recorder
 * bounds their number). Built from snapshots without histograms, so a scrape stays cheap.
 */
import type { MetricsSnapshot, RequestStats } from '../metrics/types.js';
import { METRIC } from '../scenarios/online/stream-metrics.js';
import type { RunRegistry, RunStatus } from './runs.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One test's numbers as /metrics shows them. */
export interface MetricsSource {
  runId: string;
  test: string;
  engineRunId: string;
  status: RunStatus;
  users: number;
  snapshot: MetricsSnapshot;
}

/** Label value escaping of the text format: backslash, double quote, line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  const body = Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',');
  return body ? `{${body}}` : '';
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const QUANTILES: Array<[string, keyof Pick<RequestStats, 'p50' | 'p90' | 'p95' | 'p99'>]> = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
];

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'summary', help: string, write: () => void): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    write();
  }

  sample(name: string, l: Record<string, string>, value: number): void {
    this.lines.push(`${name}${labels(l)} ${formatValue(value)}`);
  }

  /** Quantiles in ms, `_sum` (ms) and `_count` of one distribution. */
  summary(name: string, l: Record<string, string>, d: { count: number; mean: number } & Record<'p50' | 'p90' | 'p95' | 'p99', number>): void {
    for (const [q, key] of QUANTILES) this.sample(name, { ...l, quantile: q }, d[key]);
    this.sample(`${name}_sum`, l, d.mean * d.count);
    this.sample(`${name}_count`, l, d.count);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export function renderMetrics(sources: MetricsSource[], activeRuns: number): string {
  const out = new Exposition();
  const base = (s: MetricsSource) => ({ run_id: s.runId, test: s.test });
  out.family('batch_load_runs_active', 'gauge', 'Runs in progress.', () => out.sample('batch_load_runs_active', {}, activeRuns));
  out.family('batch_load_run_info', 'gauge', 'The run each series belongs to (live, or the last finished when idle).', () => {
    for (const s of sources) out.sample('batch_load_run_info', { ...base(s), engine_run_id: s.engineRunId, status: s.status }, 1);
  });
  out.family('batch_load_users', 'gauge', 'Active virtual users.', () => {
    for (const s of sources) out.sample('batch_load_users', base(s), s.users);
  });
  out.family('batch_load_elapsed_seconds', 'gauge', 'Seconds since load started.', () => {
    for (const s of sources) out.sample('batch_load_elapsed_seconds', base(s), s.snapshot.elapsedSeconds);
  });
  out.family('batch_load_requests_total', 'counter', 'Requests sent, per request name (failures included).', () => {
    for (const s of sources) for (const r of Object.values(s.snapshot.requests)) out.sample('batch_load_requests_total', { ...base(s), name: r.name }, r.count);
  });
  out.family('batch_load_failures_total', 'counter', 'Failed requests, per request name.', () => {
    for (const s of sources) for (const r of Object.values(s.snapshot.requests)) out.sample('batch_load_failures_total', { ...base(s), name: r.name }, r.failures);
  });
  out.family('batch_load_request_duration_ms', 'summary', 'Response time in milliseconds, per request name.', () => {
    for (const s of sources) for (const r of Object.values(s.snapshot.requests)) out.summary('batch_load_request_duration_ms', { ...base(s), name: r.name }, r);
  });
  const trend = (metric: string, name: string, help: string) =>
    out.family(name, 'summary', help, () => {
      for (const s of sources) {
        const t = s.snapshot.trends[metric];
        if (t && t.count > 0) out.summary(name, base(s), t);
      }
    });
  trend(METRIC.ttft, 'batch_load_ttft_ms', 'Time to first token of streams, milliseconds.');
  trend(METRIC.itl, 'batch_load_inter_token_latency_ms', 'Gap between content deltas of streams, milliseconds.');
  return out.text();
}

/** The sources /metrics shows now: every active run's live test, else the last finished test. */
export function metricsSources(registry: RunRegistry): MetricsSource[] {
  const live: MetricsSource[] = [];
  for (const run of registry.active()) {
    const t = run.live;
    if (!t) continue;
    live.push({
      runId: run.id,
      test: t.test,
      engineRunId: t.engineRunId,
      status: run.status,
      users: t.users,
      snapshot: t.recorder.snapshot(undefined, { histograms: false }),
    });
  }
  if (live.length > 0) return live;
  const last = registry.lastFinished;
  return last ? [{ runId: last.runId, test: last.test, engineRunId: last.engineRunId, status: last.status, users: 0, snapshot: last.snapshot }] : [];
}
