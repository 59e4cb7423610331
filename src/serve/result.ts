/**
 * An engine RunResult → the result object the FastAPI orchestrator returned (same field names), plus ours:
 * p99, per-request-name stats, LLM stream metrics (TTFT, inter-token latency), proxy overhead
 * against a baseline, batch workflow metrics and the thresholds verdict.
 */
import type { RunResult } from '../engine/runner.js';
import { redactor } from '../http/redact.js';
import type { Distribution, MetricsSnapshot, RequestStats } from '../metrics/types.js';
import { computeOverhead } from '../scenarios/online/overhead.js';
import { aggregateTokensPerSecond, tokenProvenance } from '../scenarios/online/report.js';
import { METRIC } from '../scenarios/online/stream-metrics.js';
import type { TestConfiguration } from './plan.js';
import type { TestName } from './tests.js';

/** Rounded to µs; non-finite values (never expected) become 0 so the JSON stays numeric. */
const ms = (v: number): number => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0);

export interface ErrorRow {
  method: string;
  name: string;
  occurrences: number;
  error: string;
}

export interface OverheadSummary {
  count: number;
  min_ms: number | null;
  max_ms: number | null;
  avg_ms: number | null;
  median_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface DistributionBody {
  count: number;
  min: number;
  avg: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface EndpointBody {
  method: string;
  name: string;
  requests: number;
  failures: number;
  avg_response_time_ms: number;
  median_response_time_ms: number;
  p95_response_time_ms: number;
  p99_response_time_ms: number;
  max_response_time_ms: number;
  requests_per_second: number;
}

export interface ResultBody {
  // the FastAPI orchestrator's fields
  duration_seconds: number;
  user_count: number;
  spawn_rate: number;
  requests: number;
  failures: number;
  avg_response_time_ms: number;
  median_response_time_ms: number;
  p95_response_time_ms: number;
  max_response_time_ms: number;
  requests_per_second: number;
  failures_per_second: number;
  errors: ErrorRow[];
  overhead_summary: OverheadSummary;
  // ours
  test: TestName;
  run_id: string;
  host: string;
  embedded_mock: boolean;
  started_at: string;
  ended_at: string;
  elapsed_seconds: number;
  interrupted: boolean;
  min_response_time_ms: number;
  p90_response_time_ms: number;
  p99_response_time_ms: number;
  error_rate: number;
  endpoints: EndpointBody[];
  llm: LlmBody | null;
  proxy_overhead: ProxyOverheadBody | null;
  batch: BatchBody | null;
  thresholds: { passed: boolean; results: ThresholdBody[] };
  counters: Record<string, number>;
  /** what the embedded mock saw (embedded runs only), for reconciliation */
  server_stats?: NonNullable<RunResult['serverStats']>;
}

export interface LlmBody {
  ttft_ms: DistributionBody | null;
  inter_token_latency_ms: DistributionBody | null;
  time_per_output_token_ms: DistributionBody | null;
  e2e_ms: DistributionBody | null;
  output_tokens_total: number;
  output_tokens_per_second: number;
  /** 'usage' (server-reported), 'counted' (stream deltas) or both */
  tokens_from: string;
}

export interface ProxyOverheadBody {
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  avg_ms: number;
  proxied_requests: number;
  baseline_requests: number;
}

export interface BatchBody {
  workflows_completed: number;
  workflows_failed: number;
  /** terminal status → batches */
  batches_by_status: Record<string, number>;
  lines_succeeded: number;
  lines_failed: number;
  /** integrity problem → count (missing, duplicate, unexpected ... custom_ids) */
  integrity: Record<string, number>;
  turnaround_ms: DistributionBody | null;
  polls: DistributionBody | null;
}

export interface ThresholdBody {
  expression: string;
  metric: string;
  aggregation: string;
  op: string;
  threshold: number;
  observed: number | null;
  passed: boolean;
  note?: string;
}

export function distributionBody(d: Distribution | undefined): DistributionBody | null {
  if (!d || d.count === 0) return null;
  return { count: d.count, min: ms(d.min), avg: ms(d.mean), median: ms(d.p50), p90: ms(d.p90), p95: ms(d.p95), p99: ms(d.p99), max: ms(d.max) };
}

function endpointBody(r: RequestStats): EndpointBody {
  return {
    method: r.method,
    name: r.name,
    requests: r.count,
    failures: r.failures,
    avg_response_time_ms: ms(r.mean),
    median_response_time_ms: ms(r.p50),
    p95_response_time_ms: ms(r.p95),
    p99_response_time_ms: ms(r.p99),
    max_response_time_ms: ms(r.max),
    requests_per_second: ms(r.rps),
  };
}

function overheadSummary(snapshot: MetricsSnapshot): OverheadSummary {
  const h = computeOverhead(snapshot).header;
  if (!h) return { count: 0, min_ms: null, max_ms: null, avg_ms: null, median_ms: null, p95_ms: null, p99_ms: null };
  return { count: h.count, min_ms: ms(h.min), max_ms: ms(h.max), avg_ms: ms(h.avg), median_ms: ms(h.median), p95_ms: ms(h.p95), p99_ms: ms(h.p99) };
}

function proxyOverhead(snapshot: MetricsSnapshot): ProxyOverheadBody | null {
  const o = computeOverhead(snapshot).overall;
  if (!o) return null;
  return {
    p50_ms: ms(o.p50),
    p90_ms: ms(o.p90),
    p95_ms: ms(o.p95),
    p99_ms: ms(o.p99),
    avg_ms: ms(o.avg),
    proxied_requests: o.proxiedCount,
    baseline_requests: o.baselineCount,
  };
}

function llmBody(snapshot: MetricsSnapshot): LlmBody | null {
  const t = snapshot.trends;
  const total = snapshot.counters[METRIC.outputTokensTotal];
  if (total === undefined && !t[METRIC.ttft]) return null;
  return {
    ttft_ms: distributionBody(t[METRIC.ttft]),
    inter_token_latency_ms: distributionBody(t[METRIC.itl]),
    time_per_output_token_ms: distributionBody(t[METRIC.tpot]),
    e2e_ms: distributionBody(t[METRIC.e2e]),
    output_tokens_total: total ?? 0,
    output_tokens_per_second: ms(aggregateTokensPerSecond(snapshot)),
    tokens_from: tokenProvenance(snapshot),
  };
}

/** Counters `prefix<x>` → { x: n }. */
function countersWithPrefix(counters: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(counters)) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = n;
  return out;
}

function batchBody(snapshot: MetricsSnapshot, test: TestName): BatchBody | null {
  const c = snapshot.counters;
  if (test !== 'batch' && c.workflows_completed === undefined && c.workflows_failed === undefined) return null;
  return {
    workflows_completed: c.workflows_completed ?? 0,
    workflows_failed: c.workflows_failed ?? 0,
    batches_by_status: countersWithPrefix(c, 'batches_'),
    lines_succeeded: c.batch_lines_ok ?? 0,
    lines_failed: c.batch_lines_failed ?? 0,
    integrity: countersWithPrefix(c, 'integrity_'),
    turnaround_ms: distributionBody(snapshot.trends.batch_turnaround),
    polls: distributionBody(snapshot.trends.batch_polls),
  };
}

export function toResultBody(test: TestName, result: RunResult, configuration: TestConfiguration): ResultBody {
  const m = result.metrics;
  const a = m.aggregated;
  const body: ResultBody = {
    duration_seconds: configuration.duration_seconds,
    user_count: configuration.user_count,
    spawn_rate: configuration.spawn_rate,
    requests: a.count,
    failures: a.failures,
    avg_response_time_ms: ms(a.mean),
    median_response_time_ms: ms(a.p50),
    p95_response_time_ms: ms(a.p95),
    max_response_time_ms: ms(a.max),
    requests_per_second: ms(a.rps),
    failures_per_second: ms(a.failuresPerSecond),
    errors: m.failures.map((f) => ({ method: f.method, name: f.name, occurrences: f.occurrences, error: redactor.redact(f.error) })),
    overhead_summary: overheadSummary(m),
    test,
    run_id: result.runId,
    host: result.target.host,
    embedded_mock: result.target.embedded,
    started_at: result.startedAt,
    ended_at: result.endedAt,
    elapsed_seconds: ms(m.elapsedSeconds),
    interrupted: result.interrupted,
    min_response_time_ms: ms(a.min),
    p90_response_time_ms: ms(a.p90),
    p99_response_time_ms: ms(a.p99),
    error_rate: a.errorRate,
    endpoints: Object.values(m.requests).map(endpointBody),
    llm: llmBody(m),
    proxy_overhead: proxyOverhead(m),
    batch: batchBody(m, test),
    thresholds: {
      passed: result.passed,
      results: result.thresholds.map((t) => ({
        expression: t.source,
        metric: t.metric,
        aggregation: t.aggregation,
        op: t.op,
        threshold: t.threshold,
        observed: t.observed,
        passed: t.passed,
        ...(t.note ? { note: t.note } : {}),
      })),
    },
    counters: m.counters,
  };
  if (result.serverStats) body.server_stats = result.serverStats;
  return body;
}
