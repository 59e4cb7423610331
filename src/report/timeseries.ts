/**
 * The run over time, for the JSON report (`timeseries`) and the HTML charts: one point per
 * progress interval, fed by the engine with `series.add({interval: recorder.takeInterval(), ...})`.
 *
 * Bounded: at `maxPoints` (2,000) points the series halves its resolution. Adjacent points are
 * merged pairwise, one pair per later `add` (so no tick pays for a thousand merges), and new
 * intervals are gathered into points twice as long. Counts merge exactly; percentiles of a
 * merged point come from the merged histograms. Each stored point keeps its histograms encoded
 * (hdr-histogram-js compressed base64, a few hundred bytes each) only for those merges; the JSON
 * carries numbers only. Memory: at most maxPoints + 1 points × (1 + names + 2) small strings.
 *
 * Per request name: the first `maxNames` (20) names seen get their own series; later names
 * count in the overall figures only.
 *
 * Gauges the engine passes in (users, target users, rate, target rate, batches in flight by
 * status) are averaged over the point's time when points merge.
 */
import { MetricHistogram } from '../metrics/histogram.js';
import { INTERVAL_TRENDS, type INTERVAL_COUNTERS, type IntervalStats } from '../metrics/recorder.js';
import type { Distribution } from '../metrics/types.js';

export const DEFAULT_MAX_POINTS = 2000;
export const DEFAULT_MAX_SERIES_NAMES = 20;
/** the counter whose interval increments give output tokens/s (one the recorder's interval covers) */
const OUTPUT_TOKENS: (typeof INTERVAL_COUNTERS)[number] = 'output_tokens_total';

/** What the engine passes once per progress interval. */
export interface SeriesInput {
  /** `recorder.takeInterval()`: its histograms are read, never modified */
  interval: IntervalStats;
  /** active users (closed model) or iterations in flight (open model) */
  users?: number;
  targetUsers?: number;
  /** iterations started per second in the interval (open model) */
  rate?: number;
  targetRate?: number;
  /** batches being polled, by their last seen status */
  batchesInFlight?: Record<string, number>;
}

/** Requests of one name (or all) in one point; percentiles in ms, null when it had no requests. */
export interface SeriesRequests {
  requests: number;
  failures: number;
  rps: number;
  failuresPerSecond: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface SeriesTrend {
  count: number;
  p50: number;
  p95: number;
}

/** One entry of the JSON report's `timeseries` array. */
export interface TimeSeriesPoint extends SeriesRequests {
  /** ISO start and end of the point */
  start: string;
  end: string;
  /** seconds covered (sum of its intervals) */
  seconds: number;
  /** progress intervals merged into this point (1 until the series passes maxPoints) */
  intervals: number;
  users?: number;
  targetUsers?: number;
  rate?: number;
  targetRate?: number;
  /** time to first token and inter-token latency of the point's streams (ms), when any */
  ttft?: SeriesTrend;
  itl?: SeriesTrend;
  outputTokens?: number;
  outputTokensPerSecond?: number;
  batchesInFlight?: Record<string, number>;
  /** per request name (the first maxNames names), only names with requests in the point */
  byName: Record<string, SeriesRequests>;
}

export interface TimeSeriesOptions {
  maxPoints?: number;
  maxNames?: number;
}

/** value × seconds and the seconds it was given for: a time-weighted mean that merges exactly */
interface Weighted {
  sum: number;
  seconds: number;
}

const GAUGES = ['users', 'targetUsers', 'rate', 'targetRate'] as const;
type Gauge = (typeof GAUGES)[number];

/** The additive part of a point: everything but the histograms. */
interface Counts {
  startMs: number;
  endMs: number;
  seconds: number;
  intervals: number;
  requests: number;
  failures: number;
  names: Map<string, { requests: number; failures: number }>;
  outputTokens: number;
  hasTokens: boolean;
  gauges: Partial<Record<Gauge, Weighted>>;
  batches?: { seconds: number; byStatus: Map<string, number> };
}

/** Histograms of a point: live while it is gathered, encoded once stored. */
interface Hists<H> {
  agg: H;
  names: Map<string, H>;
  trends: Map<string, H>;
}

/** An encoded histogram with its exact count/min/max/mean: decoding then skips a full scan. */
type Encoded = Pick<Distribution, 'count' | 'min' | 'max' | 'mean' | 'histogram'>;

interface Stored {
  counts: Counts;
  hists: Hists<Encoded>;
  point: TimeSeriesPoint;
}

export class TimeSeries {
  readonly maxPoints: number;
  readonly maxNames: number;
  private points: Stored[] = [];
  private pending?: { counts: Counts; hists: Hists<MetricHistogram> };
  /** progress intervals per stored point */
  private resolution = 1;
  /** merging pairs below index `compactEnd`, the next at `cursor` */
  private cursor = -1;
  private compactEnd = 0;
  private readonly tracked = new Set<string>();

