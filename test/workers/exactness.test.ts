// The merge is exact: 100,000 heavy-tailed samples recorded by one recorder, and the same samples
// split at random over 7 recorders and merged, give identical percentiles (p0..p100 in steps of
// 0.1), min, max, mean and count per request name, per trend and for the aggregate, and equal
// counters and failure rows: merged in memory, through the JSON report, and through the live
// worker protocol (a real Hub and 7 workers over loopback).
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { createRandom } from '../../src/engine/random.js';
import { MetricHistogram } from '../../src/metrics/histogram.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import type { Distribution, MetricsSnapshot, TrendUnit } from '../../src/metrics/types.js';
import { buildJsonReport, mergeReports, parseJsonReport } from '../../src/report/json.js';
import { Hub } from '../../src/workers/hub.js';
import { encodeInterval } from '../../src/workers/interval.js';
import { fakeWorker } from './fake-worker.js';

const SAMPLES = 100_000;
const SHARDS = 7;
const T0 = Date.UTC(2025, 5, 1);
const NAMES = ['POST /v1/chat/completions [chat]', 'POST /v1/files [upload]', 'GET /v1/batches/{batch_id} [poll]', 'POST /v1/embeddings [embeddings]', 'GET /health [health]'];
const TRENDS: Array<[string, TrendUnit]> = [['ttft', 'ms'], ['itl', 'ms'], ['batch_polls', 'count'], ['tokens_per_second', 'rate']];
const COUNTERS = ['iterations:chat', 'output_tokens_total', 'workflows_completed', 'integrity_missing'];

/** Heavy-tailed latency: lognormal body, a Pareto tail reaching minutes. */
function heavyTail(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  const body = Math.exp(3 + 1.2 * normal);
  return random() < 0.02 ? body * Math.pow(1 - random(), -1 / 1.1) : body;
}

function record(): { single: MetricsRecorder; shards: MetricsRecorder[] } {
  const random = createRandom(20250601);
  const clock = () => T0;
  const single = new MetricsRecorder({ now: clock });
  const shards = Array.from({ length: SHARDS }, () => new MetricsRecorder({ now: clock }));
  for (let i = 0; i < SAMPLES; i++) {
    const shard = shards[Math.floor(random() * SHARDS)]!;
    const kind = random();
    if (kind < 0.7) {
      const name = NAMES[Math.floor(random() * NAMES.length)]!;
      const ms = Math.round(heavyTail(random) * 1000) / 1000;
      const error = random() < 0.01 ? (random() < 0.5 ? 'HTTP 500' : 'timeout after 60s') : undefined;
      for (const r of [single, shard]) r.request(name, ms, error);
    } else if (kind < 0.95) {
      const [name, unit] = TRENDS[Math.floor(random() * TRENDS.length)]!;
      const v = unit === 'count' ? Math.floor(heavyTail(random) / 10) : unit === 'rate' ? Math.round(heavyTail(random) * 1000) / 1000 : heavyTail(random);
      for (const r of [single, shard]) r.trend(name, v, unit);
    } else {
      const name = COUNTERS[Math.floor(random() * COUNTERS.length)]!;
      const n = 1 + Math.floor(random() * 5);
      for (const r of [single, shard]) r.count(name, n);
    }
  }
  return { single, shards };
}

/** Every difference between two distributions: p0..p100 in steps of 0.1, min, max, mean, count. */
function differences(label: string, a: Distribution, b: Distribution, unit: TrendUnit): string[] {
  const out: string[] = [];
  for (const k of ['count', 'min', 'max', 'mean'] as const) if (a[k] !== b[k]) out.push(`${label} ${k}: ${a[k]} vs ${b[k]}`);
  const ha = MetricHistogram.fromDistribution(a, unit);
  const hb = MetricHistogram.fromDistribution(b, unit);
  for (let i = 0; i <= 1000; i++) {
    const p = i / 10;
    if (ha.percentile(p) !== hb.percentile(p)) out.push(`${label} p${p}: ${ha.percentile(p)} vs ${hb.percentile(p)}`);
  }
  return out;
}

function compare(merged: MetricsSnapshot, direct: MetricsSnapshot): void {
  const diffs: string[] = [];
  expect(Object.keys(merged.requests).sort()).toEqual(Object.keys(direct.requests).sort());
  for (const name of Object.keys(direct.requests)) {
    diffs.push(...differences(name, merged.requests[name]!, direct.requests[name]!, 'ms'));
    expect(merged.requests[name]!.failures).toBe(direct.requests[name]!.failures);
  }
  diffs.push(...differences('Aggregated', merged.aggregated, direct.aggregated, 'ms'));
  expect(Object.keys(merged.trends).sort()).toEqual(Object.keys(direct.trends).sort());
  for (const [name, t] of Object.entries(direct.trends)) diffs.push(...differences(name, merged.trends[name]!, t, t.unit));
  expect(diffs).toEqual([]);
  expect(merged.aggregated.failures).toBe(direct.aggregated.failures);
  expect(merged.counters).toEqual(direct.counters);
  const rows = (s: MetricsSnapshot) => [...s.failures].sort((x, y) => `${x.name}${x.error}`.localeCompare(`${y.name}${y.error}`));
  expect(rows(merged)).toEqual(rows(direct));
}

