export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<BatchStatus> = new Set(['failed', 'completed', 'expired', 'cancelled']);

/** Endpoints a batch may target (the inference routes this mock implements). */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings'] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

export interface BatchLineError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

export interface BatchRecord {
  id: string;
  seq: number;
  /** Base path the batch was created under: its lines use that path's route faults. */
  basePath: string;
  endpoint: BatchEndpoint;
  model: string | null;
  inputFileId: string;
  inputPath: string;
  status: BatchStatus;
  outputFileId: string | null;
  errorFileId: string | null;
  errors: BatchLineError[] | null;
  createdAt: number;
  expiresAt: number;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
  counts: { total: number; completed: number; failed: number };
  usage: { inputTokens: number; outputTokens: number } | null;
  metadata: Record<string, string> | null;
  outputExpiresAfterSeconds: number | null;
  /** Set by cancel / expiry; the processor stops launching lines. */
  stopReason: 'cancelled' | 'expired' | null;
}

/** The wire Batch object: every field present, unset ones as null. */
export function batchObject(batch: BatchRecord): Record<string, unknown> {
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    model: batch.model,
    errors: batch.errors === null ? null : { object: 'list', data: batch.errors },
    input_file_id: batch.inputFileId,
    completion_window: '24h',
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: batch.createdAt,
    in_progress_at: batch.inProgressAt,
    expires_at: batch.expiresAt,
    finalizing_at: batch.finalizingAt,
    completed_at: batch.completedAt,
    failed_at: batch.failedAt,
    expired_at: batch.expiredAt,
    cancelling_at: batch.cancellingAt,
    cancelled_at: batch.cancelledAt,
    request_counts: { ...batch.counts },
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
