import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatsCollector } from '../stats.js';
import { seqOfId, sequencedId, unixSeconds } from '../util/ids.js';
import { type RetentionLimits, RetentionQueue } from '../util/retention.js';
import { SeqList } from '../util/seq-list.js';
import type { TimerRegistry } from '../util/timers.js';

export const UPLOAD_PURPOSES = new Set(['batch', 'assistants', 'fine-tune', 'vision', 'user_data', 'evals']);

const ID_PREFIX = 'file-';

export interface StoredFile {
  id: string;
  bytes: number;
  createdAt: number;
  expiresAt: number | null;
  filename: string;
  purpose: string;
  /** Where the content lives on disk. */
  path: string;
  /** Creation order, for cursor pagination (also encoded in the id). */
  seq: number;
  /** Batches stored that use this file (as input, output or error file). */
  refs: number;
}

/**
 * File metadata in memory, contents on disk in a private temp directory removed on close().
 * A file no batch uses (an upload never batched) is evicted past the retention limits, oldest
 * first; files of batches go with their batch (see BatchStore). Lists page through `SeqList`s
 * (all files, and one per purpose), never the whole store.
 */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly all: SeqList<StoredFile>;
  private readonly byPurpose = new Map<string, SeqList<StoredFile>>();
  private readonly loose: RetentionQueue<StoredFile>;
  private seq = 0;
  private tempCounter = 0;

  private constructor(
    readonly dir: string,
    private readonly stats: StatsCollector,
    retention: RetentionLimits,
    timers: TimerRegistry,
  ) {
    this.all = new SeqList(this.isLive);
    this.loose = new RetentionQueue(retention, timers, (file) => {
      this.stats.filesEvicted++;
      this.remove(file);
    });
  }

  static async create(stats: StatsCollector, retention: RetentionLimits, timers: TimerRegistry): Promise<FileStore> {
    return new FileStore(await mkdtemp(join(tmpdir(), 'batch-load-mock-')), stats, retention, timers);
  }

  private readonly isLive = (file: StoredFile): boolean => this.files.get(file.id) === file;

  get size(): number {
    return this.files.size;
  }

  /** A fresh path in the store's directory, for content being written. */
  newContentPath(): string {
    return join(this.dir, `content-${++this.tempCounter}`);
  }

  /** Stores a file. A batch's own output and error files come with `refs: 1` (they live as long as it). */
  add(fields: { path: string; bytes: number; filename: string; purpose: string; expiresAfterSeconds?: number | null }): StoredFile {
    const createdAt = unixSeconds();
    const seq = ++this.seq;
    const ownedByBatch = fields.purpose === 'batch_output';
    const file: StoredFile = {
      id: sequencedId(ID_PREFIX, seq),
      bytes: fields.bytes,
      createdAt,
      expiresAt: fields.expiresAfterSeconds ? createdAt + fields.expiresAfterSeconds : null,
      filename: fields.filename,
      purpose: fields.purpose,
      path: fields.path,
      seq,
      refs: ownedByBatch ? 1 : 0,
    };
    this.files.set(file.id, file);
    this.all.push(file);
    this.list(file.purpose).push(file);
    this.stats.filesCreated++;
    this.stats.uploadedBytes += ownedByBatch ? 0 : fields.bytes;
    if (!ownedByBatch) this.loose.add(file);
    return file;
  }

  get(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  /** Where an id sits in creation order, whether or not it is still stored (for `after` cursors). */
  seqOf(id: string): number | undefined {
    const seq = seqOfId(id, ID_PREFIX);
    return seq !== undefined && seq <= this.seq ? seq : undefined;
  }

  list(purpose: string | null): SeqList<StoredFile> {
    if (purpose === null) return this.all;
    let list = this.byPurpose.get(purpose);
    if (list === undefined) this.byPurpose.set(purpose, (list = new SeqList(this.isLive)));
    return list;
  }

  /** A batch now uses the file: it stays while the batch is stored. */
  retain(file: StoredFile): void {
    if (file.refs++ === 0) this.loose.remove(file);
  }

  /** A batch using the file was evicted: the file goes once no stored batch uses it. */
  release(file: StoredFile): void {
    if (--file.refs > 0) return;
    if (this.isLive(file)) {
      this.stats.filesEvicted++;
      this.remove(file);
    } else {
      unlinkQuietly(file.path); // deleted by the client while a batch still read it
    }
  }

  /** DELETE: gone from the API at once; the content stays on disk while a running batch reads it. */
  delete(id: string): boolean {
    const file = this.files.get(id);
    if (!file) return false;
    this.loose.remove(file);
    this.stats.filesDeleted++;
    this.remove(file);
    return true;
  }

  private remove(file: StoredFile): void {
    this.files.delete(file.id);
    this.all.noteRemoved(file);
    this.byPurpose.get(file.purpose)?.noteRemoved(file);
    if (file.refs === 0) unlinkQuietly(file.path);
  }

  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

function unlinkQuietly(path: string): void {
  void unlink(path).catch(() => undefined);
}

export function fileObject(file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes,
    created_at: file.createdAt,
    expires_at: file.expiresAt,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    status_details: null,
  };
}
