/** Text output of burst mode (the burst tester's layout): header, one line per request, summary. */

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
  lines.push(RULE, '', s.successRate >= s.minSuccess ? 'LOAD TEST PASSED' : 'LOAD TEST FAILED');
  return lines;
}
