/**
 * An incremental HTTP/1.1 response parser (RFC 9112), fed the bytes of one connection as they
 * arrive. It frames the body by Transfer-Encoding: chunked, Content-Length, or the end of the
 * connection; skips 1xx interim responses; reads no body after HEAD, 204 and 304; and says
 * whether the connection may be reused (keep-alive) and for how long the server keeps it idle
 * (`Keep-Alive: timeout=N`). Strict where a lenient parser would let a response be read two
 * ways (request smuggling's tricks): CRLF line ends, token header names, no folded lines, one
 * Content-Length value, a connection that sent both Content-Length and Transfer-Encoding is
 * not reused. Bytes past the end of a response are left to the caller. The caller may reuse
 * the buffers it feeds once `execute` returns: what the parser keeps (a head split across reads)
 * it copies, and body slices handed to `onBody` are the caller's to copy if it keeps them.
 */

/** Our error code for a response we cannot read (see errors.ts). */
export const BAD_RESPONSE = 'BATCH_LOAD_BAD_RESPONSE';

/** Largest response head (status line and headers), and largest trailer section. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Largest chunk-size line (hex size plus extensions). */
const MAX_CHUNK_LINE = 1024;

export class ResponseParseError extends Error {
  readonly code = BAD_RESPONSE;
  constructor(reason: string) {
    super(`invalid HTTP response: ${reason}`);
    this.name = 'ResponseParseError';
  }
}

/** What the parser tells its connection. */
export interface ParserSink {
  /** the final response head (status ≥ 200); `headers` alternate names and values as sent */
  onHead(status: number, headers: string[]): void;
  /** a slice of the body; return false to stop parsing after it (the caller resumes later) */
  onBody(chunk: Buffer): boolean;
  /** the response is complete */
  onEnd(): void;
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const CR = 13;
const LF = 10;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[\r\n\0]/;
const DIGITS = /^\d{1,15}$/;
// response header values, tested per response: built once here, not per evaluation
const CHUNKED_LAST = /,\s*chunked$/;
const CONNECTION_CLOSE = /(^|,)\s*close\s*(,|$)/;
const CONNECTION_KEEP_ALIVE = /(^|,)\s*keep-alive\s*(,|$)/;
const KEEP_ALIVE_TIMEOUT = /(?:^|,)\s*timeout\s*=\s*(\d+)/i;
/** How every status line starts. */
const STATUS_PREFIX = Buffer.from('HTTP/1.', 'latin1');

export class ResponseParser {
  private state = State.Done;
  /** a head, chunk-size line or trailer section split across reads */
  private partial: Buffer | undefined;
  private remaining = 0;
  private headRequest = false;
  /** the response allows reusing the connection */
  keepAlive = true;
  /** the idle time the server announced (Keep-Alive: timeout=N), ms; undefined when none */
  keepAliveMs: number | undefined;

  constructor(private readonly sink: ParserSink) {}

  /** Expect the response to a new request (`head`: a HEAD request, whose response has no body). */
  start(head = false): void {
    this.state = State.Head;
    this.partial = undefined;
    this.headRequest = head;
    this.keepAlive = true;
    this.keepAliveMs = undefined;
  }

  /** True between start() and the end of the response. */
  get active(): boolean {
    return this.state !== State.Done;
  }

  /** True once the head was read (the body may be under way). */
  get inBody(): boolean {
    return this.state !== State.Head && this.state !== State.Done;
  }

  /**
   * Parses `buf` from `at`; returns where it stopped: `buf.length`, or earlier when the
   * response ended (the rest is not part of it) or onBody asked to pause. Throws
   * ResponseParseError on a malformed response.
   */
  execute(buf: Buffer, at = 0): number {
    let pos = at;
    while (pos < buf.length && this.state !== State.Done) {
      switch (this.state) {
        case State.Head:
          pos = this.head(buf, pos);
          break;
        case State.Length: {
          const n = Math.min(this.remaining, buf.length - pos);
          this.remaining -= n;
          const end = pos + n;
          const more = this.sink.onBody(pos === 0 && end === buf.length ? buf : buf.subarray(pos, end));
          pos = end;
          if (this.remaining === 0) this.end();
          else if (!more) return pos;
          break;
        }
        case State.ChunkSize:
          pos = this.chunkSize(buf, pos);
          break;
        case State.ChunkData: {
          const n = Math.min(this.remaining, buf.length - pos);
          this.remaining -= n;
          const end = pos + n;
          const more = this.sink.onBody(buf.subarray(pos, end));
          pos = end;
          if (this.remaining === 0) this.state = State.ChunkEnd;
          if (!more) return pos;
          break;
        }
        case State.ChunkEnd:
          // the CRLF after a chunk's data, possibly split across reads
          if (this.remaining === 0) {
            if (buf[pos] !== CR) throw new ResponseParseError('chunk not followed by CRLF');
            this.remaining = 1;
            pos++;
          } else {
            if (buf[pos] !== LF) throw new ResponseParseError('chunk not followed by CRLF');
            this.remaining = 0;
            this.state = State.ChunkSize;
            pos++;
          }
          break;
        case State.Trailers:
          pos = this.trailers(buf, pos);
          break;
        case State.UntilClose: {
          const more = this.sink.onBody(pos === 0 ? buf : buf.subarray(pos));
          pos = buf.length;
          if (!more) return pos;
          break;
        }
      }
    }
    return pos;
  }

