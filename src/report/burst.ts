/**
 * Burst mode's output: the text (the burst tester's layout: header, one line per request, summary,
 * then the common thresholds block and `RESULT:` verdict line) and its JSON report
 * (`buildBurstJsonReport`): a regular batch-load report whose one threshold is the success
 * rate (`burst_success: rate>=0.9`) plus a `burst` section with burst mode's own figures.
 */
import type { ThresholdResult } from '../thresholds/types.js';
import { buildJsonReport, scrubSecrets, type JsonReport } from './json.js';
import { renderThresholdsSection, resultLine } from './summary.js';
import type { MetricsSnapshot } from '../metrics/types.js';

export interface BurstLine {
  userId: number;
  ok: boolean;
  /** HTTP status when a response arrived */
  status?: number;
  durationMs: number;
  /** failure name when not ok */
  error?: string;
}

export interface BurstStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  stdev: number;
  p90: number;
}

export interface BurstSummary {
  totalTimeMs: number;
  sent: number;
  succeeded: number;
  failed: number;
  /** 0..1 */
  successRate: number;
  /** 0..1 */
  minSuccess: number;
  /** ms, over every burst request (success or not) */
  stats: BurstStats;
  /** failure name → occurrences */
  failures: Record<string, number>;
}

const RULE = '='.repeat(65);
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;
const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;

export function burstHeader(info: { target: string; request: string; model: string; n: number; timeoutMs: number }): string[] {
  return [
    RULE,
    `  batch-load burst - ${info.request}`,
    RULE,
    `  Target:           ${info.target}`,
    `  Model:            ${info.model}`,
    `  Concurrent users: ${info.n}`,
    `  Request timeout:  ${info.timeoutMs / 1000}s`,
    RULE,
    '',
  ];
}

export function burstLine(l: BurstLine): string {
  const status = l.status === undefined ? '---' : String(l.status);
  const head = `  User ${String(l.userId).padStart(3)}  ${l.ok ? 'OK  ' : 'FAIL'}  ${status}  ${secs(l.durationMs).padStart(8)}`;
  return l.ok ? head : `${head}  ${l.error ?? ''}`.trimEnd();
}

export function burstSummary(s: BurstSummary): string[] {
  const lines = [
    '',
    RULE,
    '  RESULTS',
    RULE,
    `  Total time:       ${secs(s.totalTimeMs)}`,
    `  Requests sent:    ${s.sent}`,
    `  Successful:       ${s.succeeded}`,
    `  Failed:           ${s.failed}`,
    `  Success rate:     ${pct(s.successRate)} (required ${pct(s.minSuccess)})`,
    '',
    '  Response times (all):',
    `    Min:              ${secs(s.stats.min)}`,
    `    Max:              ${secs(s.stats.max)}`,
    `    Mean:             ${secs(s.stats.mean)}`,
    `    Median:           ${secs(s.stats.median)}`,
    `    Std dev:          ${secs(s.stats.stdev)}`,
    `    P90:              ${secs(s.stats.p90)}`,
  ];
  const failures = Object.entries(s.failures).sort((a, b) => b[1] - a[1]);
  if (failures.length > 0) {
    lines.push('', '  Failures:');
    for (const [reason, n] of failures) lines.push(`    ${String(n).padStart(5)}  ${reason}`);
  }
  // the burst tester's last line stays (scripts look for it), then the verdict every mode ends with
  lines.push(RULE, '', s.successRate >= s.minSuccess ? 'LOAD TEST PASSED' : 'LOAD TEST FAILED');
  const threshold = burstThreshold(s);
  lines.push('', renderThresholdsSection([threshold]), '', resultLine([threshold]));
  return lines;
}

export const BURST_METRIC = 'burst_success';

/** The success-rate requirement as a threshold result; observed is null when nothing was sent. */
export function burstThreshold(s: Pick<BurstSummary, 'sent' | 'successRate' | 'minSuccess'>, note?: string): ThresholdResult {
  const bound = Number(s.minSuccess.toFixed(6));
  const sent = s.sent > 0;
  return {
    source: `${BURST_METRIC}: rate>=${bound}`,
    metric: BURST_METRIC,
    aggregation: 'rate',
    op: '>=',
    threshold: bound,
    observed: sent ? s.successRate : null,
    passed: sent && s.successRate >= s.minSuccess,
    ...(note ? { note } : !sent ? { note: 'no burst requests sent' } : {}),
  };
}

/** The `burst` section of a burst run's JSON report. */
export interface BurstSection {
  /** requests fired at once after the pre-flight */
  sent: number;
  succeeded: number;
  failed: number;
  /** 0..1 */
  successRate: number;
  /** 0..1, from --min-success */
  minSuccess: number;
  /** from the first burst request's start to the last one's end */
  totalTimeMs: number;
  /** ms over the burst requests (success or not) */
  stats: BurstStats;
  /** failure reason → occurrences */
  failures: Record<string, number>;
  preflight: BurstLine;
}

/** What buildBurstJsonReport reads of the engine's BurstResult (src/engine/burst.ts). */
export interface BurstOutcome extends Omit<BurstSection, 'minSuccess'> {
  /** 0 success rate reached, 1 below, 3 pre-flight failed */
  exitCode: number;
  metrics: MetricsSnapshot;
  minSuccess?: number;
}

export interface BurstReportOptions {
  version: string;
  runId: string;
  /** the run configuration; secrets are removed as in every JSON report */
  config: unknown;
  secrets?: string[];
  /** --min-success (0..1); default the result's own */
  minSuccess?: number;
  startedAt?: string;
  endedAt?: string;
}

/**
 * A burst run as a batch-load JSON report: metrics of every request (pre-flight included), the
 * success-rate threshold, `passed`/`exitCode` as the burst decided them, and the `burst` section.
 * A failed pre-flight (exit 3) gives a failed threshold with observed null and the reason.
 */
export function buildBurstJsonReport(result: BurstOutcome, opts: BurstReportOptions): JsonReport {
  const minSuccess = opts.minSuccess ?? result.minSuccess ?? 0.9;
  const preflightNote = result.exitCode === 3 ? `pre-flight failed: ${result.preflight.error ?? 'unknown'}` : undefined;
  const threshold = burstThreshold({ sent: result.sent, successRate: result.successRate, minSuccess }, preflightNote);
  const { exitCode, metrics, sent, succeeded, failed, successRate, totalTimeMs, stats, failures, preflight } = result;
  return buildJsonReport({
    version: opts.version,
    runId: opts.runId,
    startedAt: opts.startedAt,
    endedAt: opts.endedAt,
    config: opts.config,
    secrets: opts.secrets,
    metrics,
    thresholds: [threshold],
    passed: exitCode === 0,
    exitCode,
    // failure reasons are server text: a server echoing a key must not put it in the file
    burst: scrubSecrets({ sent, succeeded, failed, successRate, minSuccess, totalTimeMs, stats, failures, preflight }, opts.secrets ?? []),
  });
}
