/**
 * End-of-run text for the online scenarios: an LLM metrics table per scenario (with where the
 * token counts came from), the proxy's overhead header, and proxy overhead vs the baseline.
 * Pure functions of a MetricsSnapshot; the summary appends them via `extraSections`.
 */
import type { MetricsSnapshot, TrendStats } from '../../metrics/types.js';
import { computeOverhead, type OverheadFigures } from './overhead.js';
import { METRIC } from './stream-metrics.js';

const fmt = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** Scenario keys that have LLM metrics: `chat`, `responses`, `chat baseline` ... */
export function llmScenarioKeys(snapshot: MetricsSnapshot): string[] {
  const keys = new Set<string>();
  const prefix = `${METRIC.outputTokensTotal}:`;
  for (const name of Object.keys(snapshot.counters)) if (name.startsWith(prefix)) keys.add(name.slice(prefix.length));
  for (const name of Object.keys(snapshot.trends)) if (name.startsWith(`${METRIC.ttft}:`)) keys.add(name.slice(METRIC.ttft.length + 1));
  return [...keys];
}

/** "usage" / "counted" / "usage 40, counted 2" for a scenario key ('' = run-wide). */
export function tokenProvenance(snapshot: MetricsSnapshot, key = ''): string {
  const suffix = key ? `:${key}` : '';
  const usage = snapshot.counters[`${METRIC.source}:usage${suffix}`] ?? 0;
  const counted = snapshot.counters[`${METRIC.source}:counted${suffix}`] ?? 0;
  if (usage && counted) return `usage ${usage}, counted ${counted}`;
  if (usage) return 'usage';
  if (counted) return 'counted';
  return '-';
}

/** Run-wide output tokens per second: output_tokens_total / elapsed. */
export function aggregateTokensPerSecond(snapshot: MetricsSnapshot): number {
  const total = snapshot.counters[METRIC.outputTokensTotal] ?? 0;
  return snapshot.elapsedSeconds > 0 ? total / snapshot.elapsedSeconds : 0;
}

/** Run-wide LLM trends have their own row only when several scenarios feed them. */
const RUN_WIDE_ROW = 'all';
const ROW_TRENDS = [METRIC.ttft, METRIC.itl, METRIC.tpot, METRIC.e2e, METRIC.tokensPerSecond];

function llmRowKeys(snapshot: MetricsSnapshot): string[] {
  const keys = llmScenarioKeys(snapshot);
  // baseline requests never feed the run-wide trends: with one other scenario they equal its row
  return keys.filter((k) => !k.endsWith(' baseline')).length > 1 ? [...keys, RUN_WIDE_ROW] : keys;
}

/**
 * The trends and counters the online sections print, so the summary's generic tables leave
 * them out (each metric once).
 */
export function onlineSectionMetrics(snapshot: MetricsSnapshot): { trends: Set<string>; counters: Set<string> } {
  const trends = new Set<string>();
  const counters = new Set<string>();
  const keys = llmRowKeys(snapshot);
  if (keys.length > 0) {
    for (const k of keys) {
      const suffix = k === RUN_WIDE_ROW ? '' : `:${k}`;
      for (const m of ROW_TRENDS) trends.add(`${m}${suffix}`);
      counters.add(`${METRIC.outputTokensTotal}${suffix}`);
      counters.add(`${METRIC.source}:usage${suffix}`);
      counters.add(`${METRIC.source}:counted${suffix}`);
    }
    // the run-wide figures are the single scenario's row, or the total line below the table
    for (const m of ROW_TRENDS) trends.add(m);
    for (const c of [METRIC.outputTokensTotal, `${METRIC.source}:usage`, `${METRIC.source}:counted`]) counters.add(c);
  }
  if (computeOverhead(snapshot).header) trends.add(METRIC.overheadHeader);
  return { trends, counters };
}