  /**
   * The connection's end of input: completes a body read until the close; otherwise the response
   * was cut (throws nothing: the caller names it). Returns true when the response is complete.
   */
  finishAtEof(): boolean {
    if (this.state === State.UntilClose) {
      this.end();
      return true;
    }
    return this.state === State.Done;
  }

  private end(): void {
    this.state = State.Done;
    this.partial = undefined;
    this.sink.onEnd();
  }

  /** Collects a block ending in CRLFCRLF (head or trailers); returns its bytes once complete. */
  private block(buf: Buffer, pos: number, limit: number, what: string): { block: Buffer; next: number } | undefined {
    if (this.partial === undefined) {
      const end = buf.indexOf('\r\n\r\n', pos, 'latin1');
      if (end !== -1) {
        if (end - pos > limit) throw new ResponseParseError(`${what} too large`);
        return { block: buf.subarray(pos, end + 2), next: end + 4 };
      }
      this.partial = Buffer.from(buf.subarray(pos));
    } else {
      const before = this.partial.length;
      this.partial = Buffer.concat([this.partial, buf.subarray(pos)]);
      const end = this.partial.indexOf('\r\n\r\n', Math.max(0, before - 3), 'latin1');
      if (end !== -1) {
        const block = this.partial.subarray(0, end + 2);
        this.partial = undefined;
        if (end > limit) throw new ResponseParseError(`${what} too large`);
        return { block, next: pos + (end + 4 - before) };
      }
    }
    if (this.partial.length > limit) throw new ResponseParseError(`${what} too large`);
    return undefined;
  }

  private head(buf: Buffer, pos: number): number {
    // an empty line before the status line is tolerated (RFC 9112 §2.2)
    if (this.partial === undefined && buf[pos] === CR && buf[pos + 1] === LF) return pos + 2;
    this.checkStatusPrefix(buf, pos);
    const found = this.block(buf, pos, MAX_HEAD_BYTES, 'response head');
    if (found === undefined) return buf.length;
    const text = found.block.toString('latin1');
    const lineEnd = text.indexOf('\r\n');
    const status = statusOf(text, lineEnd);
    const minor = text.charCodeAt(7) - 48;
    const headers: string[] = [];
    let contentLength = -1;
    let chunked = false;
    let transferEncoding = false;
    let close = minor === 0;
    for (let at = lineEnd + 2; at < text.length; ) {
      const end = text.indexOf('\r\n', at);
      const line = text.slice(at, end);
      at = end + 2;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ResponseParseError('header line without a name');
      const name = line.slice(0, colon);
      if (!TOKEN.test(name)) throw new ResponseParseError('header name is not a token');
      const value = line.slice(colon + 1).trim();
      if (BAD_VALUE.test(value)) throw new ResponseParseError('control character in a header value');
      headers.push(name, value);
      switch (name.length) {
        case 14:
          if (name.toLowerCase() === 'content-length') {
            const n = contentLengthOf(value);
            if (contentLength !== -1 && contentLength !== n) throw new ResponseParseError('conflicting Content-Length');
            contentLength = n;
          }
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') {
            transferEncoding = true;
            const codings = value.toLowerCase();
            // chunked must be the last coding; another last coding means "read until close"
            chunked = codings === 'chunked' || CHUNKED_LAST.test(codings);
          }
          break;
        case 10: {
          const lower = name.toLowerCase();
          if (lower === 'connection') {
            const v = value.toLowerCase();
            if (CONNECTION_CLOSE.test(v)) close = true;
            else if (minor === 0 && CONNECTION_KEEP_ALIVE.test(v)) close = false;
          } else if (lower === 'keep-alive') {
            const m = KEEP_ALIVE_TIMEOUT.exec(value);
            if (m) this.keepAliveMs = Number(m[1]) * 1000;
          }
          break;
        }
      }
    }
    if (status < 200) {
      if (status === 101) throw new ResponseParseError('protocol switch (101) not supported');
      // an interim response (100 Continue, 103 Early Hints ...): the real one follows
      return found.next;
    }
    this.keepAlive = !close;
    if (transferEncoding && contentLength !== -1) this.keepAlive = false;
    this.sink.onHead(status, headers);
    if (this.headRequest || status === 204 || status === 304) {
      this.end();
    } else if (transferEncoding) {
      if (chunked) {
        this.state = State.ChunkSize;
      } else {
        this.state = State.UntilClose;
        this.keepAlive = false;
      }
    } else if (contentLength >= 0) {
      if (contentLength === 0) this.end();
      else {
        this.remaining = contentLength;
        this.state = State.Length;
      }
    } else {
      this.state = State.UntilClose;
      this.keepAlive = false;
    }
    return found.next;
  }

