import { createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { ResolvedMockOptions } from '../config/defaults.js';
import { type HttpError, badRequest } from '../http/errors.js';
import { payloadTooLarge } from '../http/body.js';
import { type FileStore, type StoredFile, UPLOAD_PURPOSES } from './store.js';

const MAX_FIELD_BYTES = 64 * 1024;
const MAX_PARTS = 1000;

/**
 * Streams the `file` part to disk with backpressure: busboy's part stream is paused while the
 * disk write buffer is full, which pauses the parser and the socket, so RSS stays bounded.
 * Bytes past the limit are counted but not stored.
 */
class FilePart {
  bytes = 0;
  private readonly out: WriteStream;
  /** Settles once the part ended and its bytes are on disk; rejects when the part is cut short. */
  readonly done: Promise<void>;

  constructor(
    readonly path: string,
    readonly filename: string,
    part: Readable,
    private readonly maxBytes: () => number,
  ) {
    this.out = createWriteStream(path);
    this.done = new Promise((resolve, reject) => {
      this.out.once('error', reject);
      this.out.once('finish', resolve);
      part.once('error', (err) => {
        this.out.destroy();
        reject(err);
      });
    });
    // Rejections are read through `done` once the form is parsed; none may be unhandled before.
    this.done.catch(() => undefined);
    part.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (this.tooLarge) return; // keep counting, stop storing
      if (!this.out.write(chunk)) {
        part.pause();
        this.out.once('drain', () => part.resume());
      }
    });
    part.once('end', () => this.out.end());
  }

  get tooLarge(): boolean {
    return this.bytes > this.maxBytes();
  }

  discard(): void {
    if (!this.out.closed) this.out.destroy();
    void unlink(this.path).catch(() => undefined);
  }
}

/**
 * Parses the multipart body with busboy. The request is always read to its end, even after a
 * parse error, so the client gets an answer; resolves once the parser and the file part are done.
 */
function parseForm(
  req: IncomingMessage,
  onFile: (name: string, part: Readable, filename: string) => void,
  onField: (name: string, value: string) => void,
): Promise<HttpError | null> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      preservePath: true,
      limits: { fieldSize: MAX_FIELD_BYTES, parts: MAX_PARTS },
    });
  } catch {
    return drain(req).then(() =>
      badRequest("Invalid Content-Type: expected multipart/form-data with a boundary, with fields 'file' and 'purpose'."),
    );
  }
  return new Promise((resolve, reject) => {
    let problem: HttpError | null = null;
    const flag = (err: HttpError): void => void (problem ??= err);
    parser.on('file', (name, part, info) => onFile(name, part, info.filename ?? 'upload'));
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) flag(badRequest('A multipart form field is too large.'));
      else if (name === 'file') flag(badRequest("Invalid 'file': expected a file part (with a filename).", 'file', 'invalid_value'));
      else onField(name, value);
    });
    parser.on('partsLimit', () => flag(badRequest('Malformed multipart body: too many parts.')));
    let broken = false;
    // 'close' also follows an 'error': the answer then waits for the rest of the body.
    parser.once('close', () => broken || resolve(problem));
    parser.once('error', (err: Error) => {
      broken = true;
      req.unpipe(parser);
      const malformed = badRequest(`Malformed multipart body: ${err.message.replace(/^Multipart: /, '')}.`);
      void drain(req).then(() => resolve(malformed));
    });
    req.once('error', reject);
    req.pipe(parser);
  });
}

/** Reads a request to its end, discarding the bytes (resolves at once if it has ended). */
function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}

/** POST {base}/files: multipart `file` + `purpose` (+ optional `expires_after[...]`), in any order. */
export async function receiveUpload(req: IncomingMessage, store: FileStore, limits: ResolvedMockOptions['files']): Promise<StoredFile> {
  const fields = new Map<string, string>();
  let file: FilePart | null = null;
  // Once the purpose is known the 200 MB batch limit applies while streaming; otherwise it's checked at the end.
  const maxBytes = (): number => (fields.get('purpose') === 'batch' ? limits.maxBatchFileBytes : limits.maxFileBytes);
  const onFile = (name: string, part: Readable, filename: string): void => {
    if (name === 'file' && file === null) file = new FilePart(store.newContentPath(), filename, part, maxBytes);
    else part.resume();
  };
  const onField = (name: string, value: string): void => {
    if (!fields.has(name)) fields.set(name, value);
  };

  try {
    let problem = await parseForm(req, onFile, onField);
    const part = file as FilePart | null;
    if (part !== null) {
      try {
        await part.done;
      } catch {
        problem ??= badRequest('Malformed multipart body: the file part is cut short.');
      }
    }
    if (problem !== null) throw problem;
    if (part === null) throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
    const purpose = fields.get('purpose');
    if (purpose === undefined || purpose === '') {
      throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
    }
    if (!UPLOAD_PURPOSES.has(purpose)) {
      throw badRequest(`Invalid value for 'purpose': '${purpose.slice(0, 64)}' is not one of ${[...UPLOAD_PURPOSES].join(', ')}.`, 'purpose', 'invalid_value');
    }
    if (part.tooLarge) throw payloadTooLarge(maxBytes());
    return store.add({ path: part.path, bytes: part.bytes, filename: part.filename, purpose, expiresAfterSeconds: parseExpiresAfter(fields) });
  } catch (err) {
    (file as FilePart | null)?.discard();
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