const { single, shards } = record();
const direct = single.snapshot();

describe('an exact merge of 7 shards of 100,000 heavy-tailed samples', () => {
  it('the sample set is what the test means: heavy-tailed, several names, trends of every unit, counters, failures', () => {
    expect(direct.aggregated.count + Object.values(direct.trends).reduce((n, t) => n + t.count, 0)).toBeGreaterThan(0.9 * SAMPLES);
    expect(Object.keys(direct.requests)).toHaveLength(NAMES.length);
    expect(direct.aggregated.max / direct.aggregated.p50).toBeGreaterThan(500);
    expect(new Set(Object.values(direct.trends).map((t) => t.unit))).toEqual(new Set(['ms', 'count', 'rate']));
    expect(direct.aggregated.failures).toBeGreaterThan(100);
    for (const s of shards) expect(s.totals().requests).toBeGreaterThan(SAMPLES / SHARDS / 2);
  });

  it('the comparison catches percentiles that are not the whole run’s (count, min, max and mean right)', () => {
    const merged = MetricsRecorder.merge(shards.map((s) => s.snapshot()));
    const oneShard = shards[0]!.snapshot().aggregated.histogram;
    const wrong = differences('Aggregated', { ...merged.aggregated, histogram: oneShard }, direct.aggregated, 'ms');
    expect(wrong.length).toBeGreaterThan(900);
    expect(wrong.every((d) => /^Aggregated p/.test(d))).toBe(true);
    // and averaging the shards' percentiles, as some tools do, is not the run's p99
    expect(shards.reduce((sum, s) => sum + s.snapshot().aggregated.p99, 0) / SHARDS).not.toBe(direct.aggregated.p99);
  });

  it('in memory (MetricsRecorder.merge)', () => {
    compare(MetricsRecorder.merge(shards.map((s) => s.snapshot())), direct);
  });

  it('through the JSON report: encode, decode, mergeReports', () => {
    const docs = shards.map((s, i) =>
      parseJsonReport(JSON.stringify(buildJsonReport({ version: '0.1.0', runId: `w${i}`, config: {}, metrics: s.snapshot(), thresholds: [], exitCode: 0 }))),
    );
    compare(mergeReports(docs).metrics, direct);
  });

  describe('through the live worker protocol', () => {
    let hub: Hub;
    afterAll(async () => hub?.close());

    it('7 workers over loopback: their progress and final figures merge into exactly the one recorder’s', async () => {
      const token = 'exactness-test-token-0123456789';
      hub = await Hub.listen({ host: '127.0.0.1', port: 0, token, expected: SHARDS, version: '0.1.0', progressIntervalMs: 1000, log: () => undefined });
      const workers = await Promise.all(shards.map((_, i) => fakeWorker(hub.url, token, i)));
      const config = resolveRunConfig({ host: 'http://127.0.0.1:9', scenario: 'health', users: SHARDS * 3 });
      const prepared = hub.prepare(config, 'sk-shared', 10_000);
      for (const w of workers) {
        const assign = await w.next('assign');
        expect(assign.config.users).toBe(3);
        w.send({ t: 'ready' });
      }
      await prepared;
      for (const w of workers) await w.next('start');

      // one progress interval each: the interval histograms merge exactly too
      const singleInterval = single.takeInterval(T0);
      shards.forEach((s, i) => {
        const interval = encodeInterval(s.takeInterval(T0));
        workers[i]!.send({ t: 'progress', users: 3, iterationsStarted: 0, target: { users: 3 }, load: { cpuPercent: 10, lagP99Ms: 0 }, interval, totals: s.totals(), workflowsDone: 0, snapshot: s.snapshot() });
      });
      const run = hub.run({ stopping: new AbortController().signal, aborted: new AbortController().signal });
      await waitUntil(() => hub.reports().every((r) => r.requests > 0));
      const live = hub.progress();
      const diffs = differences('interval', live.interval.latency.distribution(), singleInterval.latency.distribution(), 'ms');
      for (const [name, s] of singleInterval.byName) diffs.push(...differences(`interval ${name}`, live.interval.byName.get(name)!.latency.distribution(), s.latency.distribution(), 'ms'));
      expect(diffs).toEqual([]);
      expect(live.interval.requests).toBe(singleInterval.requests);
      expect(live.totals).toEqual(single.totals());
      compare(hub.mergedSnapshot(), direct);

      shards.forEach((s, i) => workers[i]!.send({ t: 'final', metrics: s.snapshot(), interrupted: false, cpuSeconds: 1 }));
      await run;
      for (const w of workers) await w.next('bye');
      const own = new MetricsRecorder({ now: () => T0 }).snapshot();
      compare(hub.metrics(own), direct);
      expect(hub.reports().map((r) => r.requests)).toEqual(shards.map((s) => s.totals().requests));
      expect(hub.reports().every((r) => r.state === 'finished')).toBe(true);
    });
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('waitUntil: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
