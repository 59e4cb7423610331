/**
 * Threshold evaluation against a MetricsSnapshot. Metric names resolve in this order:
 *   1. `derived[metric]`: values computed elsewhere (e.g. proxy overhead p50/p95/p99), keyed by
 *      aggregation as written in the spec ('p(99)', 'avg' ...)
 *   2. a request name → its RequestStats: p(N)/avg/min/max/med over latency (ms),
 *      count = requests, rate = error rate
 *   3. built-ins:
 *      http_req_duration | http | Aggregated → aggregated RequestStats (as above)
 *      http_req_duration_nonstream → the same over the request names that are not streamed
 *                   (an exact merge of their histograms; the aggregate when nothing streams)
 *      errors     → rate = aggregated error rate, count = failed requests
 *      http_reqs  → count = requests, rate = requests/s
 *      integrity  → count = sum of counters named `integrity_*` (0 when there are none:
 *                   those counters only exist when a problem was found)
 *   4. a trend → p(N)/avg/min/max/med in the trend's unit, count = samples
 *   5. a counter → count = value, rate = value / elapsed seconds; a known counter that does
 *      not exist has no samples (the engine creates the batch workflow's counters at 0)
 * Unknown metrics and aggregations a metric does not support fail with a note, never throw.
 * A metric with no samples (0 requests, 0 trend samples, rate over 0 s) FAILS with observed
 * null and note 'no samples' — unlike k6, where a threshold on an empty metric passes: a
 * threshold that could not be checked must not turn a broken run green.
 */
import { MetricHistogram } from '../metrics/histogram.js';
import { isStreamedRequestName } from '../metrics/names.js';
import type { Distribution, MetricsSnapshot, RequestStats } from '../metrics/types.js';
import { isKnownMetric } from './known-metrics.js';
import { parseThreshold, percentileOf } from './parse.js';
import type { ThresholdOp, ThresholdResult, ThresholdSpec } from './types.js';

export type DerivedMetrics = Record<string, Partial<Record<string, number>>>;

export const AGGREGATED_ALIASES = ['http_req_duration', 'http', 'Aggregated'] as const;
export const INTEGRITY_PREFIX = 'integrity_';
/** Whole-request latency of the requests that are not streamed (streams: see `ttft`). */
export const NON_STREAM_DURATION = 'http_req_duration_nonstream';

/** Observed value, or why there is none. */
type Lookup = { value: number } | { value: null; note: string };

const NO_SAMPLES: Lookup = { value: null, note: 'no samples' };

/** Per evaluation: histograms decoded (or merged) once, whatever the number of specs. */
interface EvalCache {
  decoded: Map<Distribution, MetricHistogram>;
  nonStream?: RequestStats | Lookup;
}

export function evaluateThresholds(
  specs: ThresholdSpec[],
  snapshot: MetricsSnapshot,
  derived?: DerivedMetrics,
): ThresholdResult[] {
  const cache: EvalCache = { decoded: new Map() };
  return specs.map((spec) => {
    const found = lookup(spec, snapshot, derived, cache);
    const base = {
      source: spec.source,
      metric: spec.metric,
      aggregation: spec.aggregation,
      op: spec.op,
      threshold: spec.value,
    };
    if (found.value === null) return { ...base, observed: null, passed: false, note: found.note };
    return { ...base, observed: found.value, passed: compare(found.value, spec.op, spec.value) };
  });
}

/** Whether a run sends streamed requests, non-streamed ones, or both. */
export interface RequestKinds {
  streamed: boolean;
  nonStreamed: boolean;
}

/**
 * The latency and error-rate thresholds every run gets unless disabled. The p95 bound judges
 * what a user waits for: the whole request when it is not streamed, the first token when it is
 * (a stream of a few hundred tokens takes seconds whole; `e2e` or a request name judge that when
 * asked). Nothing streams: `http_req_duration`; streams and other requests mixed:
 * `http_req_duration_nonstream` plus `ttft`; only streams: `ttft`.
 */
export function defaultThresholds(p95Ms: number, errorRate: number, kinds: RequestKinds = { streamed: false, nonStreamed: true }): ThresholdSpec[] {
  const specs: string[] = [];
  if (kinds.nonStreamed) specs.push(`${kinds.streamed ? NON_STREAM_DURATION : 'http_req_duration'}: p(95)<=${p95Ms}`);
  if (kinds.streamed) specs.push(`ttft: p(95)<=${p95Ms}`);
  specs.push(`errors: rate<=${errorRate}`);
  return specs.flatMap((t) => parseThreshold(t));
}

export function compare(observed: number, op: ThresholdOp, bound: number): boolean {
  switch (op) {
    case '<':
      return observed < bound;
    case '<=':
      return observed <= bound;
    case '>':
      return observed > bound;
    case '>=':
      return observed >= bound;
    case '==':
      return observed === bound;
    case '!=':
      return observed !== bound;
  }
}

