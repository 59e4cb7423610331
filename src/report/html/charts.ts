/**
 * Chart specifications: what the report's page script hands to uPlot. Built here from the JSON
 * report (numbers rounded to keep the file small), drawn in the browser by client.ts. Every
 * label is text (uPlot sets it with textContent).
 */
import { MetricHistogram } from '../../metrics/histogram.js';
import type { Distribution, TrendUnit } from '../../metrics/types.js';
import type { SweepSection } from '../sweep.js';
import type { SeriesRequests, TimeSeriesPoint } from '../timeseries.js';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  color: string;
  dash?: boolean;
  /** draw a marker at each value (sweeps: few points) */
  points?: boolean;
}

export interface ChartSpec {
  /** id of the element the chart goes into */
  id: string;
  title: string;
  /** time: unix seconds; linear; percentile: x = 1 / (1 − p), log scale, labelled as percentiles */
  x: { kind: 'time' | 'linear' | 'percentile'; label: string; values: number[] };
  yLabel: string;
  series: ChartSeries[];
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79', '#637939', '#843c39'];
const color = (i: number) => PALETTE[i % PALETTE.length];
/** at most this many request names per chart, the busiest first */
export const MAX_CHART_NAMES = 8;

/** 5 significant digits: plenty for a chart, a third of the bytes of a full double. */
export const r5 = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(5)));

// ---- time series ------------------------------------------------------------------------------

/** The busiest request names of a series, by requests over the whole run. */
function busiestNames(points: TimeSeriesPoint[]): string[] {
  const totals = new Map<string, number>();
  for (const p of points) for (const [name, s] of Object.entries(p.byName)) totals.set(name, (totals.get(name) ?? 0) + s.requests);
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_CHART_NAMES).map(([n]) => n);
}

const has = (points: TimeSeriesPoint[], f: (p: TimeSeriesPoint) => unknown) => points.some((p) => f(p) !== undefined && f(p) !== null);

/** Charts over time: throughput, latency, errors, users/rate, LLM figures, batches in flight. */
export function timeSeriesCharts(points: TimeSeriesPoint[], idPrefix = 'ts'): ChartSpec[] {
  if (points.length === 0) return [];
  const x = { kind: 'time' as const, label: 'time', values: points.map((p) => Math.round(Date.parse(p.end)) / 1000) };
  const names = busiestNames(points);
  const line = (label: string, i: number, f: (p: TimeSeriesPoint) => number | null | undefined, dash = false): ChartSeries => ({
    label,
    color: color(i),
    dash,
    values: points.map((p) => r5(f(p))),
  });
  // a name absent from a point had no requests in it: 0 per second, but no latency (a gap)
  const perName = (f: (s: SeriesRequests) => number | null, offset: number, absent: 0 | null) =>
    names.map((n, i) => line(n, i + offset, (p) => (p.byName[n] ? f(p.byName[n]) : absent)));
  const charts: ChartSpec[] = [
    { id: `${idPrefix}-throughput`, title: 'Throughput', x, yLabel: 'requests/s', series: [line('all requests', 0, (p) => p.rps), ...perName((s) => s.rps, 1, 0)] },
    {
      id: `${idPrefix}-latency`,
      title: 'Latency, all requests',
      x,
      yLabel: 'ms',
      series: [line('p50', 2, (p) => p.p50), line('p95', 3, (p) => p.p95), line('p99', 1, (p) => p.p99)],
    },
    { id: `${idPrefix}-latency-names`, title: 'p95 latency by request', x, yLabel: 'ms', series: perName((s) => s.p95, 0, null) },
    {
      id: `${idPrefix}-errors`,
      title: 'Failures',
      x,
      yLabel: 'failures/s',
      series: [line('all requests', 1, (p) => p.failuresPerSecond), ...perName((s) => s.failuresPerSecond, 2, 0).filter((s) => s.values.some((v) => v))],
    },
  ];
  const load: ChartSeries[] = [];
  if (has(points, (p) => p.users)) load.push(line('users', 0, (p) => p.users));
  if (has(points, (p) => p.targetUsers)) load.push(line('target users', 0, (p) => p.targetUsers, true));
  if (has(points, (p) => p.rate)) load.push(line('rate (/s)', 3, (p) => p.rate));
  if (has(points, (p) => p.targetRate)) load.push(line('target rate (/s)', 3, (p) => p.targetRate, true));
  if (load.length > 0) charts.push({ id: `${idPrefix}-load`, title: 'Users and rate', x, yLabel: 'users, iterations/s', series: load });
  for (const [key, title, short] of [['ttft', 'Time to first token', 'TTFT'], ['itl', 'Inter-token latency', 'ITL']] as const) {
    if (!has(points, (p) => p[key])) continue;
    const series = [line(`${short} p50`, 2, (p) => p[key]?.p50), line(`${short} p95`, 3, (p) => p[key]?.p95)];
    charts.push({ id: `${idPrefix}-${key}`, title, x, yLabel: 'ms', series });
  }
  if (has(points, (p) => p.outputTokensPerSecond)) {
    charts.push({ id: `${idPrefix}-tokens`, title: 'Output tokens', x, yLabel: 'tokens/s', series: [line('output tokens/s', 4, (p) => p.outputTokensPerSecond ?? 0)] });
  }
  const statuses = [...new Set(points.flatMap((p) => Object.keys(p.batchesInFlight ?? {})))];
  if (statuses.length > 0) {
    charts.push({
      id: `${idPrefix}-batches`,
      title: 'Batches in flight by status',
      x,
      yLabel: 'batches',
      series: statuses.map((s, i) => line(s, i, (p) => (p.batchesInFlight ? (p.batchesInFlight[s] ?? 0) : null))),
    });
  }
  return charts;
}