  constructor(opts: TimeSeriesOptions = {}) {
    this.maxPoints = Math.max(4, opts.maxPoints ?? DEFAULT_MAX_POINTS);
    this.maxNames = Math.max(0, opts.maxNames ?? DEFAULT_MAX_SERIES_NAMES);
  }

  /** Points stored (plus one being gathered, when any). */
  get length(): number {
    return this.points.length + (this.pending ? 1 : 0);
  }

  /** Progress intervals per point now. */
  get intervalsPerPoint(): number {
    return this.resolution;
  }

  /** Adds one progress interval. */
  add(input: SeriesInput): void {
    const counts = this.countsOf(input);
    if (!this.pending) this.pending = { counts, hists: { agg: new MetricHistogram('ms'), names: new Map(), trends: new Map() } };
    else this.pending.counts = mergeCounts(this.pending.counts, counts);
    const h = this.pending.hists;
    h.agg.add(input.interval.latency);
    for (const [name, s] of input.interval.byName) if (this.tracked.has(name)) addInto(h.names, name, s.latency);
    for (const [name, t] of input.interval.trends) addInto(h.trends, name, t);

    if (this.pending.counts.intervals >= this.resolution) {
      this.points.push(store(this.pending.counts, h));
      this.pending = undefined;
    }
    this.compactStep();
    if (this.cursor < 0 && this.points.length >= this.maxPoints) {
      this.resolution *= 2;
      this.cursor = 0;
      this.compactEnd = this.points.length - (this.points.length % 2);
    }
  }

  /** The `timeseries` array of the JSON report: stored points, then the one being gathered. */
  toJSON(): TimeSeriesPoint[] {
    const out = this.points.map((p) => p.point);
    if (this.pending) out.push(summarize(this.pending.counts, this.pending.hists));
    return out;
  }

  private countsOf(input: SeriesInput): Counts {
    const iv = input.interval;
    const names = new Map<string, { requests: number; failures: number }>();
    for (const [name, s] of iv.byName) {
      if (!this.tracked.has(name) && this.tracked.size < this.maxNames) this.tracked.add(name);
      if (this.tracked.has(name)) names.set(name, { requests: s.requests, failures: s.failures });
    }
    const seconds = iv.seconds;
    const gauges: Counts['gauges'] = {};
    for (const g of GAUGES) {
      const v = input[g];
      if (typeof v === 'number' && Number.isFinite(v)) gauges[g] = { sum: v * weight(seconds), seconds: weight(seconds) };
    }
    const tokens = iv.counters[OUTPUT_TOKENS];
    const counts: Counts = {
      startMs: iv.startedAtMs,
      endMs: iv.endedAtMs,
      seconds,
      intervals: 1,
      requests: iv.requests,
      failures: iv.failures,
      names,
      outputTokens: tokens ?? 0,
      hasTokens: tokens !== undefined && tokens > 0,
      gauges,
    };
    if (input.batchesInFlight) {
      const byStatus = new Map<string, number>();
      for (const [status, n] of Object.entries(input.batchesInFlight)) byStatus.set(status, n * weight(seconds));
      counts.batches = { seconds: weight(seconds), byStatus };
    }
    return counts;
  }

