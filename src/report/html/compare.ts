/**
 * `compare --html FILE`: the comparison as one self-contained page, built from the report's
 * pieces (page shell, tables, percentile spectrum): verdict, every compared metric with its
 * status, and for Aggregated and the busiest request names the latency spectrum of both runs
 * (base dashed, new solid, same colour).
 */
import type { CompareResult } from '../compare.js';
import { compareVerdict, fmtCompareDelta, fmtCompareValue, rowLabel, STATUS_LABEL } from '../compare-markdown.js';
import type { JsonReport } from '../json.js';
import { MAX_CHART_NAMES, spectrumChart, type ChartSpec } from './charts.js';
import { escapeHtml } from './escape.js';
import { chartGrid, renderPage } from './page.js';
import { htmlTable, section } from './sections.js';

export function renderCompareHtml(result: CompareResult, base: JsonReport, next: JsonReport): string {
  const failed = result.regressions.length > 0;
  const head = [
    '<header><h1>batch-load compare</h1>',
    `<div class="meta">base: <b>${escapeHtml(result.base.runId)}</b> (${escapeHtml(result.base.startedAt)}, ${result.base.elapsedSeconds.toFixed(0)} s)</div>`,
    `<div class="meta">new: <b>${escapeHtml(result.next.runId)}</b> (${escapeHtml(result.next.startedAt)}, ${result.next.elapsedSeconds.toFixed(0)} s)</div>`,
    `<div class="verdict ${failed ? 'fail' : 'pass'}">${escapeHtml(compareVerdict(result))} · exit code ${result.exitCode}</div>`,
    '</header>',
  ].join('\n');
  const table = htmlTable(
    [{ text: 'Status', cls: 'l' }, { text: 'Metric', cls: 'l' }, 'Base', 'New', 'Δ', 'Δ %', { text: 'Note', cls: 'l' }],
    result.rows.map((r) => {
      const d = fmtCompareDelta(r);
      return [
        { text: STATUS_LABEL[r.status], cls: `l status-${r.status}` },
        { text: rowLabel(r), cls: 'name' },
        fmtCompareValue(r.base, r.unit),
        fmtCompareValue(r.next, r.unit),
        d.abs,
        d.pct,
        { text: r.note ?? '', cls: 'l dim' },
      ];
    }),
  );
  // Aggregated and the busiest names present in both runs, each with its own chart
  const names = Object.values(next.metrics.requests)
    .filter((r) => base.metrics.requests[r.name])
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_CHART_NAMES)
    .map((r) => r.name);
  const charts = [
    spectrumChart('cmp-aggregated', 'All requests: latency by percentile', 'ms', [
      { label: 'base', distribution: base.metrics.aggregated, dash: true, colorIndex: 0 },
      { label: 'new', distribution: next.metrics.aggregated, colorIndex: 0 },
    ]),
    ...names.map((name, i) =>
      spectrumChart(`cmp-name-${i}`, `${name}: latency by percentile`, 'ms', [
        { label: 'base', distribution: base.metrics.requests[name], dash: true, colorIndex: i + 1 },
        { label: 'new', distribution: next.metrics.requests[name], colorIndex: i + 1 },
      ]),
    ),
  ].filter((c): c is ChartSpec => c !== undefined);
  const body = [
    head,
    section('Compared metrics', table, 'rows'),
    section('Latency percentile spectrum, base (dashed) and new', chartGrid(charts), 'spectrum'),
    '<p class="dim">A difference counts only above the histogram resolution (0.1 %, 1 µs), with ≥ 10 samples beyond a percentile in both runs, and for throughput and error rate beyond 3 standard errors.</p>',
  ].join('\n');
  return renderPage({ title: `batch-load compare · ${result.base.runId} → ${result.next.runId}`, body, charts });
}