/** LLM metrics per scenario: TTFT, ITL, TPOT, E2E (ms), output tokens, tokens/s, provenance. */
export function llmMetricsSection(snapshot: MetricsSnapshot): string[] {
  const keys = llmRowKeys(snapshot);
  if (keys.length === 0) return [];
  const t = (name: string): TrendStats | undefined => snapshot.trends[name];
  const rows = keys.map((k) => {
    const suffix = k === RUN_WIDE_ROW ? '' : `:${k}`;
    const ttft = t(`${METRIC.ttft}${suffix}`);
    const itl = t(`${METRIC.itl}${suffix}`);
    const tpot = t(`${METRIC.tpot}${suffix}`);
    const e2e = t(`${METRIC.e2e}${suffix}`);
    const tps = t(`${METRIC.tokensPerSecond}${suffix}`);
    return [
      k,
      String(tps?.count ?? 0),
      String(e2e?.count ?? 0),
      fmt(ttft?.p50),
      fmt(ttft?.p95),
      fmt(ttft?.p99),
      fmt(itl?.p50, 2),
      fmt(itl?.p95, 2),
      fmt(tpot?.p50, 2),
      fmt(e2e?.p50),
      fmt(e2e?.p95),
      String(snapshot.counters[`${METRIC.outputTokensTotal}${suffix}`] ?? 0),
      fmt(tps?.p50),
      tokenProvenance(snapshot, k === RUN_WIDE_ROW ? '' : k),
    ];
  });
  const total = snapshot.counters[METRIC.outputTokensTotal] ?? 0;
  return [
    'LLM metrics (ms; reqs = successful requests with a token count, streams = those streamed;\n' +
      'TTFT/ITL/TPOT/E2E over streams; ITL = gap between content deltas; tok/s = output tokens / duration)',
    ...table(
      ['scenario', 'reqs', 'streams', 'TTFT p50', 'p95', 'p99', 'ITL p50', 'p95', 'TPOT p50', 'E2E p50', 'p95', 'out tokens', 'tok/s p50', 'tokens from'],
      rows,
    ),
    `Output tokens: ${total} (from ${tokenProvenance(snapshot)}); aggregate ${fmt(aggregateTokensPerSecond(snapshot))} tokens/s over ${fmt(snapshot.elapsedSeconds)} s`,
  ];
}

/** Stats of the proxy's overhead header (Locust orchestrator's overhead_summary, plus p95/p99). */
export function overheadHeaderSection(snapshot: MetricsSnapshot, headerName = 'x-litellm-overhead-duration-ms'): string[] {
  const h = computeOverhead(snapshot).header;
  if (!h) return [];
  return [
    `Overhead header ${headerName} (ms)`,
    ...table(
      ['count', 'min', 'max', 'avg', 'median', 'p95', 'p99'],
      [[String(h.count), fmt(h.min, 2), fmt(h.max, 2), fmt(h.avg, 2), fmt(h.median, 2), fmt(h.p95, 2), fmt(h.p99, 2)]],
    ).map((l) => `  ${l}`),
  ];
}

const figureRow = (label: string, f: OverheadFigures): string[] => [
  label,
  String(f.proxiedCount),
  String(f.baselineCount),
  fmt(f.p50, 2),
  fmt(f.p95, 2),
  fmt(f.p99, 2),
  fmt(f.avg, 2),
];

/** Proxy overhead (proxied − baseline) per request name and overall, p50/p95/p99. */
export function proxyOverheadSection(snapshot: MetricsSnapshot): string[] {
  const o = computeOverhead(snapshot);
  if (!o.overall) return [];
  const rows = o.pairs.map((p) => figureRow(p.proxied, p));
  rows.push(figureRow('overall (metric: overhead)', o.overall));
  if (o.ttft) rows.push(figureRow('streaming TTFT (metric: overhead_ttft)', o.ttft));
  return [
    'Proxy overhead = proxied − baseline latency at the same percentile (ms)',
    ...table(['request', 'proxied', 'baseline', 'p50', 'p95', 'p99', 'avg'], rows).map((l) => `  ${l}`),
  ];
}

/**
 * Every online section that has data, one multi-line block per section (the summary's
 * `extraSections` shape: it separates blocks with a blank line).
 */
export function onlineSummarySections(snapshot: MetricsSnapshot, opts: { overheadHeader?: string } = {}): string[] {
  return [llmMetricsSection(snapshot), overheadHeaderSection(snapshot, opts.overheadHeader), proxyOverheadSection(snapshot)]
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'));
}