function lookup(
  spec: ThresholdSpec,
  s: MetricsSnapshot,
  derived: DerivedMetrics | undefined,
  cache: EvalCache,
): Lookup {
  const { metric, aggregation: agg } = spec;
  const d = derived?.[metric];
  if (d) {
    const v = d[agg];
    if (typeof v === 'number' && Number.isFinite(v)) return { value: v };
    const has = Object.keys(d).filter((k) => typeof d[k] === 'number');
    return has.length === 0 ? NO_SAMPLES : unsupported(metric, agg, has);
  }
  const req = s.requests[metric] ?? ((AGGREGATED_ALIASES as readonly string[]).includes(metric) ? s.aggregated : undefined);
  if (req) return requestValue(req, agg, cache.decoded);
  if (metric === NON_STREAM_DURATION) {
    cache.nonStream ??= nonStreamStats(s, cache.decoded);
    const stats = cache.nonStream;
    return 'name' in stats ? requestValue(stats, agg, cache.decoded) : stats;
  }
  if (metric === 'errors') {
    if (agg === 'rate') return s.aggregated.count > 0 ? { value: s.aggregated.errorRate } : NO_SAMPLES;
    if (agg === 'count') return { value: s.aggregated.failures };
    return unsupported(metric, agg, ['rate', 'count']);
  }
  if (metric === 'http_reqs') {
    if (agg === 'count') return { value: s.aggregated.count };
    if (agg === 'rate') return s.elapsedSeconds > 0 ? { value: s.aggregated.rps } : NO_SAMPLES;
    return unsupported(metric, agg, ['count', 'rate']);
  }
  if (metric === 'integrity') {
    if (agg !== 'count') return unsupported(metric, agg, ['count']);
    let sum = 0;
    for (const [k, v] of Object.entries(s.counters)) if (k.startsWith(INTEGRITY_PREFIX)) sum += v;
    return { value: sum };
  }
  const trend = s.trends[metric];
  if (trend) {
    if (agg === 'count') return { value: trend.count };
    if (agg === 'rate') return unsupported(metric, agg, ['p(N)', 'avg', 'min', 'max', 'med', 'count']);
    return distributionValue(trend, agg, cache.decoded, () => MetricHistogram.fromDistribution(trend, trend.unit));
  }
  const counter = s.counters[metric];
  if (counter !== undefined) {
    if (agg === 'count') return { value: counter };
    if (agg === 'rate') return s.elapsedSeconds > 0 ? { value: counter / s.elapsedSeconds } : NO_SAMPLES;
    return unsupported(metric, agg, ['count', 'rate']);
  }
  // a counter the run never created (e.g. workflows_failed without the batch workflow): there
  // is nothing to judge, which fails like any metric without samples
  return isKnownMetric(metric) ? NO_SAMPLES : { value: null, note: `unknown metric '${metric}'` };
}

function requestValue(r: RequestStats, agg: string, decoded: Map<Distribution, MetricHistogram>): Lookup {
  if (agg === 'count') return { value: r.count };
  if (agg === 'rate') return r.count > 0 ? { value: r.errorRate } : NO_SAMPLES;
  return distributionValue(r, agg, decoded, () => MetricHistogram.fromDistribution(r, 'ms'));
}

/** p(N)/avg/min/max/med of a distribution; uncommon percentiles decode its histogram once. */
function distributionValue(
  d: Distribution,
  agg: string,
  decoded: Map<Distribution, MetricHistogram>,
  decode: () => MetricHistogram,
): Lookup {
  if (d.count === 0) return NO_SAMPLES;
  switch (agg) {
    case 'avg':
      return { value: d.mean };
    case 'min':
      return { value: d.min };
    case 'max':
      return { value: d.max };
    case 'med':
      return { value: d.p50 };
  }
  const p = percentileOf(agg);
  if (p === undefined) return { value: null, note: `unsupported aggregation '${agg}'` };
  const known: Record<number, number> = { 50: d.p50, 90: d.p90, 95: d.p95, 99: d.p99, 99.9: d.p999, 100: d.max };
  if (known[p] !== undefined) return { value: known[p] };
  let h = decoded.get(d);
  if (!h) {
    if (!d.histogram) return { value: null, note: NEEDS_HISTOGRAM(agg) };
    decoded.set(d, (h = decode()));
  }
  return { value: h.percentile(p) };
}

const NEEDS_HISTOGRAM = (what: string) => `${what} needs the histogram, which this snapshot lacks`;

/**
 * Latency and failures of the non-streamed request names together: the aggregate itself when no
 * name is streamed, else the exact merge of their histograms (kept in `decoded` for percentiles).
 */
function nonStreamStats(s: MetricsSnapshot, decoded: Map<Distribution, MetricHistogram>): RequestStats | Lookup {
  const all = Object.values(s.requests);
  if (!all.some((r) => isStreamedRequestName(r.name))) return s.aggregated;
  const merged = new MetricHistogram('ms');
  let failures = 0;
  for (const r of all) {
    if (isStreamedRequestName(r.name) || r.count === 0) continue;
    if (!r.histogram) return { value: null, note: NEEDS_HISTOGRAM(NON_STREAM_DURATION) };
    merged.add(MetricHistogram.fromDistribution(r, 'ms'));
    failures += r.failures;
  }
  const d = merged.distribution(false);
  const stats: RequestStats = {
    ...d,
    name: NON_STREAM_DURATION,
    method: '',
    failures,
    rps: s.elapsedSeconds > 0 ? d.count / s.elapsedSeconds : 0,
    failuresPerSecond: s.elapsedSeconds > 0 ? failures / s.elapsedSeconds : 0,
    errorRate: d.count > 0 ? failures / d.count : 0,
  };
  decoded.set(stats, merged);
  return stats;
}

function unsupported(metric: string, agg: string, supported: string[]): Lookup {
  return { value: null, note: `aggregation '${agg}' is not available for '${metric}' (use ${supported.join(', ')})` };
}
