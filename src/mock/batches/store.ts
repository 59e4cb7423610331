import type { FileStore, StoredFile } from '../files/store.js';
import type { StatsCollector } from '../stats.js';
import { seqOfId, sequencedId } from '../util/ids.js';
import { type PageQuery, paginate } from '../util/pagination.js';
import { type RetentionLimits, RetentionQueue } from '../util/retention.js';
import { SeqList } from '../util/seq-list.js';
import type { TimerRegistry } from '../util/timers.js';
import { type BatchEndpoint, type BatchRecord, type BatchStatus, type BatchTimes, TERMINAL_STATUSES } from './model.js';

const ID_PREFIX = 'batch_';

const TIME_OF: Record<BatchStatus, keyof BatchTimes | null> = {
  validating: null,
  in_progress: 'inProgress',
  finalizing: 'finalizing',
  completed: 'completed',
  failed: 'failed',
  expired: 'expired',
  cancelling: 'cancelling',
  cancelled: 'cancelled',
};

/**
 * Batches in memory (small records; contents live in the file store). Terminal batches are
 * evicted, with their files, past the retention limits; every read settles a batch first, so its
 * status follows the clock (see BatchRecord.pending).
 */
export class BatchStore {
  private readonly batches = new Map<string, BatchRecord>();
  private readonly ordered = new SeqList<BatchRecord>((batch) => this.batches.get(batch.id) === batch);
  /** Batches not yet terminal, settled before each stats snapshot. */
  private readonly active = new Set<BatchRecord>();
  private readonly retention: RetentionQueue<BatchRecord>;
  private seq = 0;

  constructor(
    private readonly stats: StatsCollector,
    private readonly files: FileStore,
    retention: RetentionLimits,
    timers: TimerRegistry,
  ) {
    this.retention = new RetentionQueue(retention, timers, (batch) => this.evict(batch));
  }

  get size(): number {
    return this.batches.size;
  }

  create(fields: {
    basePath: string;
    endpoint: BatchEndpoint;
    completionWindow: string;
    inputFile: StoredFile;
    metadata: Record<string, string> | null;
    outputExpiresAfterSeconds: number | null;
    expiryMs: number;
  }): BatchRecord {
    const now = Date.now();
    const seq = ++this.seq;
    const batch: BatchRecord = {
      id: sequencedId(ID_PREFIX, seq),
      seq,
      basePath: fields.basePath,
      endpoint: fields.endpoint,
      completionWindow: fields.completionWindow,
      model: null,
      inputFileId: fields.inputFile.id,
      inputFile: fields.inputFile,
      resultFiles: [],
      status: 'validating',
      pending: null,
      outputFileId: null,
      errorFileId: null,
      errors: null,
      times: {
        created: now,
        expires: now + fields.expiryMs,
        inProgress: null,
        finalizing: null,
        completed: null,
        failed: null,
        expired: null,
        cancelling: null,
        cancelled: null,
      },
      counts: { total: 0, completed: 0, failed: 0 },
      usage: null,
      metadata: fields.metadata,
      outputExpiresAfterSeconds: fields.outputExpiresAfterSeconds,
      stopReason: null,
    };
    this.files.retain(fields.inputFile);
    this.batches.set(batch.id, batch);
    this.ordered.push(batch);
    this.active.add(batch);
    this.stats.batchesCreated++;
    this.stats.batchStatusChanged(null, 'validating');
    return batch;
  }

  /** The batch, settled to the current time; undefined when unknown or evicted. */
  get(id: string): BatchRecord | undefined {
    const batch = this.batches.get(id);
    if (batch) this.settle(batch);
    return batch;
  }

  /** One page of batches, newest first by default, each settled. */
  page(query: PageQuery): ReturnType<typeof paginate<BatchRecord>> {
    const page = paginate(this.ordered, query, (id) => {
      const seq = seqOfId(id, ID_PREFIX);
      return seq !== undefined && seq <= this.seq ? seq : undefined;
    });
    const now = Date.now();
    for (const batch of page.data) this.settle(batch, now);
    return page;
  }

  /** Applies every due status change (before a stats snapshot). */
  settleAll(): void {
    const now = Date.now();
    for (const batch of this.active) this.settle(batch, now);
  }

  /** Applies the pending status change if its time has come. */
  settle(batch: BatchRecord, now = Date.now()): void {
    const { pending } = batch;
    if (pending !== null && now >= pending.at) {
      batch.pending = null;
      this.setStatus(batch, pending.status, pending.at);
    }
  }

  /** Decides the next status change and its time; applied at once if that time has passed. */
  plan(batch: BatchRecord, status: BatchStatus, at: number): void {
    batch.pending = { status, at };
    this.settle(batch);
  }

  /** Moves a batch to a status and stamps the matching time (`at`, ms; now by default). */
  setStatus(batch: BatchRecord, status: BatchStatus, at = Date.now()): void {
    if (batch.status === status) return;
    this.stats.batchStatusChanged(batch.status, status);
    batch.status = status;
    const field = TIME_OF[status];
    if (field !== null) batch.times[field] = at;
    if (TERMINAL_STATUSES.has(status)) {
      batch.pending = null;
      this.active.delete(batch);
      this.retention.add(batch);
    }
  }

  private evict(batch: BatchRecord): void {
    this.batches.delete(batch.id);
    this.ordered.noteRemoved(batch);
    this.stats.batchesEvicted++;
    this.files.release(batch.inputFile);
    for (const file of batch.resultFiles) this.files.release(file);
  }
}
