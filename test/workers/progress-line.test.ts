// The progress line of a scale-out run says how many workers run, and any line says when the
// generator is saturated (its latencies then include waiting in its own event loop).
import { describe, expect, it } from 'vitest';
import { LoadGauge } from '../../src/engine/load-gauge.js';
import { formatProgressBlock, formatProgressLine, type ProgressInput } from '../../src/report/progress.js';

const base: ProgressInput = { elapsedMs: 65_000, runTimeMs: 300_000, users: 40, interval: { rps: 42.5, p95: 123, requests: 200, failures: 0 }, totals: { requests: 1200, failures: 3 } };

describe('progress line', () => {
  it('a single process that is not saturated: the line is as before', () => {
    expect(formatProgressLine({ ...base, load: { cpuPercent: 40, lagP99Ms: 2 } })).toBe('[1m05s/5m00s] users 40 | 42.50 req/s | 1200 reqs, 3 fails (0.25%) | p95 123 ms');
  });

  it('saturated (cpu ≥ 90 % or event-loop lag p99 ≥ 50 ms): says so and what to do', () => {
    expect(formatProgressLine({ ...base, load: { cpuPercent: 99.4, lagP99Ms: 12 } })).toMatch(/\| CPU-bound: cpu 99%, event-loop lag p99 12 ms \(use --workers\)$/);
    expect(formatProgressLine({ ...base, load: { cpuPercent: 60, lagP99Ms: 80 } })).toMatch(/CPU-bound: cpu 60%, event-loop lag p99 80 ms/);
  });

  it('a coordinator: workers running of expected, lost ones, and its busiest worker’s load', () => {
    const line = formatProgressLine({ ...base, workers: { running: 3, expected: 4, lost: 1 }, load: { cpuPercent: 100, lagP99Ms: 75 } });
    expect(line).toMatch(/\| p95 123 ms \| workers 3\/4, 1 lost \| CPU-bound: cpu 100%, event-loop lag p99 75 ms \(add workers\)$/);
    expect(formatProgressBlock({ ...base, workers: { running: 4, expected: 4, lost: 0 } })[0]).toMatch(/users 40 {3}workers 4\/4$/);
  });

  it('the gauge measures this process: a blocked loop reads as lagging', async () => {
    const gauge = new LoadGauge();
    await new Promise((r) => setTimeout(r, 50));
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // busy: nothing else runs
    }
    await new Promise((r) => setTimeout(r, 50));
    const busy = gauge.take();
    gauge.stop();
    // CPU share depends on what else the machine runs; the lag does not: the loop was blocked 300 ms
    expect(busy.cpuPercent).toBeGreaterThan(0);
    expect(busy.lagP99Ms).toBeGreaterThan(100);
  });
});
