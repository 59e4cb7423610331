import type { Readable } from 'node:stream';
import { badRequest } from '../http/errors.js';

/** Headers of one multipart part that matter here. */
export interface PartInfo {
  name: string;
  filename: string | null;
  contentType: string | null;
}

/** Receives one part's bytes; returning a promise applies backpressure to the parser. */
export interface PartSink {
  data(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_PARTS = 1000;

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'epilogue';

/** Extracts the boundary from a `multipart/form-data; boundary=...` Content-Type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary && boundary.length <= 200 ? boundary : null;
}

/**
 * Streaming multipart/form-data parser. Memory stays bounded: only part headers and the few bytes
 * that might start a boundary are kept between chunks; body bytes go straight to the part's sink.
 * Fields may come in any order; boundaries may be split across chunks anywhere.
 * The source is always read to its end (even after a sink error), so the client can get an answer.
 */
export class MultipartParser {
  private readonly delimiter: Buffer;
  private state: State = 'preamble';
  // Pretend the body starts with CRLF so the first boundary looks like every other one.
  private pending: Buffer = CRLF;
  private sink: PartSink | null = null;
  private parts = 0;

  constructor(
    boundary: string,
    private readonly onPart: (info: PartInfo) => PartSink,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /**
   * Consumes the source with 'data' events and pause/resume (not an async iterator: `read()` would
   * concatenate queued chunks into fresh buffers, which costs memory on large uploads).
   */
  parse(source: Readable): Promise<void> {
    return new Promise((resolve, reject) => {
      let failure: unknown = null;
      // 'end' may arrive while the last chunk is still being written out: wait for it.
      let working: Promise<void> = Promise.resolve();
      source.on('data', (chunk: Buffer) => {
        // Never stop reading early: the request must be consumed before we can answer it.
        if (failure !== null || this.state === 'epilogue') return;
        this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
        source.pause();
        working = this.consume().then(
          () => void source.resume(),
          (err: unknown) => {
            failure = err;
            this.sink = null;
            this.pending = Buffer.alloc(0);
            source.resume();
          },
        );
      });
      source.once('error', reject);
      source.once('end', () => {
        void working.then(() => {
          if (failure !== null) reject(failure);
          else if (this.state !== 'epilogue') reject(badRequest('Malformed multipart body: the closing boundary is missing.'));
          else resolve();
        });
      });
    });
  }

  private async consume(): Promise<void> {
    for (;;) {
      const buf = this.pending;
      switch (this.state) {
        case 'preamble':
        case 'body': {
          const at = buf.indexOf(this.delimiter);
          if (at === -1) {
            const keep = partialDelimiterLength(buf, this.delimiter);
            if (buf.length > keep) await this.emit(buf.subarray(0, buf.length - keep));
            this.pending = buf.subarray(buf.length - keep);
            return;
          }
          if (at > 0) await this.emit(buf.subarray(0, at));
          if (this.state === 'body') await this.endPart();
          this.pending = buf.subarray(at + this.delimiter.length);
          this.state = 'afterDelimiter';
          break;
        }
        case 'afterDelimiter': {
          // Transport padding (spaces, tabs) may follow a boundary.
          let i = 0;
          while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
          if (buf.length - i < 2) {
            this.pending = buf.subarray(i);
            return;
          }
          if (buf[i] === 0x2d && buf[i + 1] === 0x2d) {
            this.state = 'epilogue';
            this.pending = Buffer.alloc(0);
            return;
          }
          if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) throw badRequest('Malformed multipart body: bad boundary line.');
          this.pending = buf.subarray(i + 2);
          this.state = 'headers';
          break;
        }
        case 'headers': {
          // A part without headers starts directly with the blank line.
          const end = buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a ? -2 : buf.indexOf(HEADER_END);
          if (end === -1) {
            if (buf.length > MAX_HEADER_BYTES) throw badRequest('Malformed multipart body: part headers too large.');
            return;
          }
          const headerText = end === -2 ? '' : buf.toString('utf8', 0, end);
          this.pending = buf.subarray(end === -2 ? 2 : end + 4);
          if (++this.parts > MAX_PARTS) throw badRequest('Malformed multipart body: too many parts.');
          this.sink = this.onPart(parsePartHeaders(headerText));
          this.state = 'body';
          break;
        }
        case 'epilogue':
          return;
      }
    }
  }

  private async emit(bytes: Buffer): Promise<void> {
    if (this.state === 'body' && this.sink) await this.sink.data(bytes);
  }

  private async endPart(): Promise<void> {
    const sink = this.sink;
    this.sink = null;
    if (sink) await sink.end();
  }
}

/** Length of the longest tail of `buf` that is a proper prefix of `delimiter` (it may finish in the next chunk). */
function partialDelimiterLength(buf: Buffer, delimiter: Buffer): number {
  const max = Math.min(delimiter.length - 1, buf.length);
  for (let k = max; k > 0; k--) {
    if (buf[buf.length - k] === delimiter[0] && buf.compare(delimiter, 0, k, buf.length - k) === 0) return k;
  }
  return 0;
}

function parsePartHeaders(text: string): PartInfo {
  let name = '';
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-type') contentType = value;
    else if (header === 'content-disposition') {
      name = dispositionParam(value, 'name') ?? '';
      filename = dispositionParam(value, 'filename*') ?? dispositionParam(value, 'filename');
    }
  }
  return { name, filename, contentType };
}

function dispositionParam(value: string, param: string): string | null {
  const escaped = param.replace('*', '\\*');
  const match = new RegExp(`;\\s*${escaped}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(value);
  if (!match) return null;
  const raw = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!.trim();
  if (param.endsWith('*')) {
    // RFC 5987: charset'lang'percent-encoded
    const parts = /^[^']*'[^']*'(.*)$/.exec(raw);
    try {
      return decodeURIComponent(parts ? parts[1]! : raw);
    } catch {
      return raw;
    }
  }
  return raw;
}
