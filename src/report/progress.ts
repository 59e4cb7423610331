/**
 * Live progress output. Pure formatting plus a tiny printer; the timer that calls it lives in
 * the engine. Non-TTY: one line per interval (`formatProgressLine`). TTY: a block redrawn in
 * place (`formatProgressBlock` + `redrawSequence`: cursor up over the previous block, erase to
 * the end of the screen, print the new one).
 */
import type { MetricsSnapshot } from '../metrics/types.js';
import { fmtDuration, fmtFixed, fmtMs, truncate } from './format.js';

/** Same shape as the engine's ProgressInfo, so it can be passed straight through. */
export interface ProgressInput {
  elapsedMs: number;
  /** 0 when unbounded */
  runTimeMs: number;
  users: number;
  /** what the load shape asks for now (stages, spawn ramp, open model) */
  target?: { users?: number; rate?: number };
  /** open model: iterations started per second in the interval */
  rate?: number;
  /** the last line, after the run: the users have left, the target is not shown against them */
  final?: boolean;
  /** the last interval: rps, p95 (ms) and its request/failure counts */
  interval: { rps: number; p95: number; requests: number; failures: number };
  totals: { requests: number; failures: number };
  /** finished batch workflows (completed + failed), shown when present */
  workflowsDone?: number;
  /** per-name stats for the TTY block, built only when the block is drawn */
  snapshot?: () => MetricsSnapshot;
}

function clock(input: ProgressInput): string {
  const elapsed = fmtDuration(input.elapsedMs / 1000);
  return input.runTimeMs > 0 ? `${elapsed}/${fmtDuration(input.runTimeMs / 1000)}` : elapsed;
}

function failures(input: ProgressInput): string {
  const { requests, failures: f } = input.totals;
  const pct = requests > 0 ? ((f / requests) * 100).toFixed(2) : '0.00';
  return `${f} fails (${pct}%)`;
}

function p95(input: ProgressInput): string {
  return input.interval.requests > 0 ? `${fmtMs(input.interval.p95)} ms` : '- ms';
}

/**
 * `users 10` (the target reached), `users 8/20` (ramping: actual/target), `users 4, rate 199.8/200/s`
 * (open model: in flight, starts per second actual/target).
 */
function load(input: ProgressInput): string {
  const t = input.target;
  const users = t?.users !== undefined && t.users !== input.users && !input.final ? `users ${input.users}/${t.users}` : `users ${input.users}`;
  if (t?.rate === undefined) return users;
  return `${users}, rate ${fmtFixed(input.rate ?? 0)}/${fmtFixed(t.rate)}/s`;
}

/**
 * `[1m05s/5m00s] users 10 | 42.50 req/s | 1200 reqs, 3 fails (0.25%) | p95 123 ms | batches 4`
 * (rate and p95 over the last interval, requests and failures in total; `users 8/20` while a
 * ramp is short of its target, `rate 199.80/200.00/s` in the open model).
 */
export function formatProgressLine(input: ProgressInput): string {
  const parts = [
    `[${clock(input)}] ${load(input)}`,
    `${fmtFixed(input.interval.rps)} req/s`,
    `${input.totals.requests} reqs, ${failures(input)}`,
    `p95 ${p95(input)}`,
  ];
  if (input.workflowsDone !== undefined && input.workflowsDone > 0) parts.push(`batches ${input.workflowsDone}`);
  return parts.join(' | ');
}

/** Multi-line block for a TTY; with a snapshot, the busiest request names follow (total counts). */
export function formatProgressBlock(input: ProgressInput, snapshot?: MetricsSnapshot, maxNames = 8): string[] {
  const lines = [
    `elapsed ${clock(input)}   ${load(input)}`,
    `interval: ${fmtFixed(input.interval.rps)} req/s, p95 ${p95(input)}`,
    `total:    ${input.totals.requests} reqs, ${failures(input)}` +
      (input.workflowsDone !== undefined && input.workflowsDone > 0 ? `, batches ${input.workflowsDone}` : ''),
  ];
  if (snapshot) {
    const top = Object.values(snapshot.requests)
      .sort((a, b) => b.count - a.count)
      .slice(0, maxNames);
    const w = Math.max(0, ...top.map((r) => r.name.length));
    for (const r of top) {
      lines.push(`  ${r.name.padEnd(w)}  ${String(r.count).padStart(7)} reqs  ${String(r.failures).padStart(5)} fails  p95 ${fmtMs(r.p95)} ms`);
    }
  }
  return lines;
}

/**
 * ANSI text that replaces a block of `previousLines` lines (just printed above the cursor) with
 * `lines`. Lines are cut to `columns - 1` so none wraps (a wrapped line breaks the cursor math).
 */
export function redrawSequence(previousLines: number, lines: string[], columns?: number): string {
  const up = previousLines > 0 ? `\x1b[${previousLines}A` : '';
  const fit = (l: string) => (columns && columns > 1 ? truncate(l, columns - 1) : l);
  return `${up}\r\x1b[J${lines.map(fit).join('\n')}\n`;
}

export interface ProgressStream {
  write(chunk: string): unknown;
  columns?: number;
}

export class ProgressPrinter {
  private drawn = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly isTTY: boolean,
  ) {}

  /**
   * Prints one progress update: a new line (non-TTY) or a redrawn block (TTY) with the busiest
   * request names (from `snapshot`, else the input's own snapshot function).
   */
  update(input: ProgressInput, snapshot?: MetricsSnapshot): void {
    if (!this.isTTY) {
      this.stream.write(`${formatProgressLine(input)}\n`);
      return;
    }
    const lines = formatProgressBlock(input, snapshot ?? input.snapshot?.());
    this.stream.write(redrawSequence(this.drawn, lines, this.stream.columns));
    this.drawn = lines.length;
  }

  /** Prints a log line without breaking the block: it goes above, the block is redrawn next time. */
  log(line: string): void {
    if (this.isTTY && this.drawn > 0) {
      this.stream.write(`\x1b[${this.drawn}A\r\x1b[J`);
      this.drawn = 0;
    }
    this.stream.write(`${line}\n`);
  }

  /** Leaves the last block on screen; later output starts below it. */
  finish(): void {
    this.drawn = 0;
  }
}
