import type { StatsCollector } from '../stats.js';
import { randomId, unixSeconds } from '../util/ids.js';
import type { BatchEndpoint, BatchRecord, BatchStatus } from './model.js';

/** Batches in memory (small records; contents live in the file store). */
export class BatchStore {
  private readonly batches = new Map<string, BatchRecord>();
  private seq = 0;

  constructor(private readonly stats: StatsCollector) {}

  create(fields: {
    basePath: string;
    endpoint: BatchEndpoint;
    inputFileId: string;
    inputPath: string;
    metadata: Record<string, string> | null;
    outputExpiresAfterSeconds: number | null;
    expiryMs: number;
  }): BatchRecord {
    const now = Date.now();
    const batch: BatchRecord = {
      id: `batch_${randomId(24)}`,
      seq: ++this.seq,
      basePath: fields.basePath,
      endpoint: fields.endpoint,
      model: null,
      inputFileId: fields.inputFileId,
      inputPath: fields.inputPath,
      status: 'validating',
      outputFileId: null,
      errorFileId: null,
      errors: null,
      createdAt: unixSeconds(now),
      expiresAt: unixSeconds(now + fields.expiryMs),
      inProgressAt: null,
      finalizingAt: null,
      completedAt: null,
      failedAt: null,
      expiredAt: null,
      cancellingAt: null,
      cancelledAt: null,
      counts: { total: 0, completed: 0, failed: 0 },
      usage: null,
      metadata: fields.metadata,
      outputExpiresAfterSeconds: fields.outputExpiresAfterSeconds,
      stopReason: null,
    };
    this.batches.set(batch.id, batch);
    this.stats.batchesCreated++;
    this.stats.batchStatusChanged(null, 'validating');
    return batch;
  }

  get(id: string): BatchRecord | undefined {
    return this.batches.get(id);
  }

  position(id: string): number | undefined {
    return this.batches.get(id)?.seq;
  }

  all(): BatchRecord[] {
    return [...this.batches.values()];
  }

  /** Moves a batch to a status and stamps the matching `*_at` field. */
  setStatus(batch: BatchRecord, status: BatchStatus): void {
    if (batch.status === status) return;
    this.stats.batchStatusChanged(batch.status, status);
    batch.status = status;
    const now = unixSeconds();
    switch (status) {
      case 'in_progress':
        batch.inProgressAt = now;
        break;
      case 'finalizing':
        batch.finalizingAt = now;
        break;
      case 'completed':
        batch.completedAt = now;
        break;
      case 'failed':
        batch.failedAt = now;
        break;
      case 'expired':
        batch.expiredAt = now;
        break;
      case 'cancelling':
        batch.cancellingAt = now;
        break;
      case 'cancelled':
        batch.cancelledAt = now;
        break;
      case 'validating':
        break;
    }
  }
}
