/**
 * Batch lifecycle figures from the server's own clock: the Batch object's `*_at` timestamps
 * (Unix seconds, whole or with milliseconds). Server times are only ever subtracted from server
 * times, and our times (performance.now()) from ours; the one figure that needs both, the
 * notice lag, is a difference of two spans, one measured on each clock (see noticeLagMs).
 *
 * Recorded per batch:
 *   batch_queue_time       created_at → in_progress_at
 *   batch_processing_time  in_progress_at → finalizing_at
 *   batch_finalize_time    finalizing_at → the terminal timestamp
 *   batch_turnaround       created_at → the terminal timestamp
 *   batch_lines_per_second request_counts.total / processing time
 *   batch_notice_lag       terminal timestamp → the poll that saw it (what the poll policy costs)
 *   batch_status:<status>  time in each status, from one timestamp to the next
 * A batch without the timestamps (a server that omits them) falls back to what the polls saw
 * (turnaround from the create to the poll that saw the terminal status, time in each status
 * between polls) and counts `batch_timestamps_missing`.
 */
import type { Recorder } from '../../metrics/types.js';
import { BATCH_STATUS_TIMESTAMPS } from '../../report/batch-timeline.js';
import type { BatchObject } from './wire.js';

const TERMINAL_AT: Record<string, keyof BatchObject> = {
  completed: 'completed_at',
  failed: 'failed_at',
  expired: 'expired_at',
  cancelled: 'cancelled_at',
};

export const LIFECYCLE = {
  queue: 'batch_queue_time',
  processing: 'batch_processing_time',
  finalize: 'batch_finalize_time',
  turnaround: 'batch_turnaround',
  linesPerSecond: 'batch_lines_per_second',
  noticeLag: 'batch_notice_lag',
  statusPrefix: 'batch_status:',
  missing: 'batch_timestamps_missing',
} as const;

/** A timestamp field in ms (server clock), undefined when absent or not a number. */
function atMs(batch: BatchObject, field: keyof BatchObject): number | undefined {
  const v = batch[field];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
}

/** Server-clock figures of a terminal batch (ms); fields without both ends are absent. */
export interface ServerLifecycle {
  createdMs: number;
  terminalMs: number;
  queueMs?: number;
  processingMs?: number;
  finalizeMs?: number;
  turnaroundMs: number;
  linesPerSecond?: number;
  /** time in each status, from its timestamp to the next one's */
  statuses: Array<{ status: string; ms: number }>;
}

/** undefined when the batch lacks `created_at` or its terminal status's timestamp. */
export function serverLifecycle(batch: BatchObject): ServerLifecycle | undefined {
  const createdMs = atMs(batch, 'created_at');
  const terminalField = TERMINAL_AT[batch.status];
  const terminalMs = terminalField ? atMs(batch, terminalField) : undefined;
  if (createdMs === undefined || terminalMs === undefined || terminalMs < createdMs) return undefined;
  const inProgress = atMs(batch, 'in_progress_at');
  const finalizing = atMs(batch, 'finalizing_at');
  const span = (from?: number, to?: number) => (from !== undefined && to !== undefined && to >= from ? to - from : undefined);

  const events: Array<{ status: string; ms: number; order: number }> = [];
  BATCH_STATUS_TIMESTAMPS.forEach(([field, status], order) => {
    const ms = atMs(batch, field as keyof BatchObject);
    if (ms !== undefined && ms >= createdMs && ms <= terminalMs) events.push({ status, ms, order });
  });
  // equal timestamps (whole seconds) keep lifecycle order
  events.sort((a, b) => a.ms - b.ms || a.order - b.order);
  const statuses: ServerLifecycle['statuses'] = [];
  for (let i = 0; i + 1 < events.length; i++) statuses.push({ status: events[i]!.status, ms: events[i + 1]!.ms - events[i]!.ms });

  const processingMs = span(inProgress, finalizing);
  const total = batch.request_counts?.total;
  return {
    createdMs,
    terminalMs,
    queueMs: span(createdMs, inProgress),
    processingMs,
    finalizeMs: span(finalizing, terminalMs),
    turnaroundMs: terminalMs - createdMs,
    linesPerSecond: processingMs && processingMs > 0 && typeof total === 'number' && total > 0 ? total / (processingMs / 1000) : undefined,
    statuses,
  };
}

/** Our clock (performance.now()) around the create call and the polls. */
export interface PollClock {
  /** the create request was sent / its answer arrived */
  createSentMs: number;
  createAnsweredMs: number;
  /** the last poll that saw a status that was not terminal was sent (undefined: none did) */
  lastActiveSentMs?: number;
  /** the answer of the first poll that saw the terminal status arrived */
  terminalSeenMs: number;
}

/**
 * How long after the server's terminal timestamp we noticed it, without subtracting one clock
 * from the other: (our span from the create to the poll that saw the end) − (the server's span
 * from created_at to the terminal timestamp). The create's `created_at` is placed at the middle
 * of the create call on our clock, so the error is at most half the create call plus the
 * timestamps' resolution (1 s when they are whole seconds). The result is then kept inside what
 * the polls prove: at least 0, and less than the time from sending the last poll that still saw
 * the batch running (or the create) to the answer that showed it ended.
 */
export function noticeLagMs(server: Pick<ServerLifecycle, 'turnaroundMs'>, clock: PollClock): number {
  const createdOurs = (clock.createSentMs + clock.createAnsweredMs) / 2;
  const estimate = clock.terminalSeenMs - createdOurs - server.turnaroundMs;
  const upper = clock.terminalSeenMs - (clock.lastActiveSentMs ?? clock.createSentMs);
  return Math.min(Math.max(estimate, 0), Math.max(upper, 0));
}

/** What the polls saw, for the fallback: time in each status between polls, and turnaround. */
export interface ObservedLifecycle {
  statuses: Array<{ status: string; ms: number }>;
  turnaroundMs: number;
}

/**
 * Records a terminal batch's lifecycle: from the server's timestamps when it sent them, else
 * from the polls (and `batch_timestamps_missing` says so).
 */
export function recordLifecycle(recorder: Recorder, batch: BatchObject, clock: PollClock, observed: ObservedLifecycle): ServerLifecycle | undefined {
  const server = serverLifecycle(batch);
  if (!server) {
    recorder.count(LIFECYCLE.missing);
    for (const s of observed.statuses) recorder.trend(`${LIFECYCLE.statusPrefix}${s.status}`, s.ms, 'ms');
    recorder.trend(LIFECYCLE.turnaround, observed.turnaroundMs, 'ms');
    return undefined;
  }
  for (const s of server.statuses) recorder.trend(`${LIFECYCLE.statusPrefix}${s.status}`, s.ms, 'ms');
  if (server.queueMs !== undefined) recorder.trend(LIFECYCLE.queue, server.queueMs, 'ms');
  if (server.processingMs !== undefined) recorder.trend(LIFECYCLE.processing, server.processingMs, 'ms');
  if (server.finalizeMs !== undefined) recorder.trend(LIFECYCLE.finalize, server.finalizeMs, 'ms');
  recorder.trend(LIFECYCLE.turnaround, server.turnaroundMs, 'ms');
  if (server.linesPerSecond !== undefined) recorder.trend(LIFECYCLE.linesPerSecond, server.linesPerSecond, 'rate');
  recorder.trend(LIFECYCLE.noticeLag, noticeLagMs(server, clock), 'ms');
  return server;
}
