/**
 * Lifecycle figures come from the server's timestamps (server − server), the notice lag from two
 * spans each on one clock; without timestamps the polls' observation is the fallback, counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/config/load.js';
import { runLoadTest } from '../../../src/engine/runner.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { LIFECYCLE, noticeLagMs, recordLifecycle, serverLifecycle } from '../../../src/scenarios/batch/lifecycle.js';
import type { BatchObject } from '../../../src/scenarios/batch/wire.js';

const T0 = 1_732_912_345.1;
const batch = (patch: Partial<BatchObject>): BatchObject => ({
  id: 'batch_1',
  status: 'completed',
  created_at: T0,
  in_progress_at: T0 + 0.3,
  finalizing_at: T0 + 0.45,
  completed_at: T0 + 0.65,
  request_counts: { total: 30, completed: 30, failed: 0 },
  ...patch,
});

describe('serverLifecycle', () => {
  it('queue, processing, finalize, turnaround and lines/s from the timestamps', () => {
    const s = serverLifecycle(batch({}))!;
    expect(s.queueMs).toBeCloseTo(300, 3);
    expect(s.processingMs).toBeCloseTo(150, 3);
    expect(s.finalizeMs).toBeCloseTo(200, 3);
    expect(s.turnaroundMs).toBeCloseTo(650, 3);
    expect(s.linesPerSecond).toBeCloseTo(200, 3);
    expect(s.statuses.map((x) => x.status)).toEqual(['validating', 'in_progress', 'finalizing']);
  });

  it('a cancelled batch: in_progress ends at cancelling_at, no finalize figure', () => {
    const s = serverLifecycle(batch({ status: 'cancelled', finalizing_at: null, completed_at: null, cancelling_at: T0 + 0.4, cancelled_at: T0 + 0.5 }))!;
    expect(s.statuses.map((x) => [x.status, Math.round(x.ms)])).toEqual([['validating', 300], ['in_progress', 100], ['cancelling', 100]]);
    expect(s.finalizeMs).toBeUndefined();
    expect(s.turnaroundMs).toBeCloseTo(500, 3);
  });

  it('none without created_at or the terminal timestamp', () => {
    expect(serverLifecycle(batch({ created_at: null }))).toBeUndefined();
    expect(serverLifecycle(batch({ completed_at: undefined }))).toBeUndefined();
  });
});

describe('noticeLagMs', () => {
  it('our span to the poll that saw the end, less the server span, kept inside what the polls prove', () => {
    // create sent at 1000, answered at 1010 (created_at ≈ 1005 on our clock); terminal after 650 ms
    // of server time; the poll that saw it answered at 1900: lag ≈ 1900 − 1005 − 650 = 245
    const clock = { createSentMs: 1000, createAnsweredMs: 1010, lastActiveSentMs: 1500, terminalSeenMs: 1900 };
    expect(noticeLagMs({ turnaroundMs: 650 }, clock)).toBeCloseTo(245, 6);
    // never below 0, never above (seen − last poll that still saw it running)
    expect(noticeLagMs({ turnaroundMs: 2000 }, clock)).toBe(0);
    expect(noticeLagMs({ turnaroundMs: 0 }, { ...clock, lastActiveSentMs: 1800 })).toBe(100);
  });
});

describe('recordLifecycle', () => {
  it('falls back to the polls and says so when the server sends no timestamps', () => {
    const rec = new MetricsRecorder();
    const clock = { createSentMs: 0, createAnsweredMs: 1, terminalSeenMs: 900 };
    recordLifecycle(rec, { id: 'b', status: 'completed' }, clock, { statuses: [{ status: 'validating', ms: 899 }], turnaroundMs: 899 });
    const m = rec.snapshot();
    expect(m.counters[LIFECYCLE.missing]).toBe(1);
    expect(m.trends[LIFECYCLE.turnaround]!.count).toBe(1);
    expect(m.trends[LIFECYCLE.queue]).toBeUndefined();
    expect(m.trends[LIFECYCLE.noticeLag]).toBeUndefined();
  });
});

describe('against the mock with --validating 300ms --finalizing 200ms --ms-timestamps', () => {
  let mock: MockServer | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  it('queue, processing and finalize are within ±50 ms of the configuration; the JSON gets the timelines', async () => {
    // every line takes 100 ms (no per-token time, no jitter) and the 3 lines run at once
    mock = await startMockServer({
      port: 0,
      host: '127.0.0.1',
      auth: { staticKeys: ['sk-t'] },
      latency: { ttftMs: 100, perTokenMs: 0, jitterMs: 0 },
      batch: { validatingMs: 300, finalizingMs: 200, msTimestamps: true },
    });
    const config = await loadRunConfig({
      host: mock.url, apiKey: 'sk-t', users: 2, iterations: 4, runTime: '20s', waitMin: 0, waitMax: 0,
      pollInterval: '1s', pollJitter: false, data: 'small', verify: 'metadata', onlySummary: true,
    });
    const result = await runLoadTest(config);
    expect(result.exitCode).toBe(0);
    const t = result.metrics.trends;
    // queue and finalize are decided on the mock's clock; processing is 100 ms line timers that a
    // loaded machine (the mock shares this process) fires late: a generous bound above
    for (const [name, configured, slack] of [[LIFECYCLE.queue, 300, 50], [LIFECYCLE.processing, 100, 250], [LIFECYCLE.finalize, 200, 50]] as const) {
      expect(t[name]!.count, name).toBe(4);
      expect(t[name]!.min, name).toBeGreaterThanOrEqual(configured - 50);
      expect(t[name]!.max, name).toBeLessThanOrEqual(configured + slack);
    }
    // polls a second apart: the poller saw validating → completed, yet time in validating is the
    // server's 300 ms, not the turnaround
    expect(t['batch_status:validating']!.max).toBeLessThan(t[LIFECYCLE.turnaround]!.min);
    expect(t[LIFECYCLE.turnaround]!.max).toBeLessThan(800);
    expect(t[LIFECYCLE.linesPerSecond]!.count).toBe(4);
    expect(t[LIFECYCLE.noticeLag]!.count).toBe(4);
    expect(result.metrics.counters[LIFECYCLE.missing]).toBeUndefined();
    expect(result.batches).toHaveLength(4);
    expect(result.batches![0]!.statuses.map((s) => s.status)).toEqual(['validating', 'in_progress', 'finalizing', 'completed']);
  });
});
