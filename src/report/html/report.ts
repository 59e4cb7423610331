/**
 * `--html FILE` / `batch-load report RUN.json --html FILE`: one self-contained HTML page from a
 * JSON report (a pure function of it, so the report command reproduces the run's page exactly):
 *
 *   header (target, verdict) · headline figures · thresholds · charts over time (when the report
 *   has a time series) · requests · latency percentile spectrum per request · failures · LLM
 *   (TTFT and ITL spectra, trends) · batch workflow (trends, counters, lifecycle bars) · sweep
 *   curves · burst · other trends and counters · derived values · configuration
 */
import type { TrendStats } from '../../metrics/types.js';
import type { JsonReport } from '../json.js';
import { BATCH_COUNTER_PREFIXES } from '../summary.js';
import { MAX_CHART_NAMES, spectrumChart, sweepCharts, timeSeriesCharts, type ChartSpec } from './charts.js';
import { chartGrid, renderPage } from './page.js';
import {
  batchLifecycle,
  burstBlock,
  configBlock,
  countersTable,
  derivedTable,
  failuresTable,
  headerBlock,
  requestsTable,
  section,
  sweepTable,
  thresholdsTable,
  tiles,
  trendsTable,
} from './sections.js';

const LLM_TREND = /^(ttft|itl|tpot|e2e|tokens_per_second|output_tokens)(:|$)/;
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function renderHtmlReport(report: JsonReport): string {
  const m = report.metrics;
  const trends = Object.values(m.trends).sort(byName);
  const llm = trends.filter((t) => LLM_TREND.test(t.name));
  const batch = trends.filter((t) => t.name.startsWith('batch_'));
  const other = trends.filter((t) => !llm.includes(t) && !batch.includes(t));
  const counters = Object.entries(m.counters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const isBatchCounter = (k: string) => BATCH_COUNTER_PREFIXES.some((p) => k.startsWith(p));

  const overTime = timeSeriesCharts(report.timeseries ?? []);
  const busiest = Object.values(m.requests).sort((a, b) => b.count - a.count).slice(0, MAX_CHART_NAMES);
  const spectrum = spectrumChart('spectrum-requests', 'Latency by percentile', 'ms', [
    { label: 'all requests', distribution: m.aggregated },
    ...busiest.map((r) => ({ label: r.name, distribution: r })),
  ]);
  const llmSpectra = (['ttft', 'itl'] as const)
    .map((base) => {
      const family = llm.filter((t) => t.name === base || t.name.startsWith(`${base}:`));
      const title = base === 'ttft' ? 'Time to first token by percentile' : 'Inter-token latency by percentile';
      return spectrumChart(`spectrum-${base}`, title, 'ms', family.map((t: TrendStats) => ({ label: t.name, distribution: t, unit: t.unit })));
    })
    .filter((c): c is ChartSpec => c !== undefined);
  const sweep = report.sweep ? sweepCharts(report.sweep) : [];

  const body = [
    headerBlock(report),
    tiles(report),
    section('Thresholds', thresholdsTable(report.thresholds), 'thresholds'),
    section('Over time', overTime.length > 0 ? chartGrid(overTime) : '', 'over-time'),
    section('Requests', requestsTable(m), 'requests'),
    section('Latency percentile spectrum', spectrum ? `${chartGrid([spectrum])}<p class="dim">HdrHistogram style: x = 1/(1−p) on a log axis; from the recorded histograms.</p>` : '', 'spectrum'),
    section('Failures', failuresTable(m), 'failures'),
    section('LLM metrics', llm.length > 0 ? `${chartGrid(llmSpectra)}${trendsTable(llm)}` : '', 'llm'),
    section(
      'Batch workflow',
      [trendsTable(batch), countersTable(counters.filter(([k]) => isBatchCounter(k))), batchLifecycle(report.batches)].join(''),
      'batches',
    ),
    section('Rate sweep', report.sweep && report.sweep.steps.length > 0 ? `${chartGrid(sweep)}${sweepTable(report.sweep)}` : '', 'sweep'),
    section('Burst', report.burst ? burstBlock(report.burst) : '', 'burst'),
    section('Other trends', trendsTable(other), 'trends'),
    section('Counters', countersTable(counters.filter(([k]) => !isBatchCounter(k))), 'counters'),
    section('Derived metrics', derivedTable(report.derived), 'derived'),
    section('Configuration', configBlock(report.config), 'config'),
  ].filter(Boolean);
  const charts = [...overTime, ...(spectrum ? [spectrum] : []), ...llmSpectra, ...sweep];
  return renderPage({ title: `batch-load report · ${report.runId}`, body: body.join('\n'), charts });
}
