/**
 * LLM metrics of one request. A stream's timings are collected while it is read and recorded
 * only once the request has passed its checks, so failed streams never skew TTFT/ITL.
 *
 * Definitions (GuideLLM / vLLM bench style):
 * - ttft: request start → first non-empty content delta
 * - itl: time between consecutive content deltas (one sample per gap)
 * - tpot: (e2e − ttft) / (output tokens − 1), streams with ≥ 2 tokens
 * - e2e: request start → end of stream
 * - tokens_per_second: output tokens / e2e (per request; the report adds run aggregate)
 * Output tokens come from the server's usage when sent ("usage"), else from the number of
 * content deltas ("counted").
 */
import { performance } from 'node:perf_hooks';
import type { Recorder } from '../../metrics/types.js';

export type TokenSource = 'usage' | 'counted';

/** Trend / counter names, in one place so report.ts and thresholds agree. */
export const METRIC = {
  ttft: 'ttft',
  itl: 'itl',
  tpot: 'tpot',
  e2e: 'e2e',
  outputTokens: 'output_tokens',
  tokensPerSecond: 'tokens_per_second',
  outputTokensTotal: 'output_tokens_total',
  countedTokensTotal: 'output_tokens_counted_total',
  source: 'output_tokens_source',
  overheadHeader: 'overhead_header',
} as const;

/** `ttft:chat`, `itl:responses baseline` ... */
export const perScenario = (metric: string, key: string): string => `${metric}:${key}`;

/** Timings of one stream, fed by the reader as content arrives. */
export class StreamTimer {
  firstContentAtMs = -1;
  lastContentAtMs = -1;
  endedAtMs = -1;
  /** non-empty content deltas */
  deltas = 0;
  /** gaps between deltas; bounded by the stream's own length, dropped with the request */
  private readonly gaps: number[] = [];

  constructor(readonly startedAtMs: number) {}

  content(now = performance.now()): void {
    if (this.deltas === 0) this.firstContentAtMs = now;
    else this.gaps.push(now - this.lastContentAtMs);
    this.lastContentAtMs = now;
    this.deltas++;
  }

  end(now = performance.now()): void {
    this.endedAtMs = now;
  }

  get ttftMs(): number {
    return this.firstContentAtMs - this.startedAtMs;
  }

  get e2eMs(): number {
    return (this.endedAtMs >= 0 ? this.endedAtMs : performance.now()) - this.startedAtMs;
  }

  get itlGaps(): readonly number[] {
    return this.gaps;
  }
}

/** Names precomputed once per scenario variant (keeps string building off the hot path). */
export class LlmMetricNames {
  readonly ttft: string;
  readonly itl: string;
  readonly tpot: string;
  readonly e2e: string;
  readonly tokensPerSecond: string;
  readonly outputTokensTotal: string;
  readonly sourceUsage: string;
  readonly sourceCounted: string;

  /** key: `chat`, `responses`, `chat baseline` ...; aggregate: also feed the run-wide trends */
  constructor(
    readonly key: string,
    readonly aggregate: boolean,
  ) {
    this.ttft = perScenario(METRIC.ttft, key);
    this.itl = perScenario(METRIC.itl, key);
    this.tpot = perScenario(METRIC.tpot, key);
    this.e2e = perScenario(METRIC.e2e, key);
    this.tokensPerSecond = perScenario(METRIC.tokensPerSecond, key);
    this.outputTokensTotal = perScenario(METRIC.outputTokensTotal, key);
    this.sourceUsage = `${METRIC.source}:usage:${key}`;
    this.sourceCounted = `${METRIC.source}:counted:${key}`;
  }
}

const SOURCE_USAGE = `${METRIC.source}:usage`;
const SOURCE_COUNTED = `${METRIC.source}:counted`;

/** Output tokens of one successful request (streaming or not) and its tokens/s. */
export function recordOutputTokens(
  rec: Recorder,
  names: LlmMetricNames,
  tokens: number,
  source: TokenSource,
  durationMs: number,
): void {
  const tps = durationMs > 0 ? (tokens * 1000) / durationMs : 0;
  rec.trend(names.tokensPerSecond, tps, 'rate');
  rec.count(names.outputTokensTotal, tokens);
  rec.count(source === 'usage' ? names.sourceUsage : names.sourceCounted);
  if (!names.aggregate) return;
  rec.trend(METRIC.outputTokens, tokens, 'count');
  rec.trend(METRIC.tokensPerSecond, tps, 'rate');
  rec.count(METRIC.outputTokensTotal, tokens);
  rec.count(source === 'usage' ? SOURCE_USAGE : SOURCE_COUNTED);
}

/** Time per output token after the first: (e2e − ttft) / (tokens − 1); undefined for one token or none. */
export function tpotMs(e2eMs: number, ttftMs: number, tokens: number): number | undefined {
  return tokens > 1 ? (e2eMs - ttftMs) / (tokens - 1) : undefined;
}

/** All stream metrics of one successful stream. `usageTokens` from the server, if sent. */
export function recordStream(rec: Recorder, names: LlmMetricNames, t: StreamTimer, usageTokens?: number): void {
  const source: TokenSource = usageTokens !== undefined ? 'usage' : 'counted';
  const tokens = usageTokens ?? t.deltas;
  const e2e = t.e2eMs;
  const agg = names.aggregate;
  if (t.deltas > 0) {
    const ttft = t.ttftMs;
    rec.trend(names.ttft, ttft, 'ms');
    if (agg) rec.trend(METRIC.ttft, ttft, 'ms');
    for (const gap of t.itlGaps) {
      rec.trend(names.itl, gap, 'ms');
      if (agg) rec.trend(METRIC.itl, gap, 'ms');
    }
    const tpot = tpotMs(e2e, ttft, tokens);
    if (tpot !== undefined) {
      rec.trend(names.tpot, tpot, 'ms');
      if (agg) rec.trend(METRIC.tpot, tpot, 'ms');
    }
  }
  rec.trend(names.e2e, e2e, 'ms');
  if (agg) {
    rec.trend(METRIC.e2e, e2e, 'ms');
    rec.count(METRIC.countedTokensTotal, t.deltas);
  }
  recordOutputTokens(rec, names, tokens, source, e2e);
}

/** The proxy's self-reported overhead header value (ms), when the response carried one. */
export function recordOverheadHeader(rec: Recorder, raw: string | string[] | undefined): void {
  if (raw === undefined) return;
  const v = Number.parseFloat(Array.isArray(raw) ? raw[0]! : raw);
  if (Number.isFinite(v) && v >= 0) rec.trend(METRIC.overheadHeader, v, 'ms');
}
