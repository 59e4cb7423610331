/**
 * Proxy overhead = proxied latency − direct (baseline) latency at the same percentile (the proxy-overhead suite's
 * definition). Proxied/baseline pairs are matched by request name: `X [chat]` vs
 * `X [chat baseline]`. The overall figure merges the histograms of every paired name on each
 * side (exact, via the snapshot's encoded histograms) before taking percentiles.
 */
import { MetricHistogram } from '../../metrics/histogram.js';
import type { Distribution, MetricsSnapshot, TrendStats } from '../../metrics/types.js';
import { METRIC } from './stream-metrics.js';

/** Aggregation → value, as the threshold evaluator reads derived metrics. */
export type DerivedValues = Record<string, number>;

export interface OverheadFigures {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  avg: number;
  /** samples on each side */
  proxiedCount: number;
  baselineCount: number;
}

export interface OverheadPair extends OverheadFigures {
  proxied: string;
  baseline: string;
}

export interface HeaderSummary {
  count: number;
  min: number;
  max: number;
  avg: number;
  median: number;
  p95: number;
  p99: number;
}

export interface OverheadReport {
  /** one entry per proxied request name with a baseline twin */
  pairs: OverheadPair[];
  /** all pairs together; undefined when no pair has samples on both sides */
  overall?: OverheadFigures;
  /** the same on streaming TTFT (`ttft:X` vs `ttft:X baseline`) */
  ttft?: OverheadFigures;
  /** the proxy's self-reported overhead header, when any response carried it */
  header?: HeaderSummary;
  /**
   * Metrics for the threshold evaluator: `overhead`, `overhead_ttft` and
   * `overhead:<proxied request name>`, each `{ 'p(50)', 'p(90)', 'p(95)', 'p(99)', avg, med, count }`.
   */
  derived: Record<string, DerivedValues>;
}

const BASELINE = / baseline\]$/;

/** `POST /v1/chat/completions [chat]` for `POST /v1/chat/completions [chat baseline]`. */
export function proxiedNameOf(baselineName: string): string | undefined {
  return BASELINE.test(baselineName) ? baselineName.replace(BASELINE, ']') : undefined;
}

function diff(proxied: MetricHistogram, baseline: MetricHistogram): OverheadFigures {
  return {
    p50: proxied.percentile(50) - baseline.percentile(50),
    p90: proxied.percentile(90) - baseline.percentile(90),
    p95: proxied.percentile(95) - baseline.percentile(95),
    p99: proxied.percentile(99) - baseline.percentile(99),
    avg: proxied.mean - baseline.mean,
    proxiedCount: proxied.count,
    baselineCount: baseline.count,
  };
}

export function derivedValues(f: OverheadFigures): DerivedValues {
  return {
    'p(50)': f.p50,
    'p(90)': f.p90,
    'p(95)': f.p95,
    'p(99)': f.p99,
    med: f.p50,
    avg: f.avg,
    count: Math.min(f.proxiedCount, f.baselineCount),
  };
}

function hist(d: Distribution): MetricHistogram {
  return MetricHistogram.fromDistribution(d, 'ms');
}

/** Pairs (proxied, baseline) among a set of named distributions, both sides non-empty. */
function pairsOf<D extends Distribution>(byName: Record<string, D>, baselineToProxied: (n: string) => string | undefined) {
  const out: { proxied: string; baseline: string; p: D; b: D }[] = [];
  for (const [name, b] of Object.entries(byName)) {
    const proxied = baselineToProxied(name);
    const p = proxied === undefined ? undefined : byName[proxied];
    if (proxied !== undefined && p && p.count > 0 && b.count > 0) out.push({ proxied, baseline: name, p, b });
  }
  return out;
}

function mergedDiff(pairs: { p: Distribution; b: Distribution }[]): OverheadFigures | undefined {
  if (pairs.length === 0) return undefined;
  const p = new MetricHistogram('ms');
  const b = new MetricHistogram('ms');
  for (const pair of pairs) {
    p.add(hist(pair.p));
    b.add(hist(pair.b));
  }
  return diff(p, b);
}

export function headerSummary(t: TrendStats | undefined): HeaderSummary | undefined {
  if (!t || t.count === 0) return undefined;
  return { count: t.count, min: t.min, max: t.max, avg: t.mean, median: t.p50, p95: t.p95, p99: t.p99 };
}

/** Proxy overhead and overhead-header figures of a run. */
export function computeOverhead(snapshot: MetricsSnapshot): OverheadReport {
  const derived: Record<string, DerivedValues> = {};
  const reqPairs = pairsOf(snapshot.requests, proxiedNameOf);
  const pairs: OverheadPair[] = reqPairs.map(({ proxied, baseline, p, b }) => {
    const figures = diff(hist(p), hist(b));
    derived[`overhead:${proxied}`] = derivedValues(figures);
    return { proxied, baseline, ...figures };
  });
  const overall = mergedDiff(reqPairs);
  if (overall) derived.overhead = derivedValues(overall);

  const ttftTrends: Record<string, TrendStats> = {};
  for (const [name, t] of Object.entries(snapshot.trends)) {
    if (name.startsWith(`${METRIC.ttft}:`) && t.unit === 'ms') ttftTrends[name] = t;
  }
  const ttft = mergedDiff(pairsOf(ttftTrends, (n) => (n.endsWith(' baseline') ? n.slice(0, -' baseline'.length) : undefined)));
  if (ttft) derived.overhead_ttft = derivedValues(ttft);

  return { pairs, overall, ttft, header: headerSummary(snapshot.trends[METRIC.overheadHeader]), derived };
}
