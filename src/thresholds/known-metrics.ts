/**
 * The metric names a threshold may use, so a typo is a usage error (exit 2, before any load)
 * instead of a threshold that can only fail after the run. Request names are recognised by
 * shape (`METHOD /path [tag]`), since their paths depend on the target.
 */
const EXACT = new Set([
  // built-ins the evaluator resolves
  'http_req_duration', 'http', 'Aggregated', 'http_req_duration_nonstream', 'errors', 'http_reqs', 'integrity', 'overhead', 'overhead_ttft',
  // batch workflow
  'batch_turnaround', 'batch_polls', 'workflows_completed', 'workflows_failed', 'batch_lines_ok', 'batch_lines_failed',
  'batch_queue_time', 'batch_processing_time', 'batch_finalize_time', 'batch_lines_per_second', 'batch_notice_lag',
  'batch_timestamps_missing', 'batch_output_tokens', 'batch_lines_absent', 'batch_cancel_too_late',
  'upload_mb_per_second', 'download_mb_per_second', 'upload_bytes', 'download_bytes', 'online_lines_output_tokens',
  // --retry-429
  'rate_limited', 'retries', 'retry_wait',
  // online scenarios
  'ttft', 'itl', 'tpot', 'e2e', 'output_tokens', 'tokens_per_second', 'overhead_header',
  'output_tokens_total', 'output_tokens_counted_total',
  // engine
  'dropped_iterations', 'scenario_errors', 'invalid_samples',
  // connections
  'connections_opened', 'connect_time',
  // load shapes: the open model's schedule, goodput (--slo), a sweep's verdict
  'iterations_scheduled', 'dropped_iterations_ratio', 'schedule_lag', 'schedule_warnings',
  'goodput', 'goodput_ratio', 'slo_requests', 'slo_met', 'max_sustainable_rate',
]);

const PREFIXES = [
  'batch_status:', 'batches_', 'batch_line_errors:', 'integrity_', 'iterations:', 'iterations_failed:', 'overhead:',
  'ttft:', 'itl:', 'tpot:', 'e2e:', 'tokens_per_second:', 'output_tokens_total:', 'output_tokens_source:',
];

const REQUEST_NAME = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*( \[[^\]]+\])?$/;

export function isKnownMetric(metric: string): boolean {
  return EXACT.has(metric) || PREFIXES.some((p) => metric.startsWith(p)) || REQUEST_NAME.test(metric);
}

export const KNOWN_METRICS_HINT =
  "a request name such as 'POST /v1/files [upload]', http_req_duration, http_req_duration_nonstream, errors, http_reqs, integrity, batch_turnaround, batch_status:<status>, ttft, itl, tokens_per_second, overhead, goodput, goodput_ratio, dropped_iterations_ratio, max_sustainable_rate, or a counter";