// ---- percentile spectrum ----------------------------------------------------------------------

/** x = 1 / (1 − p): 2^(k/5) from p0 (x = 1) on, 5 steps per halving of the tail, up to p99.999 */
export const SPECTRUM_X: number[] = (() => {
  const xs: number[] = [];
  for (let k = 0; 2 ** (k / 5) < 1e5; k++) xs.push(Number((2 ** (k / 5)).toPrecision(6)));
  xs.push(1e5);
  return xs;
})();

export interface SpectrumEntry {
  label: string;
  distribution: Distribution;
  unit?: TrendUnit;
  dash?: boolean;
  /** fixed palette index (compare: same colour for base and new) */
  colorIndex?: number;
}

/**
 * The percentile spectrum of each distribution (HdrHistogram's percentile plot): the value at
 * p = 1 − 1/x for each x of SPECTRUM_X, from the encoded histogram; null past the last sample.
 */
export function spectrumChart(id: string, title: string, yLabel: string, entries: SpectrumEntry[]): ChartSpec | undefined {
  const usable = entries.filter((e) => e.distribution.count > 0 && e.distribution.histogram);
  if (usable.length === 0) return undefined;
  return {
    id,
    title,
    x: { kind: 'percentile', label: 'percentile', values: SPECTRUM_X },
    yLabel,
    series: usable.map((e, i) => {
      const h = MetricHistogram.fromDistribution(e.distribution, e.unit ?? 'ms');
      const last = Math.max(2, h.count);
      return {
        label: e.label,
        color: color(e.colorIndex ?? i),
        dash: e.dash,
        values: SPECTRUM_X.map((x) => (x <= last ? r5(h.percentile(100 * (1 - 1 / x))) : null)),
      };
    }),
  };
}

// ---- sweep ------------------------------------------------------------------------------------

export function sweepCharts(sweep: SweepSection, idPrefix = 'sweep'): ChartSpec[] {
  if (sweep.steps.length === 0) return [];
  const byAchieved = [...sweep.steps].sort((a, b) => a.achievedRate - b.achievedRate);
  const byRequested = [...sweep.steps].sort((a, b) => a.requestedRate - b.requestedRate);
  const latency: ChartSeries[] = [
    { label: 'p50', color: color(2), points: true, values: byAchieved.map((s) => r5(s.p50Ms)) },
    { label: 'p95', color: color(3), points: true, values: byAchieved.map((s) => r5(s.p95Ms)) },
  ];
  if (byAchieved.some((s) => s.ttftP95Ms !== undefined)) {
    latency.push({ label: 'TTFT p95', color: color(4), points: true, values: byAchieved.map((s) => r5(s.ttftP95Ms)) });
  }
  const rates: ChartSeries[] = [
    { label: 'requested', color: '#888888', dash: true, values: byRequested.map((s) => r5(s.requestedRate)) },
    { label: 'achieved', color: color(0), points: true, values: byRequested.map((s) => r5(s.achievedRate)) },
  ];
  if (byRequested.some((s) => s.goodput !== undefined)) {
    rates.push({ label: 'goodput', color: color(2), points: true, values: byRequested.map((s) => r5(s.goodput)) });
  }
  if (sweep.axis === 'batches') {
    // batch capacity: lines/s and batch times against batches in flight
    const times: ChartSeries[] = [
      { label: 'turnaround p50', color: color(2), points: true, values: byRequested.map((s) => r5(s.turnaroundP50Ms)) },
      { label: 'turnaround p95', color: color(3), points: true, values: byRequested.map((s) => r5(s.turnaroundP95Ms)) },
    ];
    if (byRequested.some((s) => s.queueP95Ms !== undefined)) times.push({ label: 'queue p95', color: color(4), points: true, values: byRequested.map((s) => r5(s.queueP95Ms)) });
    const x = { kind: 'linear' as const, label: 'batches in flight', values: byRequested.map((s) => r5(s.requestedRate) ?? 0) };
    return [
      { id: `${idPrefix}-lines`, title: 'Completed lines/s vs batches in flight', x, yLabel: 'lines/s', series: [{ label: 'lines/s', color: color(0), points: true, values: byRequested.map((s) => r5(s.linesPerSecond ?? s.achievedRate)) }] },
      { id: `${idPrefix}-turnaround`, title: 'Batch turnaround vs batches in flight', x, yLabel: 'ms', series: times },
    ];
  }
  return [
    {
      id: `${idPrefix}-latency`,
      title: 'Latency vs throughput',
      x: { kind: 'linear', label: 'achieved requests/s', values: byAchieved.map((s) => r5(s.achievedRate) ?? 0) },
      yLabel: 'ms',
      series: latency,
    },
    {
      id: `${idPrefix}-goodput`,
      title: 'Throughput and goodput vs requested rate',
      x: { kind: 'linear', label: 'requested rate (/s)', values: byRequested.map((s) => r5(s.requestedRate) ?? 0) },
      yLabel: 'requests/s',
      series: rates,
    },
  ];
}
