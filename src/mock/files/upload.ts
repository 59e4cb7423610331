import { createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { ResolvedMockOptions } from '../config/defaults.js';
import { badRequest } from '../http/errors.js';
import { payloadTooLarge } from '../http/body.js';
import { MultipartParser, multipartBoundary, type PartInfo, type PartSink } from './multipart.js';
import { type FileStore, type StoredFile, UPLOAD_PURPOSES } from './store.js';

const MAX_FIELD_BYTES = 64 * 1024;

/** Streams the `file` part to disk (with backpressure) and keeps the small fields in memory. */
class FilePartWriter implements PartSink {
  bytes = 0;
  private readonly out: WriteStream;
  private readonly finished: Promise<unknown>;

  constructor(
    readonly path: string,
    readonly info: PartInfo,
    private readonly maxBytes: () => number,
  ) {
    this.out = createWriteStream(path);
    this.finished = once(this.out, 'finish');
    // Errors surface through finished/drain; keep an listener so none is unhandled.
    this.out.on('error', () => undefined);
  }

  get tooLarge(): boolean {
    return this.bytes > this.maxBytes();
  }

  async data(chunk: Buffer): Promise<void> {
    this.bytes += chunk.length;
    if (this.tooLarge) return; // keep counting, stop storing
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async end(): Promise<void> {
    this.out.end();
    await this.finished;
  }

  discard(): void {
    if (!this.out.closed) this.out.destroy();
    void unlink(this.path).catch(() => undefined);
  }
}

class FieldCollector implements PartSink {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly onValue: (value: string) => void) {}

  data(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > MAX_FIELD_BYTES) throw badRequest('A multipart form field is too large.');
    this.chunks.push(chunk);
  }

  end(): void {
    this.onValue(Buffer.concat(this.chunks).toString('utf8'));
  }
}

const IGNORED_PART: PartSink = { data: () => undefined, end: () => undefined };

/** POST {base}/files: multipart `file` + `purpose` (+ optional `expires_after[...]`), in any order. */
export async function receiveUpload(
  req: IncomingMessage,
  store: FileStore,
  limits: ResolvedMockOptions['files'],
): Promise<StoredFile> {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (boundary === null) {
    req.resume();
    await once(req, 'end').catch(() => undefined);
    throw badRequest("Invalid Content-Type: expected multipart/form-data with a boundary, with fields 'file' and 'purpose'.");
  }
  const fields = new Map<string, string>();
  let file: FilePartWriter | null = null;
  // Once the purpose is known the 200 MB batch limit applies while streaming; otherwise it's checked at the end.
  const maxBytes = (): number => (fields.get('purpose') === 'batch' ? limits.maxBatchFileBytes : limits.maxFileBytes);

  const parser = new MultipartParser(boundary, (info) => {
    if (info.name === 'file' && file === null) {
      file = new FilePartWriter(store.newContentPath(), info, maxBytes);
      return file;
    }
    if (info.name === 'file' || info.filename !== null) return IGNORED_PART;
    return new FieldCollector((value) => {
      if (!fields.has(info.name)) fields.set(info.name, value);
    });
  });

  try {
    await parser.parse(req);
    const part = file as FilePartWriter | null;
    if (part === null) throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
    const purpose = fields.get('purpose');
    if (purpose === undefined || purpose === '') {
      throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
    }
    if (!UPLOAD_PURPOSES.has(purpose)) {
      throw badRequest(`Invalid value for 'purpose': '${purpose.slice(0, 64)}' is not one of ${[...UPLOAD_PURPOSES].join(', ')}.`, 'purpose', 'invalid_value');
    }
    if (part.tooLarge) throw payloadTooLarge(maxBytes());
    const expiresAfterSeconds = parseExpiresAfter(fields);
    return store.add({
      path: part.path,
      bytes: part.bytes,
      filename: part.info.filename ?? 'upload',
      purpose,
      expiresAfterSeconds,
    });
  } catch (err) {
    (file as FilePartWriter | null)?.discard();
    throw err;
  }
}

function parseExpiresAfter(fields: Map<string, string>): number | null {
  const anchor = fields.get('expires_after[anchor]');
  const seconds = fields.get('expires_after[seconds]');
  if (anchor === undefined && seconds === undefined) return null;
  if (anchor !== undefined && anchor !== 'created_at') {
    throw badRequest("Invalid value for 'expires_after[anchor]': expected 'created_at'.", 'expires_after.anchor', 'invalid_value');
  }
  const value = Number(seconds);
  if (!Number.isInteger(value) || value < 3600 || value > 2_592_000) {
    throw badRequest("Invalid value for 'expires_after[seconds]': expected an integer from 3600 to 2592000.", 'expires_after.seconds', 'invalid_value');
  }
  return value;
}
