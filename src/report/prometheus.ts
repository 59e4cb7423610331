/**
 * Prometheus text exposition (format 0.0.4): the writer serve's /metrics and a scale-out
 * coordinator's /metrics share. Label values are escaped (backslash, double quote, line feed);
 * a summary's quantiles, `_sum` and `_count` are written in the unit the caller scales to.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label value escaping of the text format: backslash, double quote, line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  const body = Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',');
  return body ? `{${body}}` : '';
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

type Quantiles = Record<'p50' | 'p90' | 'p95' | 'p99', number>;

const QUANTILES: Array<[string, keyof Quantiles]> = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
];

export class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'summary', help: string, write: () => void): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    write();
  }

  sample(name: string, l: Record<string, string>, value: number): void {
    this.lines.push(`${name}${labels(l)} ${formatValue(value)}`);
  }

  /** Quantiles, `_sum` and `_count` of one distribution; values are multiplied by `scale` (ms → s: 0.001). */
  summary(name: string, l: Record<string, string>, d: { count: number; mean: number } & Quantiles, scale = 1): void {
    for (const [q, key] of QUANTILES) this.sample(name, { ...l, quantile: q }, d[key] * scale);
    this.sample(`${name}_sum`, l, d.mean * d.count * scale);
    this.sample(`${name}_count`, l, d.count);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
