/**
 * Progress intervals over the wire: a worker's `recorder.takeInterval()` encoded (histograms as
 * hdr-histogram-js compressed base64 with their exact count/min/max/mean), decoded by the
 * coordinator and merged exactly with the other workers' intervals into one IntervalStats, the
 * shape the single-process run's progress line, stats history and time series read.
 */
import { MetricHistogram } from '../metrics/histogram.js';
import { INTERVAL_COUNTERS, type IntervalNameStats, type IntervalStats } from '../metrics/recorder.js';
import type { Distribution } from '../metrics/types.js';

export type EncodedHistogram = Pick<Distribution, 'count' | 'min' | 'max' | 'mean' | 'histogram'>;

export interface WireInterval {
  startedAtMs: number;
  endedAtMs: number;
  requests: number;
  failures: number;
  latency: EncodedHistogram;
  byName: Record<string, { requests: number; failures: number; latency: EncodedHistogram }>;
  trends: Record<string, EncodedHistogram>;
  counters: Record<string, number>;
}

const encode = (h: MetricHistogram): EncodedHistogram => ({ count: h.count, min: h.min, max: h.max, mean: h.mean, histogram: h.count > 0 ? h.encode() : '' });
const decode = (e: EncodedHistogram): MetricHistogram => MetricHistogram.decode(e.histogram, 'ms', e);

export function encodeInterval(iv: IntervalStats): WireInterval {
  const byName: WireInterval['byName'] = {};
  for (const [name, s] of iv.byName) byName[name] = { requests: s.requests, failures: s.failures, latency: encode(s.latency) };
  const trends: WireInterval['trends'] = {};
  for (const [name, h] of iv.trends) trends[name] = encode(h);
  return {
    startedAtMs: iv.startedAtMs,
    endedAtMs: iv.endedAtMs,
    requests: iv.requests,
    failures: iv.failures,
    latency: encode(iv.latency),
    byName,
    trends,
    counters: { ...iv.counters },
  };
}

/** An interval being gathered from several workers' parts. */
export class IntervalMerge {
  private requests = 0;
  private failures = 0;
  private latency = new MetricHistogram('ms');
  private byName = new Map<string, IntervalNameStats>();
  private trends = new Map<string, MetricHistogram>();
  private counters: Record<string, number> = Object.fromEntries(INTERVAL_COUNTERS.map((c) => [c, 0]));
  /** the time the parts cover (the workers' clocks): earliest start, latest end */
  private spanStartMs = Number.POSITIVE_INFINITY;
  private spanEndMs = 0;

  /** Adds one worker's interval. */
  add(part: WireInterval): void {
    this.spanStartMs = Math.min(this.spanStartMs, part.startedAtMs);
    this.spanEndMs = Math.max(this.spanEndMs, part.endedAtMs);
    this.requests += part.requests;
    this.failures += part.failures;
    this.latency.add(decode(part.latency));
    for (const [name, s] of Object.entries(part.byName)) {
      let into = this.byName.get(name);
      if (!into) this.byName.set(name, (into = { requests: 0, failures: 0, latency: new MetricHistogram('ms') }));
      into.requests += s.requests;
      into.failures += s.failures;
      into.latency.add(decode(s.latency));
    }
    for (const [name, e] of Object.entries(part.trends)) {
      let into = this.trends.get(name);
      if (!into) this.trends.set(name, (into = new MetricHistogram('ms')));
      into.add(decode(e));
    }
    for (const [name, n] of Object.entries(part.counters)) this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  /**
   * The merged interval: over the time its parts cover (the workers' intervals run side by side),
   * else from `startedAtMs` to `endedAtMs` (the coordinator's clock) when no part arrived.
   */
  take(startedAtMs: number, endedAtMs: number): IntervalStats {
    if (this.spanEndMs > 0) {
      startedAtMs = this.spanStartMs;
      endedAtMs = this.spanEndMs;
    }
    const seconds = Math.max(0, (endedAtMs - startedAtMs) / 1000);
    return {
      startedAtMs,
      endedAtMs,
      seconds,
      requests: this.requests,
      failures: this.failures,
      rps: seconds > 0 ? this.requests / seconds : 0,
      failuresPerSecond: seconds > 0 ? this.failures / seconds : 0,
      latency: this.latency,
      p50: this.latency.percentile(50),
      p95: this.latency.percentile(95),
      p99: this.latency.percentile(99),
      byName: this.byName,
      trends: this.trends,
      counters: this.counters,
    };
  }
}
