/**
 * Synthetic reports built through the real code path (MetricsRecorder → takeInterval →
 * TimeSeries → buildJsonReport) on a fake clock, for report sizes and layouts: a long mixed run
 * with LLM metrics and batches, and a rate sweep.
 */
import { batchTimelineFromObject, BatchTimelineLog } from '../../src/report/batch-timeline.js';
import { buildJsonReport, type JsonReport } from '../../src/report/json.js';
import type { SweepSection } from '../../src/report/sweep.js';
import { TimeSeries } from '../../src/report/timeseries.js';
import { evaluateThresholds } from '../../src/thresholds/evaluate.js';
import { parseThresholds } from '../../src/thresholds/parse.js';
import { clockedRecorder } from './fixture.js';

const NAMES = [
  'POST /v1/chat/completions [chat]',
  'POST /v1/chat/completions [chat stream]',
  'POST /v1/responses [responses]',
  'POST /v1/embeddings [embeddings]',
  'POST /v1/files [upload]',
  'GET /v1/batches/{batch_id} [poll]',
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** `minutes` of a mixed run at `intervalSeconds` progress intervals, ~20 requests/s. */
export function syntheticReport(minutes: number, intervalSeconds = 5): JsonReport {
  const { recorder, advance, now } = clockedRecorder();
  const rnd = lcg(7);
  const series = new TimeSeries();
  const batches = new BatchTimelineLog();
  const intervals = Math.round((minutes * 60) / intervalSeconds);
  for (let i = 0; i < intervals; i++) {
    const load = 0.5 + 0.5 * Math.sin(i / 40); // a slow wave, so the charts have a shape
    for (let k = 0; k < 100 * load; k++) {
      const name = NAMES[k % NAMES.length];
      const ms = 20 + rnd() * 80 * (1 + load) + (rnd() < 0.01 ? 2000 : 0);
      recorder.request(name, ms, rnd() < 0.01 ? 'HTTP 500 server_error' : undefined);
      if (name.includes('stream')) {
        recorder.trend('ttft', 150 + rnd() * 100 * load);
        for (let g = 0; g < 5; g++) recorder.trend('itl', 10 + rnd() * 15);
        recorder.count('output_tokens_total', 64);
      }
    }
    if (i % 3 === 0) {
      const created = Math.floor(now() / 1000);
      batches.add(batchTimelineFromObject({ id: `batch_${i}`, created_at: created, in_progress_at: created + 2, finalizing_at: created + 20, completed_at: created + 23 }));
      recorder.trend('batch_turnaround', 23_000 + rnd() * 2000);
    }
    advance(intervalSeconds * 1000);
    series.add({ interval: recorder.takeInterval(), users: Math.round(50 * load), targetUsers: 50, batchesInFlight: { validating: 1, in_progress: 4, finalizing: 1 } });
  }
  const metrics = recorder.snapshot();
  const thresholds = evaluateThresholds(parseThresholds(['http_req_duration: p(95)<1000', 'errors: rate<0.05', 'ttft: p(95)<500']), metrics);
  return buildJsonReport({
    version: '0.1.0',
    runId: `synthetic-${minutes}m`,
    config: { target: { host: 'http://127.0.0.1:8080', basePath: '/v1', embedded: false }, users: 50, scenarios: [{ name: 'chat', weight: 1 }] },
    metrics,
    thresholds,
    exitCode: thresholds.every((t) => t.passed) ? 0 : 1,
    timeseries: series.toJSON(),
    batches: batches.toJSON(),
  });
}

/** A rate sweep: latency climbs and goodput falls off past ~40 req/s. */
export function sweepReport(): JsonReport {
  const doc = syntheticReport(2);
  const steps = [5, 10, 20, 30, 40, 50, 60].map((rate) => {
    const achieved = Math.min(rate, 45 + (rate - 45) * 0.1);
    const p50 = 40 + Math.max(0, rate - 35) ** 2;
    return {
      requestedRate: rate,
      achievedRate: achieved,
      p50Ms: p50,
      p95Ms: p50 * 1.8,
      ttftP95Ms: p50 * 1.2,
      goodput: rate <= 40 ? achieved : achieved * Math.max(0.1, 1 - (rate - 40) / 25),
      errorRate: rate > 50 ? 0.02 : 0,
    };
  });
  const sweep: SweepSection = { steps, maxSustainableRate: 40, slo: ['ttft: p(95)<500', 'http_req_duration: p(95)<1000'] };
  return { ...doc, runId: 'synthetic-sweep', sweep };
}
