/**
 * Threshold evaluation against a MetricsSnapshot. Metric names resolve in this order:
 *   1. `derived[metric]`: values computed elsewhere (e.g. proxy overhead p50/p95/p99), keyed by
 *      aggregation as written in the spec ('p(99)', 'avg' ...)
 *   2. a request name → its RequestStats: p(N)/avg/min/max/med over latency (ms),
 *      count = requests, rate = error rate
 *   3. built-ins:
 *      http_req_duration | http | Aggregated → aggregated RequestStats (as above)
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
import type { Distribution, MetricsSnapshot, RequestStats } from '../metrics/types.js';
import { isKnownMetric } from './known-metrics.js';
import { parseThreshold, percentileOf } from './parse.js';
import type { ThresholdOp, ThresholdResult, ThresholdSpec } from './types.js';

export type DerivedMetrics = Record<string, Partial<Record<string, number>>>;

export const AGGREGATED_ALIASES = ['http_req_duration', 'http', 'Aggregated'] as const;
export const INTEGRITY_PREFIX = 'integrity_';

/** Observed value, or why there is none. */
type Lookup = { value: number } | { value: null; note: string };

const NO_SAMPLES: Lookup = { value: null, note: 'no samples' };

export function evaluateThresholds(
  specs: ThresholdSpec[],
  snapshot: MetricsSnapshot,
  derived?: DerivedMetrics,
): ThresholdResult[] {
  const decoded = new Map<Distribution, MetricHistogram>();
  return specs.map((spec) => {
    const found = lookup(spec, snapshot, derived, decoded);
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

/** The two thresholds every run gets unless disabled: aggregated p95 and error rate. */
export function defaultThresholds(p95Ms: number, errorRate: number): ThresholdSpec[] {
  return [...parseThreshold(`http_req_duration: p(95)<=${p95Ms}`), ...parseThreshold(`errors: rate<=${errorRate}`)];
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
  decoded: Map<Distribution, MetricHistogram>,
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
  if (req) return requestValue(req, agg, decoded);
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
    return distributionValue(trend, agg, decoded, () => MetricHistogram.fromDistribution(trend, trend.unit));
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
  if (!d.histogram) return { value: null, note: `${agg} needs the histogram, which this snapshot lacks` };
  let h = decoded.get(d);
  if (!h) decoded.set(d, (h = decode()));
  return { value: h.percentile(p) };
}

function unsupported(metric: string, agg: string, supported: string[]): Lookup {
  return { value: null, note: `aggregation '${agg}' is not available for '${metric}' (use ${supported.join(', ')})` };
}
