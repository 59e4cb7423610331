/**
 * GET /metrics: Prometheus text exposition (format 0.0.4) of the live runs, or, when nothing
 * runs, of the last finished test's final values. Every series carries `run_id` and `test`
 * labels so concurrent runs never collide; request names go in a `name` label (the recorder
 * bounds their number). Built from snapshots without histograms, so a scrape stays cheap.
 */
import type { MetricsSnapshot } from '../metrics/types.js';
import { Exposition } from '../report/prometheus.js';
import { METRIC } from '../scenarios/online/stream-metrics.js';
import type { RunRegistry, RunStatus } from './runs.js';

export { escapeLabelValue, formatValue, PROMETHEUS_CONTENT_TYPE } from '../report/prometheus.js';

/** One test's numbers as /metrics shows them. */
export interface MetricsSource {
  runId: string;
  test: string;
  engineRunId: string;
  status: RunStatus;
  users: number;
  snapshot: MetricsSnapshot;
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
