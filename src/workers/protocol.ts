/**
 * The coordinator/worker channel: one TCP connection per worker (an HTTP upgrade on the
 * coordinator's port, which also serves GET /metrics), then newline-delimited JSON messages.
 * Every message is bounded (MAX_MESSAGE_BYTES); a peer that sends a longer line is dropped.
 *
 *   worker → coordinator    auth (proof, index?, host, pid, version) · ready · failed · progress · log · final · hb
 *   coordinator → worker    welcome · refused · assign · start · stop · bye · hb
 *
 * The run's figures travel as MetricsSnapshots with their encoded histograms (cumulative, so a
 * progress message that is skipped or a worker that is lost never makes anything count twice)
 * and each progress interval's histograms (for the live line and the time series).
 */
import type { RunConfig } from '../config/types.js';
import type { ScheduleReport } from '../engine/executors/index.js';
import type { LoadFigures } from '../engine/load-gauge.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import type { BatchTimeline } from '../report/batch-timeline.js';
import type { WireInterval } from './interval.js';
import type { WorkerShare } from './split.js';

/** The HTTP Upgrade token of the channel; the version is checked on both sides. */
export const UPGRADE_PROTOCOL = 'batch-load-worker/1';
export const CHANNEL_PATH = '/workers';
/** A snapshot with 1,000 request names and their histograms stays well under this. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** Above this many bytes waiting to be sent, the peer is not reading: it is dropped. */
export const MAX_BUFFERED_BYTES = 4 * MAX_MESSAGE_BYTES;

export interface AuthMessage {
  t: 'auth';
  /** HMAC proof of the shared token (auth.ts) */
  proof: string;
  /** the worker's own index (--index, JOB_COMPLETION_INDEX); the coordinator picks one when absent */
  index?: number;
  host: string;
  pid: number;
  version: string;
}

export interface ProgressMessage {
  t: 'progress';
  users: number;
  iterationsStarted: number;
  /** what its load shape asks for now, and its start rate (open model) */
  target: { users?: number; rate?: number };
  rate?: number;
  load: LoadFigures;
  interval: WireInterval;
  totals: { requests: number; failures: number };
  workflowsDone: number;
  /** batch scenarios: its batches per status now */
  batchesInFlight?: Record<string, number>;
  /** cumulative, with histograms */
  snapshot: MetricsSnapshot;
}

export interface FinalMessage {
  t: 'final';
  /** cumulative, with histograms */
  metrics: MetricsSnapshot;
  /** the worker's run was cut short (stopped by the coordinator or a signal) */
  interrupted: boolean;
  /** CPU time of the worker process from the common start to its end, seconds */
  cpuSeconds: number;
  /** the last batches' lifecycles it saw (bounded) */
  batches?: BatchTimeline[];
  /** the load shape that ran, and the open model's schedule (requested vs achieved) */
  executor?: string;
  schedule?: ScheduleReport;
}

export type WorkerMessage =
  | AuthMessage
  | { t: 'ready' }
  | { t: 'failed'; error: string }
  | ProgressMessage
  | { t: 'log'; line: string }
  | FinalMessage
  | { t: 'hb' };

export interface AssignMessage {
  t: 'assign';
  share: WorkerShare;
  /** the worker's run config: its share applied, no secrets, no output files, batch ids dropped */
  config: RunConfig;
  /** the shared API key, sealed under the token and this connection's nonces (auth.ts) */
  sealedKey?: string;
  /** the coordinator serves the embedded mock on this port (same host as the coordinator) */
  embeddedPort?: number;
}

export type CoordinatorMessage =
  | { t: 'welcome'; index: number; count: number }
  | { t: 'refused'; reason: string }
  | AssignMessage
  | { t: 'start' }
  | { t: 'stop'; reason: string }
  | { t: 'bye' }
  | { t: 'hb' };

/** One message as a line of JSON. */
export function encodeMessage(msg: WorkerMessage | CoordinatorMessage): string {
  return `${JSON.stringify(msg)}\n`;
}

/** Parses one line; throws on anything that is not a message object with a type. */
export function decodeMessage<T extends { t: string }>(line: string): T {
  const msg = JSON.parse(line) as T | null;
  if (!msg || typeof msg !== 'object' || typeof msg.t !== 'string') throw new Error('not a channel message');
  return msg;
}

/**
 * Splits a byte stream into lines without holding more than `maxBytes` of one line: a longer
 * line calls `onOverflow` (the caller drops the peer) and nothing more is read.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  private failed = false;

  constructor(
    /** may be raised later (a peer gets more room once it has proven the token) */
    public maxBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.failed) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (this.size + (end - start) > this.maxBytes) {
        this.failed = true;
        this.parts = [];
        this.onOverflow();
        return;
      }
      if (nl < 0) {
        if (end > start) {
          this.parts.push(chunk.subarray(start));
          this.size += end - start;
        }
        return;
      }
      const piece = chunk.subarray(start, nl);
      const line = this.parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...this.parts, piece]).toString('utf8');
      this.parts = [];
      this.size = 0;
      start = nl + 1;
      if (line.length > 0) this.onLine(line);
    }
  }
}
