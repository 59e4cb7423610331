/**
 * `--slo 'ttft<=500ms,tpot<=50ms,e2e<=10s'`: per-request service-level objectives. A request
 * meets them when it succeeded and each bound holds for it (see metrics/goodput.ts for what
 * each metric is for a non-streamed request). Durations go through the one duration parser.
 */
import { parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import type { SloSpec } from './types.js';

const ENTRY = /^(ttft|tpot|e2e)\s*(<=|<)\s*(.+)$/;

export function parseSlo(text: string, label = '--slo'): SloSpec[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new ConfigError(`${label}: expected bounds such as 'ttft<=500ms,tpot<=50ms,e2e<=10s', got '${text}'`);
  const seen = new Set<string>();
  return parts.map((part) => {
    const m = ENTRY.exec(part);
    if (!m) throw new ConfigError(`${label}: '${part}' is not METRIC<=DURATION with METRIC one of ttft, tpot, e2e (e.g. ttft<=500ms)`);
    const [, metric, op, value] = m;
    if (seen.has(metric!)) throw new ConfigError(`${label}: ${metric} is bounded twice`);
    seen.add(metric!);
    return { metric: metric as SloSpec['metric'], op: op as SloSpec['op'], valueMs: parseDuration(value!.trim(), `${label} '${part}'`), source: part };
  });
}
