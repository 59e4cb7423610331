/** Small text-formatting helpers shared by the summary and progress output (plain ASCII). */

/**
 * Milliseconds for tables: integers like Locust, but values under 10 ms keep one decimal so
 * fast targets (a local mock) don't print a column of zeros.
 */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms !== 0 && Math.abs(ms) < 10) return ms.toFixed(1);
  return String(Math.round(ms));
}

/** A general number: integers as is, others with at most 6 significant digits. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** Fixed decimals (rates, per-second values). */
export function fmtFixed(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

export function fmtPercent(ratio: number, digits = 2): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** 75 → `1m15s`, 3725 → `1h02m05s`, 9 → `9s`. */
export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${pad(m)}m${pad(sec)}s`;
  if (m > 0) return `${m}m${pad(sec)}s`;
  return `${sec}s`;
}

export type Align = 'l' | 'r';

export interface TableOptions {
  /** total line width to fit; the widest left-aligned column (the name) is shortened */
  width?: number;
  /** column gap, default 2 spaces */
  gap?: number;
}

/** Cuts `s` to `max` characters with a trailing `...`. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 3) return s.slice(0, max);
  return `${s.slice(0, max - 3)}...`;
}

/**
 * Renders a header, a dashed rule and rows as aligned columns. With `width`, the name column
 * (the widest left-aligned one) shrinks to fit, down to 12 characters; otherwise nothing is cut
 * so logs keep full names.
 */
export function renderTable(headers: string[], rows: string[][], align: Align[], opts: TableOptions = {}): string[] {
  const gap = ' '.repeat(opts.gap ?? 2);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // the widest left-aligned column (the name) is the one that shrinks
  let flex = -1;
  align.forEach((a, i) => {
    if (a === 'l' && (flex < 0 || widths[i] > widths[flex])) flex = i;
  });
  if (opts.width !== undefined && flex >= 0) {
    const total = widths.reduce((a, b) => a + b, 0) + gap.length * (widths.length - 1);
    const excess = total - opts.width;
    const floor = Math.min(widths[flex], Math.max(12, headers[flex].length));
    if (excess > 0) widths[flex] = Math.max(floor, widths[flex] - excess);
  }
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const text = i === flex ? truncate(c, widths[i]) : c;
        return align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]);
      })
      .join(gap)
      .trimEnd();
  const ruleWidth = widths.reduce((a, b) => a + b, 0) + gap.length * (widths.length - 1);
  return [line(headers), '-'.repeat(ruleWidth), ...rows.map(line)];
}