  /**
   * Fails at once when the first bytes cannot begin a status line: a server that speaks
   * something else (SSH, SMTP, TLS on a plain port) and then waits or closes is named
   * `invalid HTTP response`, not a timeout or `connection reset` after waiting for an empty line.
   */
  private checkStatusPrefix(buf: Buffer, pos: number): void {
    const have = this.partial?.length ?? 0;
    if (have >= STATUS_PREFIX.length) return;
    // a lone CR or LF may begin the tolerated empty line (its LF in the next read)
    if (have === 0 && (buf[pos] === CR || buf[pos] === LF)) return;
    for (let k = have, i = pos; k < STATUS_PREFIX.length && i < buf.length; k++, i++) {
      if (buf[i] !== STATUS_PREFIX[k]) throw new ResponseParseError('bad status line');
    }
  }

  private chunkSize(buf: Buffer, pos: number): number {
    const lf = buf.indexOf(LF, pos);
    if (lf === -1) {
      // the line continues in the next read: keep a copy of what we have
      const rest = buf.subarray(pos);
      this.partial = this.partial === undefined ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
      if (this.partial.length > MAX_CHUNK_LINE) throw new ResponseParseError('chunk size line too long');
      return buf.length;
    }
    const next = lf + 1;
    const line = this.partial === undefined ? buf.subarray(pos, next) : Buffer.concat([this.partial, buf.subarray(pos, next)]);
    this.partial = undefined;
    if (line.length > MAX_CHUNK_LINE) throw new ResponseParseError('chunk size line too long');
    if (line.length < 3 || line[line.length - 2] !== CR) throw new ResponseParseError('chunk size line not ended by CRLF');
    let size = 0;
    let digits = 0;
    for (let i = 0; i < line.length - 2; i++) {
      const c = line[i]!;
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d === -1) {
        // chunk extensions (`;name=value`) are allowed and ignored
        if (digits > 0 && (c === 59 || c === 32 || c === 9)) break;
        throw new ResponseParseError('bad chunk size');
      }
      if (++digits > 12) throw new ResponseParseError('chunk size too large');
      size = size * 16 + d;
    }
    if (digits === 0) throw new ResponseParseError('bad chunk size');
    if (size === 0) {
      this.state = State.Trailers;
    } else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
    return next;
  }

  private trailers(buf: Buffer, pos: number): number {
    // no trailer fields: the last chunk is followed by the empty line alone
    if (this.partial === undefined && buf[pos] === CR && buf[pos + 1] === LF) {
      this.end();
      return pos + 2;
    }
    if (this.partial !== undefined && this.partial.length === 1 && this.partial[0] === CR && buf[pos] === LF) {
      this.end();
      return pos + 1;
    }
    if (this.partial === undefined && buf[pos] === CR && pos + 1 === buf.length) {
      this.partial = Buffer.from(buf.subarray(pos));
      return buf.length;
    }
    // trailer fields (ignored) up to the empty line
    const found = this.block(buf, pos, MAX_HEAD_BYTES, 'trailer section');
    if (found === undefined) return buf.length;
    this.end();
    return found.next;
  }
}

/** The status of a status line (`HTTP/1.1 200 OK`); throws when it is not one. */
function statusOf(text: string, lineEnd: number): number {
  if (lineEnd < 12 || !text.startsWith('HTTP/1.') || (text[7] !== '0' && text[7] !== '1') || text[8] !== ' ') {
    throw new ResponseParseError('bad status line');
  }
  const a = text.charCodeAt(9) - 48;
  const b = text.charCodeAt(10) - 48;
  const c = text.charCodeAt(11) - 48;
  if (a < 1 || a > 5 || b < 0 || b > 9 || c < 0 || c > 9 || (lineEnd > 12 && text[12] !== ' ')) throw new ResponseParseError('bad status line');
  return a * 100 + b * 10 + c;
}

/** Content-Length: digits only (a list of equal values is accepted, RFC 9110 §8.6). */
function contentLengthOf(value: string): number {
  if (DIGITS.test(value)) return Number(value);
  let n = -1;
  for (const part of value.split(',')) {
    const v = part.trim();
    if (!DIGITS.test(v)) throw new ResponseParseError('bad Content-Length');
    const x = Number(v);
    if (n !== -1 && n !== x) throw new ResponseParseError('conflicting Content-Length');
    n = x;
  }
  return n;
}
