import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { computeOverhead, proxiedNameOf } from '../../../src/scenarios/online/overhead.js';
import { aggregateTokensPerSecond, onlineSummarySections, tokenProvenance } from '../../../src/scenarios/online/report.js';
import { LlmMetricNames, recordOutputTokens, recordStream, StreamTimer } from '../../../src/scenarios/online/stream-metrics.js';

const CHAT = 'POST /v1/chat/completions [chat]';
const CHAT_B = 'POST /v1/chat/completions [chat baseline]';

describe('overhead', () => {
  it('pairs names and subtracts percentiles, per pair and overall, as threshold-ready derived metrics', () => {
    const rec = new MetricsRecorder();
    for (let i = 1; i <= 100; i++) {
      rec.request(CHAT, 10 + i / 10 + 5);
      rec.request(CHAT_B, 10 + i / 10);
      rec.request('POST /v1/embeddings [embeddings]', 3);
      rec.request('POST /v1/embeddings [embeddings baseline]', 1);
    }
    rec.trend('overhead_header', 2, 'ms');
    rec.trend('overhead_header', 4, 'ms');
    const o = computeOverhead(rec.snapshot());
    expect(proxiedNameOf(CHAT_B)).toBe(CHAT);
    expect(proxiedNameOf(CHAT)).toBeUndefined();
    const chat = o.pairs.find((p) => p.proxied === CHAT)!;
    expect(chat.p50).toBeCloseTo(5, 1);
    expect(chat.p99).toBeCloseTo(5, 1);
    expect(o.derived[`overhead:${CHAT}`]!['p(95)']).toBeCloseTo(5, 1);
    expect(o.derived.overhead).toMatchObject({ count: 200 });
    expect(o.derived.overhead!['p(50)']).toBeGreaterThan(2);
    expect(o.header).toMatchObject({ count: 2, min: 2, max: 4, avg: 3 });
  });

  it('no baseline, no overhead', () => {
    const rec = new MetricsRecorder();
    rec.request(CHAT, 10);
    expect(computeOverhead(rec.snapshot())).toMatchObject({ pairs: [], overall: undefined, derived: {} });
  });
});

describe('report sections', () => {
  it('prints LLM metrics with provenance, header stats and proxy overhead', () => {
    const rec = new MetricsRecorder();
    const chat = new LlmMetricNames('chat', true);
    for (let i = 0; i < 3; i++) {
      const t = new StreamTimer(0);
      t.content(200);
      t.content(220);
      t.content(240);
      t.end(250);
      recordStream(rec, chat, t, i === 0 ? undefined : 3);
    }
    recordOutputTokens(rec, new LlmMetricNames('responses', true), 10, 'usage', 100);
    rec.request(CHAT, 15);
    rec.request(CHAT_B, 10);
    rec.trend('overhead_header', 1.25, 'ms');
    const snap = rec.snapshot();
    expect(snap.trends['ttft:chat']!.p50).toBeCloseTo(200, 1);
    expect(snap.trends['itl:chat']!.p50).toBeCloseTo(20, 1);
    expect(snap.trends['tpot:chat']!.p50).toBeCloseTo(25, 1);
    expect(tokenProvenance(snap, 'chat')).toBe('usage 2, counted 1');
    expect(tokenProvenance(snap, 'responses')).toBe('usage');
    expect(snap.counters.output_tokens_total).toBe(19);
    expect(aggregateTokensPerSecond({ ...snap, elapsedSeconds: 2 })).toBe(9.5);
    const sections = onlineSummarySections(snap);
    expect(sections).toHaveLength(3);
    const text = sections.join('\n\n');
    expect(text).toContain('LLM metrics');
    expect(text).toMatch(/chat .* usage 2, counted 1/);
    expect(text).toContain('Overhead header x-litellm-overhead-duration-ms');
    expect(text).toMatch(/overall \(metric: overhead\)\s+1\s+1\s+5\.00/);
  });

  it('is empty for a run without online metrics', () => {
    expect(onlineSummarySections(new MetricsRecorder().snapshot())).toEqual([]);
  });
});
