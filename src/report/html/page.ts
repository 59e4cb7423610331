/**
 * The page shell every HTML report shares: one self-contained document with uPlot's JS and CSS,
 * the report's own CSS, the chart data as inert JSON and the page script, all inline. Nothing is
 * fetched: a Content-Security-Policy allows no network source at all and only the two inline
 * scripts by their hashes, so even markup that slipped through escaping could not run or load.
 */
import { createHash } from 'node:crypto';
import { uplotAssets } from './assets.js';
import type { ChartSpec } from './charts.js';
import { CLIENT_JS } from './client.js';
import { escapeHtml, jsonForScript } from './escape.js';

const CSS = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #dde1e8; --bg: #ffffff; --alt: #f6f7f9; --pass: #1a7f37; --fail: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 64px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 2px 0; } .meta b { color: var(--fg); font-weight: 600; }
.verdict { display: inline-block; padding: 4px 12px; border-radius: 4px; color: #fff; font-weight: 700; margin: 8px 0; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); }
.ok { color: var(--pass); font-weight: 700; } .bad { color: var(--fail); font-weight: 700; } .warn { color: #9a6700; } .dim { color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.tile .v { font-size: 20px; font-weight: 600; } .tile .k { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; vertical-align: top; }
th { background: var(--alt); font-weight: 600; }
td.l, th.l { text-align: left; } td.name { text-align: left; max-width: 520px; overflow-wrap: anywhere; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px; }
.charts.one { grid-template-columns: 1fr; }
.chart { min-width: 0; overflow: hidden; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
pre { background: var(--alt); padding: 12px; overflow: auto; max-height: 480px; }
.lifecycle { border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.lc-row { display: flex; align-items: center; height: 16px; margin: 2px 0; }
.lc-id { width: 220px; flex: none; font-size: 11px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.lc-track { position: relative; flex: 1; height: 12px; background: var(--alt); }
.lc-span { position: absolute; top: 0; height: 12px; min-width: 2px; }
.lc-axis { display: flex; justify-content: space-between; margin-left: 220px; color: var(--muted); font-size: 11px; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 12px; margin: 6px 0; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
.st-validating { background: #9ecae1; } .st-in_progress { background: #3182bd; } .st-finalizing { background: #9467bd; }
.st-cancelling { background: #fdae6b; } .st-completed { background: #1a7f37; } .st-failed { background: #cf222e; }
.st-expired { background: #8c564b; } .st-cancelled { background: #7f7f7f; } .st-other { background: #bcbd22; }
.status-regression { color: var(--fail); font-weight: 700; } .status-improvement { color: var(--pass); font-weight: 700; }
.status-worse { color: #9a6700; } .status-noise, .status-missing { color: var(--muted); }
`;

export interface PageInput {
  title: string;
  /** the body's HTML, already escaped */
  body: string;
  charts: ChartSpec[];
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function renderPage(input: PageInput): string {
  const uplot = uplotAssets();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(uplot.js)} ${sha256(CLIENT_JS)}`,
    "style-src 'unsafe-inline'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${uplot.css}</style>
<style>${CSS}</style>
</head>
<body>
${input.body}
<script type="application/json" id="report-data">${jsonForScript({ charts: input.charts })}</script>
<script>${uplot.js}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

/** A container for each chart, in a responsive grid. */
export function chartGrid(charts: ChartSpec[]): string {
  if (charts.length === 0) return '';
  return `<div class="charts${charts.length === 1 ? ' one' : ''}">${charts.map((c) => `<div class="chart" id="${escapeHtml(c.id)}"></div>`).join('')}</div>`;
}
