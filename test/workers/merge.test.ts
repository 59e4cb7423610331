// mergeReports (the coordinator's and `batch-load merge`'s merge) recomputes derived metrics from
// the merged histograms: proxy overhead of the merged run equals that of one recorder that saw
// every sample, and thresholds on it are judged on the merge.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/engine/random.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { buildJsonReport, mergeReports, parseJsonReport } from '../../src/report/json.js';
import { DROPPED_ITERATIONS, ITERATIONS_SCHEDULED } from '../../src/engine/executors/arrival-scheduler.js';
import { SLO_MET, SLO_REQUESTS } from '../../src/metrics/goodput.js';
import { computeOverhead } from '../../src/scenarios/online/overhead.js';
import { parseThresholds } from '../../src/thresholds/parse.js';

describe('merging reports recomputes proxy overhead from the merged histograms', () => {
  it('the merged overhead is the one-recorder overhead, not an average of the shards’', () => {
    const random = createRandom(11);
    const single = new MetricsRecorder();
    const shards = [new MetricsRecorder(), new MetricsRecorder(), new MetricsRecorder()];
    for (let i = 0; i < 6000; i++) {
      // the shards see different latencies: averaging their overheads would be wrong
      const s = i % 3;
      const base = 20 + s * 30 + random() * 10;
      const proxied = base + 5 + random() * 3 * (s + 1);
      for (const r of [single, shards[s]!]) {
        r.request('POST /v1/chat/completions [chat]', proxied);
        r.request('POST /v1/chat/completions [chat baseline]', base);
      }
    }
    const specs = parseThresholds(['overhead: p(95)<100']);
    const docs = shards.map((r, i) =>
      parseJsonReport(JSON.stringify(buildJsonReport({ version: '0.1.0', runId: `w${i}`, config: {}, metrics: r.snapshot(), thresholds: [], exitCode: 0 }))),
    );
    const merged = mergeReports(docs, { thresholds: specs });
    const direct = computeOverhead(single.snapshot()).derived;
    expect(merged.derived).toEqual(direct);
    expect(merged.derived!.overhead!['p(95)']).toBeGreaterThan(0);
    const averaged = docs.reduce((n, d) => n + computeOverhead(d.metrics).derived.overhead!['p(95)']!, 0) / docs.length;
    expect(averaged).not.toBe(direct.overhead!['p(95)']);
    expect(merged.thresholds).toEqual([expect.objectContaining({ source: 'overhead: p(95)<100', passed: true, observed: direct.overhead!['p(95)'] })]);
  });

  it('thresholds given to the merge are judged with the reports’ own, each once', () => {
    const r = new MetricsRecorder();
    r.request('GET /health [health]', 5);
    const thresholds = parseThresholds(['http_req_duration: p(95)<1000']).map((s) => ({ ...s, threshold: s.value, observed: 5, passed: true }));
    const doc = parseJsonReport(JSON.stringify(buildJsonReport({ version: '0.1.0', runId: 'a', config: {}, metrics: r.snapshot(), thresholds, exitCode: 0 })));
    const merged = mergeReports([doc, doc], { thresholds: parseThresholds(['http_req_duration: p(95)<1000', 'errors: rate<0.5']) });
    expect(merged.thresholds.map((t) => t.source)).toEqual(['http_req_duration: p(95)<1000', 'errors: rate<0.5']);
  });

  it('goodput and the share of dropped starts are recomputed from the merged counters, not averaged', () => {
    // two open-model workers: one kept up, one dropped a quarter of its starts
    const shard = (scheduled: number, dropped: number, judged: number, met: number) => {
      const r = new MetricsRecorder();
      r.count(ITERATIONS_SCHEDULED, scheduled);
      r.count(DROPPED_ITERATIONS, dropped);
      r.count(SLO_REQUESTS, judged);
      r.count(SLO_MET, met);
      r.request('GET /health [health]', 5);
      return parseJsonReport(JSON.stringify(buildJsonReport({ version: '0.1.0', runId: 'w', config: {}, metrics: r.snapshot(), thresholds: [], exitCode: 0 })));
    };
    const merged = mergeReports([shard(300, 0, 300, 300), shard(100, 25, 75, 15)], {
      thresholds: parseThresholds(['dropped_iterations_ratio: rate<=0.05', 'goodput_ratio: rate>=0.8']),
    });
    // 25 of 400 (not the shards' average 12.5 %); 315 of 375 met (not the average 60 %)
    expect(merged.derived!.dropped_iterations_ratio).toEqual({ rate: 25 / 400 });
    expect(merged.derived!.goodput_ratio).toEqual({ rate: 315 / 375 });
    expect(merged.derived!.goodput!.count).toBe(315);
    expect(merged.thresholds.map((t) => [t.source, t.passed])).toEqual([
      ['dropped_iterations_ratio: rate<=0.05', false],
      ['goodput_ratio: rate>=0.8', true],
    ]);
    expect(merged.exitCode).toBe(1);
  });
});
