/**
 * `batch-load compare BASE.json NEW.json`: the two runs side by side per request name and per
 * trend, each difference as an absolute value and a percentage, regressions beyond
 * `maxRegression` marked (exit 1 when there is one).
 *
 * Compared (when both reports have them; older reports may lack some):
 *   - per request name and Aggregated: p50, p95, p99 latency, throughput (req/s), error rate;
 *   - per trend in ms (ttft, itl, tpot, e2e, batch_turnaround, time in each batch status ...):
 *     p50, p95, p99; per-request tokens/s trends: p50;
 *   - output tokens/s over the run, a sweep's maximum sustainable rate and goodput per step.
 *
 * Noise guard: a difference counts (as a regression or an improvement) only when
 *   1. it is above the histogram's resolution: more than 0.1 % of the larger value (3
 *      significant digits) and more than the unit's quantum (1 µs for times);
 *   2. for a percentile pN, both runs have at least 10 samples beyond it: n ≥ 10 / (1 − N/100),
 *      i.e. 20 for p50, 200 for p95, 1,000 for p99 (below that one sample moves the percentile);
 *   3. for throughput, the rates differ by more than 3 standard errors of their request counts
 *      (Poisson: 3·√(n₁/t₁² + n₂/t₂²));
 *   4. for the error rate, a two-proportion z-test gives |z| ≥ 3.
 * Single figures without samples (sweep goodput, maximum sustainable rate) need rule 1 only.
 */
import type { Distribution, TrendStats } from '../metrics/types.js';
import type { JsonReport } from './json.js';

export const DEFAULT_MAX_REGRESSION = 0.1;
/** samples that must lie beyond a percentile in both runs */
export const TAIL_SAMPLES = 10;
/** relative resolution of a 3-significant-digit HdrHistogram */
export const RESOLUTION = 0.001;
/** standard errors a throughput or error-rate difference must exceed */
export const Z_MIN = 3;

export type Better = 'lower' | 'higher';

/**
 * regression: worse beyond the bound (and above the noise); worse: worse within the bound;
 * improvement: better, above the noise; unchanged: within the resolution; noise: too few samples
 * to tell; missing: in one report only.
 */
export type RowStatus = 'regression' | 'worse' | 'improvement' | 'unchanged' | 'noise' | 'missing';

export interface CompareRow {
  /** request name, `Aggregated`, a trend name, `run` or `sweep` */
  subject: string;
  /** `p95`, `throughput`, `error rate`, `goodput @ 20/s` ... */
  metric: string;
  unit: 'ms' | 'req/s' | '%' | 'tok/s' | '';
  better: Better;
  base: number | null;
  next: number | null;
  /** next − base */
  delta: number | null;
  /** (next − base) / base × 100; null when base is 0 or a side is missing */
  deltaPct: number | null;
  status: RowStatus;
  /** why a difference was not counted */
  note?: string;
}

export interface CompareResult {
  maxRegression: number;
  base: RunRef;
  next: RunRef;
  rows: CompareRow[];
  regressions: CompareRow[];
  /** 1 when a regression exceeds the bound, else 0 */
  exitCode: 0 | 1;
}

export interface RunRef {
  runId: string;
  startedAt: string;
  elapsedSeconds: number;
}

export interface CompareOptions {
  /** largest accepted worsening, as a fraction (0.10 = 10 %) */
  maxRegression?: number;
}

/** `10%`, `10` (percent) or `0.1` → 0.1; throws on anything else (a usage error). */
export function parseMaxRegression(text: string): number {
  const t = text.trim();
  const v = Number(t.endsWith('%') ? t.slice(0, -1) : t);
  if (t === '' || !Number.isFinite(v) || v < 0) throw new Error(`--max-regression: expected a percentage such as 10% or 0.1, got '${text}'`);
  return t.endsWith('%') || v >= 1 ? v / 100 : v;
}

const PERCENTILES = [
  ['p50', 50],
  ['p95', 95],
  ['p99', 99],
] as const;

