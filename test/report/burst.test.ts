import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { buildBurstJsonReport, burstSummary, type BurstOutcome } from '../../src/report/burst.js';
import { renderHtmlReport } from '../../src/report/html/report.js';
import { parseJsonReport } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';

function outcome(succeeded: number, sent = 10): BurstOutcome {
  const r = new MetricsRecorder();
  for (let i = 0; i <= sent; i++) r.request('POST /v1/chat/completions [chat]', 100 + i, i > succeeded ? 'HTTP 429 rate_limit_exceeded' : undefined);
  return {
    exitCode: succeeded / sent >= 0.9 ? 0 : 1,
    sent,
    succeeded,
    failed: sent - succeeded,
    successRate: succeeded / sent,
    totalTimeMs: 350,
    stats: { min: 101, max: 110, mean: 105.5, median: 105, stdev: 3.03, p90: 109 },
    failures: sent > succeeded ? { 'HTTP 429 rate_limit_exceeded (key sk-burst-secret-99)': sent - succeeded } : {},
    preflight: { userId: 0, ok: true, status: 200, durationMs: 100 },
    metrics: r.snapshot(),
  };
}

describe('burst mode reports', () => {
  it('the text ends with the thresholds block and the common verdict line', () => {
    const pass = burstSummary({ ...outcome(10), minSuccess: 0.9 });
    expect(pass.slice(-5)).toEqual(['LOAD TEST PASSED', '', "Thresholds\n  burst_success\n    ✓ 'rate>=0.9' rate=1", '', 'RESULT: PASS']);
    const fail = burstSummary({ ...outcome(8), minSuccess: 0.9 });
    expect(fail[fail.length - 1]).toBe('RESULT: FAIL (1 of 1 thresholds failed)');
    expect(fail).toContain("Thresholds\n  burst_success\n    ✗ 'rate>=0.9' rate=0.8");
  });

  it('the JSON report: the success rate as a threshold, the burst section, secrets removed', () => {
    const doc = buildBurstJsonReport(outcome(8), { version: '0.1.0', runId: 'burst-1', config: { apiKey: 'sk-burst-secret-99' }, secrets: ['sk-burst-secret-99'], minSuccess: 0.9 });
    const back = parseJsonReport(JSON.stringify(doc));
    expect(back).toMatchObject({ tool: 'batch-load', runId: 'burst-1', passed: false, exitCode: 1 });
    expect(back.thresholds).toEqual([
      { source: 'burst_success: rate>=0.9', metric: 'burst_success', aggregation: 'rate', op: '>=', threshold: 0.9, observed: 0.8, passed: false },
    ]);
    expect(back.burst).toMatchObject({ sent: 10, succeeded: 8, failed: 2, successRate: 0.8, minSuccess: 0.9, totalTimeMs: 350 });
    expect(back.burst!.failures).toEqual({ 'HTTP 429 rate_limit_exceeded (key ***)': 2 });
    expect(JSON.stringify(back)).not.toContain('sk-burst-secret-99');
    expect(back.metrics.aggregated.count).toBe(11); // the pre-flight is a request too
    // every other output reads it
    expect(renderJunit(back)).toContain('name="burst_success: rate&gt;=0.9"');
    expect(renderHtmlReport(back)).toContain('<section id="burst">');
  });

  it('a failed pre-flight: exit 3, the threshold fails with the reason and nothing observed', () => {
    const failed: BurstOutcome = { ...outcome(0, 0), exitCode: 3, preflight: { userId: 0, ok: false, status: 401, durationMs: 5, error: 'HTTP 401 invalid_api_key' } };
    const doc = buildBurstJsonReport(failed, { version: '0.1.0', runId: 'b', config: {} });
    expect(doc).toMatchObject({ passed: false, exitCode: 3 });
    expect(doc.thresholds[0]).toMatchObject({ observed: null, passed: false, note: 'pre-flight failed: HTTP 401 invalid_api_key' });
  });
});
