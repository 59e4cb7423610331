import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatsCollector } from '../stats.js';
import { randomId, unixSeconds } from '../util/ids.js';

export const UPLOAD_PURPOSES = new Set(['batch', 'assistants', 'fine-tune', 'vision', 'user_data', 'evals']);

export interface StoredFile {
  id: string;
  bytes: number;
  createdAt: number;
  expiresAt: number | null;
  filename: string;
  purpose: string;
  /** Where the content lives on disk. */
  path: string;
  /** Creation order, for cursor pagination. */
  seq: number;
  deleted: boolean;
}

/**
 * File metadata in memory, contents on disk in a private temp directory removed on close().
 * Deleted files keep a tombstone (a few bytes) so a cursor naming them still paginates.
 */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private seq = 0;
  private tempCounter = 0;

  private constructor(
    readonly dir: string,
    private readonly stats: StatsCollector,
  ) {}

  static async create(stats: StatsCollector): Promise<FileStore> {
    return new FileStore(await mkdtemp(join(tmpdir(), 'batch-load-mock-')), stats);
  }

  /** A fresh path in the store's directory, for content being written. */
  newContentPath(): string {
    return join(this.dir, `content-${++this.tempCounter}`);
  }

  add(fields: { path: string; bytes: number; filename: string; purpose: string; expiresAfterSeconds?: number | null }): StoredFile {
    const createdAt = unixSeconds();
    const file: StoredFile = {
      id: `file-${randomId(24)}`,
      bytes: fields.bytes,
      createdAt,
      expiresAt: fields.expiresAfterSeconds ? createdAt + fields.expiresAfterSeconds : null,
      filename: fields.filename,
      purpose: fields.purpose,
      path: fields.path,
      seq: ++this.seq,
      deleted: false,
    };
    this.files.set(file.id, file);
    this.stats.filesCreated++;
    this.stats.uploadedBytes += fields.purpose === 'batch_output' ? 0 : fields.bytes;
    return file;
  }

  get(id: string): StoredFile | undefined {
    const file = this.files.get(id);
    return file && !file.deleted ? file : undefined;
  }

  /** Position of a file id, deleted or not (for `after` cursors). */
  position(id: string): number | undefined {
    return this.files.get(id)?.seq;
  }

  list(purpose: string | null): StoredFile[] {
    const out: StoredFile[] = [];
    for (const file of this.files.values()) if (!file.deleted && (purpose === null || file.purpose === purpose)) out.push(file);
    return out;
  }

  async delete(id: string): Promise<boolean> {
    const file = this.get(id);
    if (!file) return false;
    file.deleted = true;
    this.stats.filesDeleted++;
    await unlink(file.path).catch(() => undefined);
    return true;
  }

  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
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