  /** One pairwise merge of the compaction under way, if any. */
  private compactStep(): void {
    if (this.cursor < 0) return;
    if (this.cursor + 1 < this.compactEnd) {
      const [a, b] = [this.points[this.cursor], this.points[this.cursor + 1]];
      this.points.splice(this.cursor, 2, mergeStored(a, b));
      this.cursor += 1;
      this.compactEnd -= 1;
    }
    if (this.cursor + 1 >= this.compactEnd) this.cursor = -1;
  }
}

/** zero-length intervals still count for their gauges, with a negligible weight */
const weight = (seconds: number) => (seconds > 0 ? seconds : 1e-9);

function addInto(map: Map<string, MetricHistogram>, name: string, h: MetricHistogram): void {
  let into = map.get(name);
  if (!into) map.set(name, (into = new MetricHistogram(h.unit)));
  into.add(h);
}

function mergeCounts(a: Counts, b: Counts): Counts {
  const names = new Map(a.names);
  for (const [name, s] of b.names) {
    const prev = names.get(name);
    names.set(name, prev ? { requests: prev.requests + s.requests, failures: prev.failures + s.failures } : s);
  }
  const gauges: Counts['gauges'] = {};
  for (const g of GAUGES) {
    const x = a.gauges[g];
    const y = b.gauges[g];
    if (x || y) gauges[g] = { sum: (x?.sum ?? 0) + (y?.sum ?? 0), seconds: (x?.seconds ?? 0) + (y?.seconds ?? 0) };
  }
  let batches: Counts['batches'];
  if (a.batches || b.batches) {
    const byStatus = new Map(a.batches?.byStatus);
    for (const [s, v] of b.batches?.byStatus ?? []) byStatus.set(s, (byStatus.get(s) ?? 0) + v);
    batches = { seconds: (a.batches?.seconds ?? 0) + (b.batches?.seconds ?? 0), byStatus };
  }
  return {
    startMs: Math.min(a.startMs, b.startMs),
    endMs: Math.max(a.endMs, b.endMs),
    seconds: a.seconds + b.seconds,
    intervals: a.intervals + b.intervals,
    requests: a.requests + b.requests,
    failures: a.failures + b.failures,
    names,
    outputTokens: a.outputTokens + b.outputTokens,
    hasTokens: a.hasTokens || b.hasTokens,
    gauges,
    batches,
  };
}

function store(counts: Counts, live: Hists<MetricHistogram>): Stored {
  const encode = (h: MetricHistogram): Encoded => ({ count: h.count, min: h.min, max: h.max, mean: h.mean, histogram: h.encode() });
  return { counts, hists: mapHists(live, encode), point: summarize(counts, live) };
}

function mergeStored(a: Stored, b: Stored): Stored {
  const decode = (e: Encoded) => MetricHistogram.decode(e.histogram, 'ms', e);
  const live = mapHists(a.hists, decode);
  const other = mapHists(b.hists, decode);
  live.agg.add(other.agg);
  for (const [name, h] of other.names) addInto(live.names, name, h);
  for (const [name, h] of other.trends) addInto(live.trends, name, h);
  return store(mergeCounts(a.counts, b.counts), live);
}

function mapHists<A, B>(h: Hists<A>, f: (x: A) => B): Hists<B> {
  const names = new Map<string, B>();
  for (const [k, v] of h.names) names.set(k, f(v));
  const trends = new Map<string, B>();
  for (const [k, v] of h.trends) trends.set(k, f(v));
  return { agg: f(h.agg), names, trends };
}

/** Rounds to `digits` decimals (rates), keeping the JSON short. */
const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

function requestsOf(requests: number, failures: number, seconds: number, h: MetricHistogram | undefined): SeriesRequests {
  const has = requests > 0 && h !== undefined && h.count > 0;
  return {
    requests,
    failures,
    rps: seconds > 0 ? round(requests / seconds) : 0,
    failuresPerSecond: seconds > 0 ? round(failures / seconds) : 0,
    p50: has ? h.percentile(50) : null,
    p95: has ? h.percentile(95) : null,
    p99: has ? h.percentile(99) : null,
  };
}

function summarize(c: Counts, h: Hists<MetricHistogram>): TimeSeriesPoint {
  const byName: Record<string, SeriesRequests> = {};
  for (const [name, s] of c.names) byName[name] = requestsOf(s.requests, s.failures, c.seconds, h.names.get(name));
  const point: TimeSeriesPoint = {
    start: new Date(c.startMs).toISOString(),
    end: new Date(c.endMs).toISOString(),
    seconds: round(c.seconds, 3),
    intervals: c.intervals,
    ...requestsOf(c.requests, c.failures, c.seconds, h.agg),
    byName,
  };
  for (const g of GAUGES) {
    const w = c.gauges[g];
    if (w) point[g] = round(w.sum / w.seconds, 3);
  }
  for (const name of INTERVAL_TRENDS) {
    const t = h.trends.get(name);
    if (t && t.count > 0) point[name] = { count: t.count, p50: t.percentile(50), p95: t.percentile(95) };
  }
  if (c.hasTokens) {
    point.outputTokens = c.outputTokens;
    point.outputTokensPerSecond = c.seconds > 0 ? round(c.outputTokens / c.seconds, 2) : 0;
  }
  if (c.batches) {
    const inFlight: Record<string, number> = {};
    for (const [s, v] of c.batches.byStatus) inFlight[s] = round(v / c.batches.seconds, 2);
    point.batchesInFlight = inFlight;
  }
  return point;
}