export function compareReports(base: JsonReport, next: JsonReport, opts: CompareOptions = {}): CompareResult {
  const maxRegression = opts.maxRegression ?? DEFAULT_MAX_REGRESSION;
  const judge = (row: Omit<CompareRow, 'delta' | 'deltaPct' | 'status'>, guard?: () => string | undefined) =>
    judgeRow(row, maxRegression, guard);
  const rows: CompareRow[] = [];
  const b = base.metrics;
  const n = next.metrics;

  // requests: Aggregated first, then names in the base's order, then names only in the new run
  const names = [...new Set([...Object.keys(b.requests), ...Object.keys(n.requests)])];
  for (const [subject, x, y] of [
    ['Aggregated', b.aggregated, n.aggregated] as const,
    ...names.map((name) => [name, b.requests[name], n.requests[name]] as const),
  ]) {
    for (const [metric, p] of PERCENTILES) {
      rows.push(judge({ subject, metric, unit: 'ms', better: 'lower', base: num(x, metric), next: num(y, metric) }, () => tailGuard(x, y, p)));
    }
    const bs = b.elapsedSeconds;
    const ns = n.elapsedSeconds;
    rows.push(
      judge({ subject, metric: 'throughput', unit: 'req/s', better: 'higher', base: x ? x.rps : null, next: y ? y.rps : null }, () =>
        x && y ? poissonGuard(x.count, bs, y.count, ns) : undefined,
      ),
    );
    rows.push(
      judge(
        { subject, metric: 'error rate', unit: '%', better: 'lower', base: x ? x.errorRate * 100 : null, next: y ? y.errorRate * 100 : null },
        () => (x && y ? proportionGuard(x.failures, x.count, y.failures, y.count) : undefined),
      ),
    );
  }

  // trends in ms, and per-request tokens/s
  const trendNames = [...new Set([...Object.keys(b.trends), ...Object.keys(n.trends)])].sort();
  for (const name of trendNames) {
    const x = b.trends[name];
    const y = n.trends[name];
    const unit = (x ?? y)!.unit;
    if (unit === 'ms') {
      for (const [metric, p] of PERCENTILES) {
        rows.push(judge({ subject: name, metric, unit: 'ms', better: 'lower', base: num(x, metric), next: num(y, metric) }, () => tailGuard(x, y, p)));
      }
    } else if (unit === 'rate' && name.startsWith('tokens_per_second')) {
      rows.push(judge({ subject: name, metric: 'p50', unit: 'tok/s', better: 'higher', base: num(x, 'p50'), next: num(y, 'p50') }, () => tailGuard(x, y, 50)));
    }
  }

  const tokens = (r: JsonReport) => {
    const t = r.metrics.counters.output_tokens_total;
    return t !== undefined && r.metrics.elapsedSeconds > 0 ? t / r.metrics.elapsedSeconds : null;
  };
  if (tokens(base) !== null || tokens(next) !== null) {
    rows.push(judge({ subject: 'run', metric: 'output tokens/s', unit: 'tok/s', better: 'higher', base: tokens(base), next: tokens(next) }, () => {
      const bt = base.metrics.counters.output_tokens_total;
      const nt = next.metrics.counters.output_tokens_total;
      return bt !== undefined && nt !== undefined ? poissonGuard(bt, b.elapsedSeconds, nt, n.elapsedSeconds) : undefined;
    }));
  }

  if (base.sweep || next.sweep) {
    const bs = base.sweep;
    const ns = next.sweep;
    if (bs?.maxSustainableRate !== undefined || ns?.maxSustainableRate !== undefined) {
      rows.push(judge({ subject: 'sweep', metric: 'max sustainable rate', unit: 'req/s', better: 'higher', base: bs?.maxSustainableRate ?? null, next: ns?.maxSustainableRate ?? null }));
    }
    const rates = [...new Set([...(bs?.steps ?? []), ...(ns?.steps ?? [])].map((s) => s.requestedRate))].sort((p, q) => p - q);
    for (const rate of rates) {
      const x = bs?.steps.find((s) => s.requestedRate === rate)?.goodput;
      const y = ns?.steps.find((s) => s.requestedRate === rate)?.goodput;
      if (x === undefined && y === undefined) continue;
      rows.push(judge({ subject: 'sweep', metric: `goodput @ ${rate}/s`, unit: 'req/s', better: 'higher', base: x ?? null, next: y ?? null }));
    }
  }

  const regressions = rows.filter((r) => r.status === 'regression');
  return {
    maxRegression,
    base: ref(base),
    next: ref(next),
    rows,
    regressions,
    exitCode: regressions.length > 0 ? 1 : 0,
  };
}

