import type { StoredFile } from '../files/store.js';

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<BatchStatus> = new Set(['failed', 'completed', 'expired', 'cancelled']);

/** Endpoints a batch may target (the inference routes this mock implements). */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings', '/v1/completions'] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

export interface BatchLineError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** Status changes, with the clock time (ms) each happened; null until reached. */
export interface BatchTimes {
  created: number;
  expires: number;
  inProgress: number | null;
  finalizing: number | null;
  completed: number | null;
  failed: number | null;
  expired: number | null;
  cancelling: number | null;
  cancelled: number | null;
}

export interface BatchRecord {
  id: string;
  seq: number;
  /** Base path the batch was created under: its lines use that path's route faults. */
  basePath: string;
  endpoint: BatchEndpoint;
  completionWindow: string;
  model: string | null;
  inputFileId: string;
  /** The input file, kept while the batch is stored. */
  inputFile: StoredFile;
  /** Output and error files, evicted with the batch. */
  resultFiles: StoredFile[];
  status: BatchStatus;
  /**
   * The next status change when its time is already decided (end of validating, finalizing,
   * cancelling): applied by whichever comes first, a read of the batch at or after `at`, or the
   * processor's timer. So what a client sees follows the clock, however late a timer fires.
   */
  pending: { status: BatchStatus; at: number } | null;
  /** Set before the terminal status; shown once the batch is terminal. */
  outputFileId: string | null;
  errorFileId: string | null;
  errors: BatchLineError[] | null;
  times: BatchTimes;
  counts: { total: number; completed: number; failed: number };
  usage: { inputTokens: number; outputTokens: number } | null;
  metadata: Record<string, string> | null;
  outputExpiresAfterSeconds: number | null;
  /** Set by cancel / expiry; the processor stops launching lines. */
  stopReason: 'cancelled' | 'expired' | null;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const msSeconds = (ms: number): number => Math.round(ms) / 1000;

/** The wire Batch object: every field present, unset ones as null. */
export function batchObject(batch: BatchRecord, msTimestamps = false): Record<string, unknown> {
  const at = msTimestamps ? msSeconds : seconds;
  const t = (ms: number | null): number | null => (ms === null ? null : at(ms));
  const { times } = batch;
  const terminal = TERMINAL_STATUSES.has(batch.status);
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    model: batch.model,
    errors: batch.errors === null ? null : { object: 'list', data: batch.errors },
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: terminal ? batch.outputFileId : null,
    error_file_id: terminal ? batch.errorFileId : null,
    created_at: at(times.created),
    in_progress_at: t(times.inProgress),
    expires_at: at(times.expires),
    finalizing_at: t(times.finalizing),
    completed_at: t(times.completed),
    failed_at: t(times.failed),
    expired_at: t(times.expired),
    cancelling_at: t(times.cancelling),
    cancelled_at: t(times.cancelled),
    // The API keeps them 0/0/0 while validating (here the lines are counted during it).
    request_counts: batch.status === 'validating' ? { total: 0, completed: 0, failed: 0 } : { ...batch.counts },
    metadata: batch.metadata,
    usage:
      batch.usage === null
        ? null
        : {
            input_tokens: batch.usage.inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: batch.usage.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: batch.usage.inputTokens + batch.usage.outputTokens,
          },
  };
}
