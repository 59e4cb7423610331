import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { sweepCharts } from '../../src/report/html/charts.js';
import { sweepTable } from '../../src/report/html/sections.js';
import { describeShape, renderScheduleSection, renderSweepSection } from '../../src/report/load-shape.js';
import type { SweepSection } from '../../src/report/sweep.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { formatProgressLine } from '../../src/report/progress.js';

const rateSweep: SweepSection = {
  axis: 'rate',
  steps: [
    { kind: 'baseline', users: 1, requestedRate: 6.9, achievedRate: 6.9, rps: 6.9, p50Ms: 145, p95Ms: 150, ttftP50Ms: 50, ttftP95Ms: 55, errors: 0, passed: true },
    { kind: 'rate', requestedRate: 150, achievedRate: 149.8, rps: 149.7, p50Ms: 146, p95Ms: 160, ttftP95Ms: 60, errors: 0, goodput: 149, passed: true },
    { kind: 'rate', requestedRate: 250, achievedRate: 240, rps: 221, p50Ms: 900, p95Ms: 2000, ttftP95Ms: 1900, errors: 0, goodput: 20, passed: false, failed: ['ttft: p(95)<200 (observed 1900)'] },
  ],
  maxSustainableRate: 150,
  bracket: { low: 150, high: 250 },
  baselineRate: 6.9,
  plateauRate: 221,
  slo: ['ttft<=500ms'],
};

const batchSweep: SweepSection = {
  axis: 'batches',
  steps: [1, 2, 4].map((n, i) => ({ kind: 'batches' as const, batchesInFlight: n, requestedRate: n, achievedRate: [50, 90, 100][i]!, linesPerSecond: [50, 90, 100][i]!, p50Ms: 5, p95Ms: 9, turnaroundP50Ms: 400 * n, turnaroundP95Ms: 500 * n, queueP95Ms: 20 * n, workflows: 10, errors: 0, passed: n < 4 })),
  maxSustainableRate: 90,
  bracket: { low: 2, high: 4 },
  plateauRate: 100,
};

describe('load shape sections', () => {
  it('the sweep table: a row per step, the maximum sustainable rate with its bracket, what failed', () => {
    const text = renderSweepSection(rateSweep);
    expect(text).toContain('goodput counts requests meeting ttft<=500ms');
    expect(text.split('\n').filter((l) => /^(baseline|rate)\s/.test(l))).toHaveLength(3);
    expect(text).toContain('max sustainable rate: 150.0/s (between 150.0/s (passed) and 250.0/s (failed))');
    expect(text).toContain('throughput plateau: 221.0/s; baseline (one request in flight): 6.9/s');
    expect(text).toContain('rate 250.0/s: ttft: p(95)<200 (observed 1900)');
  });

  it('a batch sweep: batches in flight, lines/s, turnaround and queue time', () => {
    const text = renderSweepSection(batchSweep);
    expect(text).toMatch(/in flight\s+lines\/s\s+turnaround p50\s+turnaround p95\s+queue p50\s+queue p95/);
    expect(text).toContain('max sustainable rate: 90.0 lines/s (at 2 batches in flight; 4 failed)');
    const charts = sweepCharts(batchSweep);
    expect(charts.map((c) => c.x.label)).toEqual(['batches in flight', 'batches in flight']);
    expect(sweepTable(batchSweep)).toContain('<b>90.00 lines/s</b>');
  });

  it('the schedule: requested vs achieved, starts from the counters, lag, goodput', () => {
    const r = new MetricsRecorder();
    r.count('iterations_scheduled', 1000);
    r.count('dropped_iterations', 5);
    r.trend('schedule_lag', 0.5);
    r.count('slo_requests', 4);
    r.count('slo_met', 3);
    const text = renderScheduleSection({ arrival: 'poisson', requestedRate: 100, achievedRate: 99.5, scheduled: 1000, started: 995, dropped: 5, seconds: 10 }, r.snapshot());
    expect(text).toContain('open model (poisson arrivals): requested 100.00/s, achieved 99.50/s (99.5%) over 10.0 s');
    expect(text).toContain('starts: 1000 due, 995 started, 5 dropped (0.50%)');
    expect(text).toMatch(/schedule lag \(actual − intended start\): p50 0\.5\d* ms/);
    expect(text).toContain('goodput_ratio 75.00% (3 of 4 requests)');
    expect(renderScheduleSection(undefined, new MetricsRecorder().snapshot())).toBe('');
  });

  it('describes each shape in one phrase', () => {
    const c = (raw: Record<string, unknown>) => describeShape(resolveRunConfig({ scenario: 'chat', ...raw }));
    expect(c({ users: 5, spawnRate: 2 })).toBe('5 users at 2/s');
    expect(c({ rate: 10, users: 4, arrival: 'gamma', burstiness: 0.5 })).toBe('10/s open model, gamma(0.5) arrivals, max 4 in flight');
    expect(c({ stages: '30s:10,1500ms:0' })).toBe('users ramping through 30s:10,1500ms:0');
    expect(c({ sweep: 5, stepTime: '10s' })).toBe('sweep in 5 steps of 10s (+5s warm-up)');
  });

  it('the progress line shows the target while a ramp is short of it, and the open model\'s start rate', () => {
    const base = { elapsedMs: 3000, runTimeMs: 10_000, interval: { rps: 5, p95: 10, requests: 15, failures: 0 }, totals: { requests: 15, failures: 0 } };
    expect(formatProgressLine({ ...base, users: 8, target: { users: 20 } })).toMatch(/^\[3s\/10s\] users 8\/20 \|/);
    expect(formatProgressLine({ ...base, users: 20, target: { users: 20 } })).toMatch(/\] users 20 \|/);
    expect(formatProgressLine({ ...base, users: 0, target: { users: 20 }, final: true })).toMatch(/\] users 0 \|/);
    expect(formatProgressLine({ ...base, users: 4, target: { rate: 200 }, rate: 199.8 })).toMatch(/\] users 4, rate 199\.80\/200\.00\/s \|/);
  });
});
