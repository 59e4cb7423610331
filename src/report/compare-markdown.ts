/**
 * `compare --markdown FILE`: the comparison as GitHub-flavoured markdown for a pull-request
 * comment: a verdict heading, the changed metrics (regressions first), then every compared
 * metric in a collapsed `<details>` block. Names are user and server text: table cells escape
 * markdown and HTML so a name cannot break the table or inject markup.
 */
import type { CompareResult, CompareRow, RowStatus } from './compare.js';

export const STATUS_LABEL: Record<RowStatus, string> = {
  regression: '✗ regression',
  worse: 'worse',
  improvement: '✓ better',
  unchanged: '',
  noise: '~ noise',
  missing: 'n/a',
};

/** 3 significant digits at least, no exponent; '-' for a missing value. */
export function fmtCompareValue(v: number | null, unit: CompareRow['unit']): string {
  if (v === null || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  const text = a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : a === 0 ? '0' : v.toFixed(Math.min(6, 2 - Math.floor(Math.log10(a))));
  return unit === '%' ? `${text}%` : text;
}

export function fmtCompareDelta(row: CompareRow): { abs: string; pct: string } {
  if (row.delta === null) return { abs: '-', pct: '-' };
  const sign = (v: number) => (v > 0 ? '+' : '');
  const abs = `${sign(row.delta)}${fmtCompareValue(row.delta, row.unit === '%' ? '' : row.unit)}${row.unit === '%' ? ' pp' : ''}`;
  const pct = row.deltaPct === null ? (row.delta === 0 ? '0%' : 'new') : `${sign(row.deltaPct)}${row.deltaPct.toFixed(1)}%`;
  return { abs, pct };
}

/** `POST /v1/files [upload] · p95 (ms)` */
export function rowLabel(row: CompareRow): string {
  return `${row.subject} · ${row.metric}${row.unit ? ` (${row.unit})` : ''}`;
}

/** The verdict sentence shared by the markdown and HTML forms. */
export function compareVerdict(result: CompareResult): string {
  const bound = `${+(result.maxRegression * 100).toFixed(2)}%`;
  const n = result.regressions.length;
  return n > 0 ? `✗ ${n} regression${n === 1 ? '' : 's'} beyond ${bound}` : `✓ no regression beyond ${bound}`;
}

/** Escapes a table cell: markdown punctuation, HTML, pipes and line breaks. */
export function mdCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]{}#+!|~])/g, '\\$1');
}

const HEADER = ['', 'Metric', 'Base', 'New', 'Δ', 'Δ %', 'Note'];
const ALIGN = [':-:', ':--', '--:', '--:', '--:', '--:', ':--'];

function table(rows: CompareRow[]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(HEADER),
    line(ALIGN),
    ...rows.map((r) => {
      const d = fmtCompareDelta(r);
      return line([STATUS_LABEL[r.status], mdCell(rowLabel(r)), fmtCompareValue(r.base, r.unit), fmtCompareValue(r.next, r.unit), d.abs, d.pct, mdCell(r.note ?? '')]);
    }),
  ];
}

const RANK: Record<RowStatus, number> = { regression: 0, worse: 1, improvement: 2, noise: 3, missing: 4, unchanged: 5 };

export function renderCompareMarkdown(result: CompareResult): string {
  const changed = result.rows.filter((r) => r.status === 'regression' || r.status === 'worse' || r.status === 'improvement');
  changed.sort((a, b) => RANK[a.status] - RANK[b.status]);
  const out = [
    `### batch-load compare: ${compareVerdict(result)}`,
    '',
    `Base ${mdCell(result.base.runId)} (${result.base.startedAt}, ${result.base.elapsedSeconds.toFixed(0)} s) → ` +
      `new ${mdCell(result.next.runId)} (${result.next.startedAt}, ${result.next.elapsedSeconds.toFixed(0)} s).`,
    '',
  ];
  if (changed.length > 0) out.push(...table(changed));
  else out.push('No metric changed beyond the noise guard.');
  out.push(
    '',
    `<details><summary>All ${result.rows.length} compared metrics</summary>`,
    '',
    ...table(result.rows),
    '',
    'A difference counts only above the histogram resolution (0.1 %, 1 µs), with ≥ 10 samples beyond a percentile in both runs, ' +
      'and for throughput and error rate beyond 3 standard errors.',
    '',
    '</details>',
    '',
  );
  return out.join('\n');
}