function ref(r: JsonReport): RunRef {
  return { runId: r.runId, startedAt: r.startedAt, elapsedSeconds: r.metrics.elapsedSeconds };
}

/** A percentile of a distribution with samples; null when absent or empty. */
function num(d: Distribution | undefined, key: 'p50' | 'p95' | 'p99'): number | null {
  return d && d.count > 0 ? d[key] : null;
}

function judgeRow(row: Omit<CompareRow, 'delta' | 'deltaPct' | 'status'>, maxRegression: number, guard?: () => string | undefined): CompareRow {
  const { base, next } = row;
  if (base === null || next === null) return { ...row, delta: null, deltaPct: null, status: 'missing' };
  const delta = next - base;
  const deltaPct = base !== 0 ? (delta / Math.abs(base)) * 100 : null;
  const out = { ...row, delta, deltaPct };
  const quantum = row.unit === 'ms' || row.unit === 'tok/s' ? 0.001 : 0;
  if (Math.abs(delta) <= Math.max(RESOLUTION * Math.max(Math.abs(base), Math.abs(next)), quantum)) return { ...out, status: 'unchanged' };
  const note = guard?.();
  if (note) return { ...out, status: 'noise', note };
  const worse = row.better === 'lower' ? delta > 0 : delta < 0;
  if (!worse) return { ...out, status: 'improvement' };
  // a worsening from 0 (no errors before) is beyond any relative bound
  const relative = base !== 0 ? Math.abs(delta) / Math.abs(base) : Infinity;
  return { ...out, status: relative > maxRegression ? 'regression' : 'worse' };
}

/** Rule 2: both runs need TAIL_SAMPLES samples beyond the percentile. */
function tailGuard(x: Distribution | TrendStats | undefined, y: Distribution | TrendStats | undefined, p: number): string | undefined {
  const need = Math.ceil(TAIL_SAMPLES / (1 - p / 100) - 1e-9);
  const nx = x?.count ?? 0;
  const ny = y?.count ?? 0;
  return nx >= need && ny >= need ? undefined : `p${p} needs ≥ ${need} samples in both runs (base ${nx}, new ${ny})`;
}

/** Rule 3: counts n over t seconds; the rates must differ by more than Z_MIN standard errors. */
function poissonGuard(n1: number, t1: number, n2: number, t2: number): string | undefined {
  if (!(t1 > 0 && t2 > 0)) return 'no elapsed time';
  const se = Math.sqrt(n1 / (t1 * t1) + n2 / (t2 * t2));
  const diff = Math.abs(n2 / t2 - n1 / t1);
  return diff > Z_MIN * se ? undefined : `within ${Z_MIN} standard errors of the counts (${n1} vs ${n2})`;
}

/** Rule 4: two-proportion z-test on failures / requests. */
function proportionGuard(f1: number, n1: number, f2: number, n2: number): string | undefined {
  if (n1 === 0 || n2 === 0) return 'no requests on one side';
  const pooled = (f1 + f2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? Math.abs(f2 / n2 - f1 / n1) / se : 0;
  return z >= Z_MIN ? undefined : `|z| ${z.toFixed(2)} < ${Z_MIN} (${f1}/${n1} vs ${f2}/${n2} failed)`;
}
