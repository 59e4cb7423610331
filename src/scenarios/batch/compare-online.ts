/**
 * --compare-online's figures (the phases run in engine/compare-online.ts). Per mode: the time until every line was done (from the phase's first request to its last
 * answer), per-line latency (online: each request's; batch: every line waits for the whole
 * workflow), output tokens and tokens/s over that time, lines not done, and the HTTP requests the
 * client sent (the key bootstrap left out).
 */
import type { RunConfig } from '../../config/types.js';
import type { MetricsSnapshot } from '../../metrics/types.js';
import { LIFECYCLE } from './lifecycle.js';
import { ONLINE_LINES_TAG, ONLINE_LINES_TOKENS } from './online-lines.js';

export interface CompareModeFigures {
  /** from the phase's start to its last answer */
  seconds: number;
  /** per-line latency, ms */
  lineLatencyMs: { p50: number | null; p95: number | null; p99: number | null };
  outputTokens: number;
  outputTokensPerSecond: number;
  /** lines that did not come back successful */
  linesFailed: number;
  /** HTTP requests the client sent in this mode */
  requests: number;
}

export interface CompareOnlineSection {
  lines: number;
  dataFile: string;
  batch: CompareModeFigures & {
    /** the batch's own turnaround (server clock), ms, when it ended */
    serverTurnaroundMs: number | null;
    status: 'completed' | 'failed';
  };
  online: CompareModeFigures;
}

/** Requests the client sent, without the API key bootstrap. */
function requestsSent(m: MetricsSnapshot): number {
  let n = 0;
  for (const r of Object.values(m.requests)) if (!r.name.endsWith('[api key]')) n += r.count;
  return n;
}

const orNull = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);

export function compareSection(config: RunConfig, afterBatch: MetricsSnapshot, afterAll: MetricsSnapshot, batchSeconds: number, onlineSeconds: number): CompareOnlineSection {
  const lines = config.batch!.lines;
  const batchOk = afterBatch.counters.batch_lines_ok ?? 0;
  const batchTokens = afterBatch.counters.batch_output_tokens ?? 0;
  const batchMs = batchSeconds * 1000;
  const batchRequests = requestsSent(afterBatch);

  const online = Object.values(afterAll.requests).find((r) => r.name.endsWith(`[${ONLINE_LINES_TAG}]`));
  const onlineOk = online ? online.count - online.failures : 0;
  const onlineTokens = afterAll.counters[ONLINE_LINES_TOKENS] ?? 0;
  const turnaround = afterBatch.trends[LIFECYCLE.turnaround];
  return {
    lines,
    dataFile: config.batch!.filename,
    batch: {
      seconds: batchSeconds,
      lineLatencyMs: { p50: batchMs, p95: batchMs, p99: batchMs },
      outputTokens: batchTokens,
      outputTokensPerSecond: batchSeconds > 0 ? batchTokens / batchSeconds : 0,
      linesFailed: Math.max(0, lines - batchOk),
      requests: batchRequests,
      serverTurnaroundMs: turnaround && turnaround.count > 0 ? turnaround.max : null,
      status: (afterBatch.counters.workflows_completed ?? 0) > 0 ? 'completed' : 'failed',
    },
    online: {
      seconds: onlineSeconds,
      lineLatencyMs: { p50: orNull(online?.p50), p95: orNull(online?.p95), p99: orNull(online?.p99) },
      outputTokens: onlineTokens,
      outputTokensPerSecond: onlineSeconds > 0 ? onlineTokens / onlineSeconds : 0,
      linesFailed: Math.max(0, lines - onlineOk),
      requests: requestsSent(afterAll) - batchRequests,
    },
  };
}

const fmtMs = (ms: number | null) => (ms === null ? '-' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** The side-by-side table of the end summary. */
export function renderCompareOnline(c: CompareOnlineSection): string {
  const rows: Array<[string, string, string]> = [
    ['time until every line was done', fmtMs(c.batch.seconds * 1000), fmtMs(c.online.seconds * 1000)],
    ['per-line latency p50', fmtMs(c.batch.lineLatencyMs.p50), fmtMs(c.online.lineLatencyMs.p50)],
    ['per-line latency p95', fmtMs(c.batch.lineLatencyMs.p95), fmtMs(c.online.lineLatencyMs.p95)],
    ['per-line latency p99', fmtMs(c.batch.lineLatencyMs.p99), fmtMs(c.online.lineLatencyMs.p99)],
    ['batch turnaround (server clock)', fmtMs(c.batch.serverTurnaroundMs), '-'],
    ['output tokens', String(c.batch.outputTokens), String(c.online.outputTokens)],
    ['output tokens/s', c.batch.outputTokensPerSecond.toFixed(1), c.online.outputTokensPerSecond.toFixed(1)],
    ['lines failed or not done', String(c.batch.linesFailed), String(c.online.linesFailed)],
    ['HTTP requests sent', String(c.batch.requests), String(c.online.requests)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max('batch'.length, ...rows.map((r) => r[1].length));
  const w2 = Math.max('online'.length, ...rows.map((r) => r[2].length));
  const line = (a: string, b: string, d: string) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${d.padStart(w2)}`;
  return [
    `Batch vs online: ${c.lines} lines of ${c.dataFile} (batch ${c.batch.status})`,
    line('', 'batch', 'online'),
    ...rows.map((r) => line(...r)),
  ].join('\n');
}
