/**
 * The HTML report's tables and blocks, each a pure function of (part of) the JSON report that
 * returns escaped HTML, '' when it has nothing to show. Every string from the report goes
 * through escapeHtml; failure texts also through maskCredentials.
 */
import type { MetricsSnapshot, RequestStats, TrendStats } from '../../metrics/types.js';
import type { ThresholdResult } from '../../thresholds/types.js';
import type { BatchTimeline } from '../batch-timeline.js';
import type { BurstSection } from '../burst.js';
import { fmtDuration, fmtNum } from '../format.js';
import { scrubSecrets, type JsonReport } from '../json.js';
import { resultLine, thresholdCondition, thresholdObserved } from '../summary.js';
import type { SweepSection, SweepStep } from '../sweep.js';
import { escapeHtml, maskCredentials } from './escape.js';
import { describeShape } from '../load-shape.js';
import type { RunConfig } from '../../config/types.js';

/** A table cell: text (escaped here) with an optional class. */
export type Cell = string | { text: string; cls?: string; title?: string };

export function htmlTable(headers: Cell[], rows: Cell[][], opts: { rowClass?: (i: number) => string | undefined } = {}): string {
  const cell = (tag: 'th' | 'td', c: Cell) => {
    const { text, cls, title } = typeof c === 'string' ? { text: c, cls: undefined, title: undefined } : c;
    const attrs = `${cls ? ` class="${escapeHtml(cls)}"` : ''}${title ? ` title="${escapeHtml(title)}"` : ''}`;
    return `<${tag}${attrs}>${escapeHtml(text)}</${tag}>`;
  };
  const body = rows.map((r, i) => {
    const cls = opts.rowClass?.(i);
    return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${r.map((c) => cell('td', c)).join('')}</tr>`;
  });
  return `<table><thead><tr>${headers.map((h) => cell('th', h)).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

export const section = (title: string, html: string, id?: string) =>
  html ? `<section${id ? ` id="${escapeHtml(id)}"` : ''}><h2>${escapeHtml(title)}</h2>${html}</section>` : '';

/** ms for tables: 3 significant digits at least, µs at most. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

const rate = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
const pct = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;

// ---- header -----------------------------------------------------------------------------------

interface ConfigView {
  target?: { host?: string; basePath?: string; embedded?: boolean };
  scenarios?: Array<{ name?: string; weight?: number }>;
  users?: number;
  spawnRate?: number;
  arrivalRate?: number;
}

/** Title, run facts, target and the verdict. */
export function headerBlock(report: JsonReport): string {
  const c = (report.config && typeof report.config === 'object' ? report.config : {}) as ConfigView;
  const target = c.target?.host ? `${c.target.host}${c.target.basePath ?? ''}${c.target.embedded ? ' (embedded mock)' : ''}` : undefined;
  const mix = Array.isArray(c.scenarios) ? c.scenarios.map((s) => (c.scenarios!.length > 1 ? `${s.name}:${s.weight}` : `${s.name}`)).join(', ') : undefined;
  // the summary's verdict line, without its `RESULT: ` prefix
  const verdict = resultLine(report.thresholds, report.interrupted).replace(/^RESULT: /, '');
  const pass = report.passed && !report.interrupted;
  const facts: Array<[string, string | undefined]> = [
    ['run', report.runId],
    ['target', target ? maskCredentials(target) : undefined],
    ['scenarios', mix],
    // the shape as the run announced it (closed, open, stages, sweep); older reports: what they carry
    ['load', typeof c.users === 'number' && typeof c.spawnRate === 'number' ? describeShape(c as unknown as RunConfig) : c.users ? `${c.users} users` : undefined],
    ['time', `${report.startedAt} .. ${report.endedAt} (${fmtDuration(report.metrics.elapsedSeconds)})`],
    ['batch-load', report.version],
  ];
  return [
    `<header><h1>batch-load report</h1>`,
    ...facts.filter((f): f is [string, string] => !!f[1]).map(([k, v]) => `<div class="meta">${escapeHtml(k)}: <b>${escapeHtml(v)}</b></div>`),
    `<div class="verdict ${pass ? 'pass' : 'fail'}">${escapeHtml(verdict)} · exit code ${report.exitCode}</div>`,
    report.interrupted ? `<div class="bad">Interrupted: a partial report (in-flight requests were abandoned and counted).</div>` : '',
    `</header>`,
  ].join('\n');
}

/** Headline figures of the whole run. */
export function tiles(report: JsonReport): string {
  const m = report.metrics;
  const a = m.aggregated;
  const items: Array<[string, string]> = [
    ['requests', fmtNum(a.count)],
    ['failures', `${fmtNum(a.failures)} (${pct(a.errorRate)})`],
    ['throughput', `${rate(a.rps)} req/s`],
    ['p50 / p95 / p99', a.count > 0 ? `${ms(a.p50)} / ${ms(a.p95)} / ${ms(a.p99)} ms` : '-'],
  ];
  const tokens = m.counters.output_tokens_total;
  if (tokens !== undefined && m.elapsedSeconds > 0) items.push(['output tokens/s', rate(tokens / m.elapsedSeconds)]);
  const wf = (m.counters.workflows_completed ?? 0) + (m.counters.workflows_failed ?? 0);
  if (wf > 0) items.push(['batch workflows', `${fmtNum(m.counters.workflows_completed ?? 0)} of ${fmtNum(wf)} completed`]);
  return `<div class="tiles">${items.map(([k, v]) => `<div class="tile"><div class="v">${escapeHtml(v)}</div><div class="k">${escapeHtml(k)}</div></div>`).join('')}</div>`;
}

// ---- tables -----------------------------------------------------------------------------------

export function thresholdsTable(results: ThresholdResult[]): string {
  if (results.length === 0) return '<p class="dim">No thresholds.</p>';
  return htmlTable(
    ['', { text: 'Metric', cls: 'l' }, { text: 'Condition', cls: 'l' }, { text: 'Observed', cls: 'l' }],
    results.map((r) => [
      { text: r.passed ? '✓' : '✗', cls: r.passed ? 'ok' : 'bad' },
      { text: r.metric, cls: 'name' },
      { text: thresholdCondition(r), cls: 'l' },
      { text: thresholdObserved(r), cls: 'l' },
    ]),
  );
}

/** Locust-style: one row per request name, Aggregated last. */
export function requestsTable(m: MetricsSnapshot): string {
  const rows = Object.values(m.requests).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  if (rows.length === 0) return '<p class="dim">No requests recorded.</p>';
  const row = (r: RequestStats): Cell[] => [
    { text: r.name, cls: 'name' },
    fmtNum(r.count),
    fmtNum(r.failures),
    pct(r.errorRate),
    rate(r.rps),
    ...[r.mean, r.min, r.p50, r.p90, r.p95, r.p99, r.p999, r.max].map((v) => (r.count > 0 ? ms(v) : '-')),
  ];
  const headers: Cell[] = [{ text: 'Request', cls: 'l' }, 'Requests', 'Failures', 'Error %', 'req/s', 'Avg', 'Min', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'Max'];
  const all = [...rows.map(row), row(m.aggregated)];
  return htmlTable(headers, all, { rowClass: (i) => (i === all.length - 1 ? 'total' : undefined) }) + '<p class="dim">Times in ms.</p>';
}

export function failuresTable(m: MetricsSnapshot): string {
  if (m.failures.length === 0) return '';
  return htmlTable(
    ['Occurrences', { text: 'Request', cls: 'l' }, { text: 'Error', cls: 'l' }],
    m.failures.map((f) => [fmtNum(f.occurrences), { text: f.name, cls: 'name' }, { text: maskCredentials(f.error), cls: 'name' }]),
  );
}

export function trendsTable(trends: TrendStats[]): string {
  if (trends.length === 0) return '';
  const f = (t: TrendStats, v: number) => (t.count === 0 ? '-' : t.unit === 'ms' ? ms(v) : t.unit === 'rate' ? rate(v) : fmtNum(Number(v.toFixed(2))));
  return htmlTable(
    [{ text: 'Trend', cls: 'l' }, 'count', 'min', 'avg', 'p50', 'p90', 'p95', 'p99', 'max', { text: 'unit', cls: 'l' }],
    trends.map((t) => [
      { text: t.name, cls: 'name' },
      fmtNum(t.count),
      ...[t.min, t.mean, t.p50, t.p90, t.p95, t.p99, t.max].map((v) => f(t, v)),
      { text: t.unit === 'rate' ? '/s' : t.unit, cls: 'l' },
    ]),
  );
}

export function countersTable(entries: Array<[string, number]>): string {
  if (entries.length === 0) return '';
  return htmlTable([{ text: 'Counter', cls: 'l' }, 'value'], entries.map(([k, v]) => [{ text: k, cls: 'name' }, fmtNum(v)]));
}

/** Values computed from the metrics that thresholds can name (proxy overhead ...). */
export function derivedTable(derived: JsonReport['derived']): string {
  const rows = Object.entries(derived ?? {}).flatMap(([metric, values]) =>
    Object.entries(values ?? {})
      .filter((kv): kv is [string, number] => typeof kv[1] === 'number')
      .map(([agg, v]): Cell[] => [{ text: metric, cls: 'name' }, { text: agg, cls: 'l' }, ms(v)]),
  );
  return rows.length > 0 ? htmlTable([{ text: 'Metric', cls: 'l' }, { text: 'aggregation', cls: 'l' }, 'value (ms)'], rows) : '';
}

export function configBlock(config: unknown): string {
  // the report already went through scrubSecrets when it was built; mask secret-looking keys and
  // credentials in URLs or headers once more, in case it was written by something else
  const text = maskCredentials(JSON.stringify(scrubSecrets(config, []), null, 2) ?? 'null');
  return `<details><summary>Configuration (secrets removed)</summary><pre>${escapeHtml(text)}</pre></details>`;
}

// ---- batch lifecycle --------------------------------------------------------------------------

const KNOWN_STATUSES = ['validating', 'in_progress', 'finalizing', 'cancelling', 'completed', 'failed', 'expired', 'cancelled'];
const statusClass = (s: string) => (KNOWN_STATUSES.includes(s) ? `st-${s}` : 'st-other');

/** One bar per batch across its statuses, on a common time axis (HTML and CSS, no script). */
export function batchLifecycle(batches: BatchTimeline[] | undefined): string {
  const usable = (batches ?? []).filter((b) => b.statuses.length > 0);
  if (usable.length === 0) return '';
  const t = (iso: string) => Date.parse(iso);
  const t0 = Math.min(...usable.map((b) => t(b.statuses[0].from)));
  const t1 = Math.max(...usable.map((b) => t(b.statuses[b.statuses.length - 1].to)), t0 + 1);
  const span = t1 - t0;
  const pos = (v: number) => ((100 * (v - t0)) / span).toFixed(3);
  const rows = usable.map((b) => {
    const spans = b.statuses
      .map((s) => {
        const from = t(s.from);
        const to = Math.max(t(s.to), from);
        const title = `${s.status}: ${((to - from) / 1000).toFixed(1)} s`;
        return `<span class="lc-span ${statusClass(s.status)}" style="left:${pos(from)}%;width:${((100 * (to - from)) / span).toFixed(3)}%" title="${escapeHtml(title)}"></span>`;
      })
      .join('');
    return `<div class="lc-row"><div class="lc-id" title="${escapeHtml(b.id)}">${escapeHtml(b.id)}</div><div class="lc-track">${spans}</div></div>`;
  });
  const seen = [...new Set(usable.flatMap((b) => b.statuses.map((s) => s.status)))];
  const legend = seen.map((s) => `<span><i class="${statusClass(s)}"></i>${escapeHtml(s)}</span>`).join('');
  return [
    `<p class="dim">The last ${usable.length} batches, from the server's timestamps (Batch API: whole seconds).</p>`,
    `<div class="legend">${legend}</div>`,
    `<div class="lifecycle">${rows.join('')}<div class="lc-axis"><span>${escapeHtml(new Date(t0).toISOString())}</span><span>+${escapeHtml(fmtDuration(span / 1000))}</span></div></div>`,
  ].join('\n');
}

// ---- sweep and burst --------------------------------------------------------------------------

export function sweepTable(sweep: SweepSection): string {
  const opt = (v: number | undefined, f: (x: number) => string) => (v === undefined ? '-' : f(v));
  const verdict = (s: SweepStep) => (s.passed === undefined ? '-' : s.passed ? '✓' : '✗');
  const batches = sweep.axis === 'batches';
  const table = batches
    ? htmlTable(
        ['batches in flight', 'lines/s', 'turnaround p50 ms', 'turnaround p95 ms', 'queue p95 ms', 'error %', 'thresholds'],
        sweep.steps.map((s) => [fmtNum(s.batchesInFlight ?? s.requestedRate), opt(s.linesPerSecond ?? s.achievedRate, rate), opt(s.turnaroundP50Ms, ms), opt(s.turnaroundP95Ms, ms), opt(s.queueP95Ms, ms), opt(s.errorRate, pct), verdict(s)]),
      )
    : htmlTable(
        ['step', 'requested /s', 'achieved /s', 'p50 ms', 'p95 ms', 'TTFT p95 ms', 'goodput /s', 'error %', 'thresholds'],
        [...sweep.steps]
          .sort((a, b) => a.requestedRate - b.requestedRate)
          .map((s) => [s.kind ?? '-', rate(s.requestedRate), rate(s.achievedRate), ms(s.p50Ms), ms(s.p95Ms), opt(s.ttftP95Ms, ms), opt(s.goodput, rate), opt(s.errorRate, pct), verdict(s)]),
      );
  const unit = batches ? ' lines/s' : '/s';
  const facts = [
    sweep.maxSustainableRate !== undefined ? `Maximum sustainable rate: <b>${escapeHtml(rate(sweep.maxSustainableRate))}${unit}</b>` : '',
    sweep.slo && sweep.slo.length > 0 ? `Goodput counts requests meeting: ${escapeHtml(sweep.slo.join(', '))}` : '',
  ].filter(Boolean);
  return `${facts.map((f) => `<p>${f}</p>`).join('')}${table}`;
}

export function burstBlock(burst: BurstSection): string {
  const facts = htmlTable(
    [{ text: 'Burst', cls: 'l' }, 'value'],
    [
      ['requests sent at once', fmtNum(burst.sent)],
      ['succeeded', fmtNum(burst.succeeded)],
      ['failed', fmtNum(burst.failed)],
      ['success rate (required)', `${pct(burst.successRate)} (${pct(burst.minSuccess)})`],
      ['total time', `${(burst.totalTimeMs / 1000).toFixed(2)} s`],
      ['min / median / p90 / max', `${ms(burst.stats.min)} / ${ms(burst.stats.median)} / ${ms(burst.stats.p90)} / ${ms(burst.stats.max)} ms`],
      ['mean ± stdev', `${ms(burst.stats.mean)} ± ${ms(burst.stats.stdev)} ms`],
      ['pre-flight', burst.preflight.ok ? `OK (${ms(burst.preflight.durationMs)} ms)` : `FAILED: ${maskCredentials(burst.preflight.error ?? '')}`],
    ].map(([k, v]): Cell[] => [{ text: k, cls: 'l' }, v]),
  );
  const failures = Object.entries(burst.failures).sort((a, b) => b[1] - a[1]);
  const failuresTableHtml = failures.length
    ? htmlTable(['Occurrences', { text: 'Reason', cls: 'l' }], failures.map(([r, n]) => [fmtNum(n), { text: maskCredentials(r), cls: 'name' }]))
    : '';
  return facts + failuresTableHtml;
}
