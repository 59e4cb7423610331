import { MetricsRecorder } from '../../src/metrics/recorder.js';
import type { MetricsSnapshot } from '../../src/metrics/types.js';

export const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

/** A recorder with a controllable clock. */
export function clockedRecorder(start = T0) {
  let t = start;
  const recorder = new MetricsRecorder({ now: () => t });
  return { recorder, advance: (ms: number) => (t += ms), now: () => t };
}

/** A batch + online run: 3 request names, failures, batch trends/counters, online trends. */
export function sampleSnapshot(): MetricsSnapshot {
  const { recorder: r, advance } = clockedRecorder();
  for (let i = 1; i <= 200; i++) r.request('POST /v1/files [upload]', 100 + i, i % 50 === 0 ? 'HTTP 500' : undefined);
  for (let i = 1; i <= 100; i++) r.request('GET /v1/batches/{batch_id} [poll]', 20 + i / 10);
  r.request('GET /v1/batches/{batch_id} [poll]', 5000, 'timeout after 30s');
  r.request('health check', 3);
  r.trend('batch_turnaround', 45_000);
  r.trend('batch_turnaround', 65_000);
  r.trend('batch_status:in_progress', 30_000);
  r.trend('batch_status:validating', 2_000);
  r.trend('batch_polls', 6, 'count');
  r.trend('ttft', 180);
  r.trend('ttft', 220);
  r.trend('tokens_per_second', 55.5, 'rate');
  r.count('workflows_completed', 2);
  r.count('workflows_failed', 1);
  r.count('batch_lines_ok', 198);
  r.count('batch_lines_failed', 2);
  r.count('integrity_missing', 1);
  r.count('iterations:batch', 3);
  advance(100_000);
  return r.snapshot();
}
