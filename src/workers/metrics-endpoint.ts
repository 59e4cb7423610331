/**
 * A coordinator's GET /metrics: the merged run in Prometheus text, base units (seconds, not
 * milliseconds, as Prometheus' conventions ask). Built from the workers' merged snapshot, so
 * the quantiles are those of the whole run, exactly; per-worker requests show skew.
 */
import type { MetricsSnapshot } from '../metrics/types.js';
import { Exposition } from '../report/prometheus.js';
import { METRIC } from '../scenarios/online/stream-metrics.js';
import type { WorkerReport } from './report.js';

const MS = 0.001;

export interface RunGauges {
  users: number;
  running: number;
  lost: number;
  expected: number;
  elapsedSeconds: number;
}

export function renderMergedMetrics(snapshot: MetricsSnapshot, workers: WorkerReport[], g: RunGauges): string {
  const out = new Exposition();
  const requests = Object.values(snapshot.requests);
  out.family('batch_load_workers', 'gauge', 'Workers of the run, by state.', () => {
    out.sample('batch_load_workers', { state: 'expected' }, g.expected);
    out.sample('batch_load_workers', { state: 'running' }, g.running);
    out.sample('batch_load_workers', { state: 'lost' }, g.lost);
  });
  out.family('batch_load_users', 'gauge', 'Active virtual users, all workers.', () => out.sample('batch_load_users', {}, g.users));
  out.family('batch_load_elapsed_seconds', 'gauge', 'Seconds since the common start.', () => out.sample('batch_load_elapsed_seconds', {}, g.elapsedSeconds));
  out.family('batch_load_requests_total', 'counter', 'Requests sent, per request name (failures included).', () => {
    for (const r of requests) out.sample('batch_load_requests_total', { name: r.name }, r.count);
  });
  out.family('batch_load_failures_total', 'counter', 'Failed requests, per request name.', () => {
    for (const r of requests) out.sample('batch_load_failures_total', { name: r.name }, r.failures);
  });
  out.family('batch_load_request_duration_seconds', 'summary', 'Response time, per request name (exact merge of every worker).', () => {
    for (const r of requests) out.summary('batch_load_request_duration_seconds', { name: r.name }, r, MS);
  });
  for (const [metric, name, help] of [
    [METRIC.ttft, 'batch_load_ttft_seconds', 'Time to first token of streams.'],
    [METRIC.itl, 'batch_load_inter_token_latency_seconds', 'Gap between content deltas of streams.'],
  ] as const) {
    const t = snapshot.trends[metric];
    if (t && t.count > 0) out.family(name, 'summary', help, () => out.summary(name, {}, t, MS));
  }
  out.family('batch_load_events_total', 'counter', 'Counters of the run (workflows, iterations, integrity problems ...).', () => {
    for (const [name, v] of Object.entries(snapshot.counters)) out.sample('batch_load_events_total', { counter: name }, v);
  });
  out.family('batch_load_worker_requests_total', 'counter', 'Requests per worker (its last report).', () => {
    for (const w of workers) out.sample('batch_load_worker_requests_total', { worker: String(w.index) }, w.requests);
  });
  return out.text();
}
