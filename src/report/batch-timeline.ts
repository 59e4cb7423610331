/**
 * Per-batch lifecycle for the report (`batches` in the JSON, drawn as one bar per batch across
 * its statuses in the HTML). Built from the server's own timestamps on the batch object
 * (`created_at`, `in_progress_at`, `finalizing_at`, `completed_at` ... in unix seconds, as the
 * Batch API sends them), so it shows what the server did, not when we happened to poll.
 * Bounded: `BatchTimelineLog` keeps the last `max` (200) batches.
 */

/** One status a batch was in, from `from` until `to` (ISO); a terminal status has from = to. */
export interface BatchStatusSpan {
  status: string;
  from: string;
  to: string;
}

export interface BatchTimeline {
  id: string;
  /** ISO time the server created the batch */
  created: string;
  /** in time order; the last one is the batch's final (or last known) status */
  statuses: BatchStatusSpan[];
}

export const DEFAULT_MAX_BATCH_TIMELINES = 200;

/** Batch object timestamp fields, in lifecycle order, and the status each one starts. */
export const BATCH_STATUS_TIMESTAMPS: ReadonlyArray<readonly [field: string, status: string]> = [
  ['created_at', 'validating'],
  ['in_progress_at', 'in_progress'],
  ['finalizing_at', 'finalizing'],
  ['cancelling_at', 'cancelling'],
  ['completed_at', 'completed'],
  ['failed_at', 'failed'],
  ['expired_at', 'expired'],
  ['cancelled_at', 'cancelled'],
];
const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/**
 * The timeline of a batch object as the Batches API returns it; undefined when it has no id or
 * no `created_at`. A batch still running ends with its current status, open until `now`.
 */
export function batchTimelineFromObject(batch: unknown, nowMs = Date.now()): BatchTimeline | undefined {
  if (!batch || typeof batch !== 'object') return undefined;
  const b = batch as Record<string, unknown>;
  const created = b.created_at;
  if (typeof b.id !== 'string' || typeof created !== 'number' || !Number.isFinite(created)) return undefined;
  const events: Array<{ status: string; ms: number; order: number }> = [];
  BATCH_STATUS_TIMESTAMPS.forEach(([field, status], order) => {
    const t = b[field];
    if (typeof t === 'number' && Number.isFinite(t) && t >= created) events.push({ status, ms: t * 1000, order });
  });
  // same-second timestamps keep lifecycle order
  events.sort((x, y) => x.ms - y.ms || x.order - y.order);
  const statuses: BatchStatusSpan[] = events.map((e, i) => {
    const next = events[i + 1];
    const end = next ? next.ms : TERMINAL.has(e.status) ? e.ms : Math.max(e.ms, nowMs);
    return { status: e.status, from: new Date(e.ms).toISOString(), to: new Date(end).toISOString() };
  });
  return { id: b.id, created: new Date(created * 1000).toISOString(), statuses };
}

/** The last `max` batch timelines, oldest first. */
export class BatchTimelineLog {
  private readonly ring: BatchTimeline[] = [];
  private next = 0;

  constructor(readonly max = DEFAULT_MAX_BATCH_TIMELINES) {}

  /** Timelines held (at most `max`). */
  get size(): number {
    return this.ring.length;
  }

  add(timeline: BatchTimeline | undefined): void {
    if (!timeline || this.max <= 0) return;
    if (this.ring.length < this.max) this.ring.push(timeline);
    else this.ring[this.next] = timeline;
    this.next = (this.next + 1) % this.max;
  }

  toJSON(): BatchTimeline[] {
    return this.ring.length < this.max ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
