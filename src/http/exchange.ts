/**
 * One request in flight (Exchange): the handler of its connection's response plus the client's
 * bookkeeping, and the response view its reader gets.
 */
import type { Recorder } from '../metrics/types.js';
import type { Connection, ConnectionOwner, Dispatchable, ResponseHandler } from './connections.js';
import { type AbortCause, ERROR_BODY_LIMIT, failureName, httpFailureName, isConnectionLoss, isSuccess, TRUNCATED_BODY } from './errors.js';
import { abortError, ResponseBody } from './response-body.js';
import type { CallOutcome, HttpRequestSpec, HttpResponseView } from './types.js';

/** What an Exchange needs of its client: where to record, and to be told when it settles. */
export interface ExchangeOwner {
  readonly recorder: Recorder;
  /** recorded; `draining`: its connection still reads the rest of a body the reader left */
  settle(exchange: InFlight, draining: boolean): void;
  /** a settled exchange's connection is free */
  drained(exchange: InFlight): void;
}

type HeaderMap = Record<string, string | string[] | undefined>;

class ResponseView implements HttpResponseView {
  private parsed: HeaderMap | undefined;

  constructor(
    readonly status: number,
    /** names and values as sent, alternating */
    private readonly raw: string[],
    readonly body: ResponseBody,
    readonly startedAtMs: number,
  ) {}

  /** Every header by lower-case name (a repeated header: its values in order), built on first use. */
  get headers(): HeaderMap {
    if (this.parsed === undefined) {
      const map: HeaderMap = {};
      for (let i = 0; i < this.raw.length; i += 2) {
        const name = this.raw[i]!.toLowerCase();
        const value = this.raw[i + 1]!;
        const prev = map[name];
        map[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
      this.parsed = map;
    }
    return this.parsed;
  }

  header(name: string): string | undefined {
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i]!;
      if (key.length === name.length && (key === name || key.toLowerCase() === name)) return raw[i + 1];
    }
    return undefined;
  }
}

/** What the client's sweep and run-stop see of a request in flight. */
export interface InFlight {
  readonly deadline: number;
  abort(cause: AbortCause): void;
}

/** origin + path of an absolute URL; URLs repeat (one per scenario variant), so cache them. */
const targets = new Map<string, { origin: string; path: string }>();
export function targetOf(url: string): { origin: string; path: string } {
  let t = targets.get(url);
  if (t === undefined) {
    const u = new URL(url);
    t = { origin: u.origin, path: `${u.pathname}${u.search}` };
    if (targets.size >= 1000) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/**
 * One request in flight: the handler of its connection's response plus our bookkeeping. It
 * settles exactly once: `readDone` or `fail` records the request and resolves the caller's
 * promise.
 */
export class Exchange<T> implements ResponseHandler, InFlight, Dispatchable {
  private abortCause: AbortCause | undefined;
  /** recorded and resolved (a request waiting for a connection is then never sent) */
  settled = false;
  private status: number | undefined;
  private body: ResponseBody | undefined;
  /** non-success status: the first ERROR_BODY_LIMIT bytes of the body, to name the failure */
  private errChunks: Buffer[] | undefined;
  private errSize = 0;
  /** the connection it runs on, until the connection is free again */
  private conn: Connection | undefined;
  private connOwner: ConnectionOwner | undefined;
  resolve!: (outcome: CallOutcome<T>) => void;

  constructor(
    private readonly client: ExchangeOwner,
    private readonly spec: HttpRequestSpec,
    private readonly read: (res: HttpResponseView) => Promise<T>,
    /** path and query of the URL */
    private readonly path: string,
    private readonly startedAtMs: number,
    readonly timeoutMs: number,
    /** performance.now() past which the sweep aborts it */
    readonly deadline: number,
  ) {}

  /** Sends it on `conn` (its owner handed it out; it is given back once the response is over). */
  start(conn: Connection, owner: ConnectionOwner): void {
    this.conn = conn;
    this.connOwner = owner;
    conn.run(this.spec.method === 'GET' ? { method: 'GET', path: this.path, headers: this.spec.headers } : { method: this.spec.method, path: this.path, headers: this.spec.headers, body: this.spec.body }, this);
  }

  /** The reader consumes again after a pause (ResponseBody calls it). */
  resume(): void {
    this.conn?.resume(this);
  }

  /** The response is over (ended or failed): the connection is free for its owner's next request. */
  private freeConnection(): void {
    const conn = this.conn;
    if (conn === undefined) return;
    this.conn = undefined;
    this.connOwner!.release(conn);
    if (this.settled) this.client.drained(this);
  }

  // -- the connection's handler --

  onResponseHead(status: number, headers: string[]): void {
    if (this.settled) return;
    this.status = status;
    if (!(this.spec.okStatus ?? isSuccess)(status)) {
      this.errChunks = [];
      return;
    }
    const body = new ResponseBody(this);
    this.body = body;
    let p: Promise<T>;
    try {
      p = this.read(new ResponseView(status, headers, body, this.startedAtMs));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (value) => this.readDone(value),
      (err) => this.readFailed(err),
    );
  }

  onResponseData(chunk: Buffer): boolean {
    if (this.body !== undefined) return this.body.push(chunk);
    if (this.errChunks !== undefined && this.errSize < ERROR_BODY_LIMIT) {
      this.errChunks.push(chunk.subarray(0, ERROR_BODY_LIMIT - this.errSize));
      this.errSize += chunk.length;
    }
    return true;
  }

  onResponseEnd(): void {
    this.freeConnection();
    if (this.body !== undefined) this.body.finish();
    else if (this.errChunks !== undefined) this.failWithStatus();
  }

  onResponseError(err: Error): void {
    this.freeConnection();
    // the head arrived and the connection was lost before the body's end (Content-Length not
    // reached, or a chunked body without its last chunk): the body was cut
    if (this.status !== undefined && isConnectionLoss(err)) err = truncatedBody(err);
    // with a body, the reader sees the error (or has finished and ignores it)
    if (this.body !== undefined) this.body.fail(err);
    // an error status whose body was cut is still named by its status
    else if (this.errChunks !== undefined && this.abortCause === undefined) this.failWithStatus();
    else this.fail(failureName(err, this.abortCause, this.timeoutMs));
  }

  // -- ours --

  /**
   * Timeout sweep or run stop. Once settled, it only matters while the connection still drains
   * a body the reader left: that is cut, so a server that never finishes it cannot keep the
   * connection busy past the request's deadline.
   */
  abort(cause: AbortCause): void {
    if (this.settled) {
      this.conn?.abort(this, abortError('body left unread'));
      return;
    }
    this.abortCause ??= cause;
    const err = abortError(cause === 'timeout' ? 'request timed out' : 'run stopped');
    // on a connection, it reports the error back at once (onResponseError)
    if (this.conn !== undefined) this.conn.abort(this, err);
    if (this.settled) return;
    if (this.body !== undefined) this.body.fail(err);
    // still waiting for a connection: fail it now; the pool skips it
    else this.fail(failureName(err, this.abortCause, this.timeoutMs));
  }

  private failWithStatus(): void {
    if (this.settled) return;
    this.fail(httpFailureName(this.status!, Buffer.concat(this.errChunks!).toString('utf8')));
  }

  private readDone(value: T): void {
    if (this.settled) return;
    // a reader that ignored (part of) the body must not leave the socket busy
    if (!this.body!.done) this.body!.discard();
    this.settled = true;
    const durationMs = performance.now() - this.startedAtMs;
    this.client.recorder.request(this.spec.name, durationMs);
    this.client.settle(this, this.conn !== undefined);
    this.resolve({ ok: true, value, status: this.status!, durationMs });
  }

  private readFailed(err: unknown): void {
    if (this.settled) return;
    const error = failureName(err, this.abortCause, this.timeoutMs);
    // a reader that gave up mid-body must not keep the socket busy
    if (!this.body!.done && this.conn !== undefined) this.conn.abort(this, abortError('reader gave up'));
    this.fail(error);
  }

  /**
   * A failure found before dispatching: settled on a later turn of the event loop, so that a
   * loop of such calls (closed model, no wait) still lets timers and signal handlers run.
   */
  failSoon(error: string): void {
    setImmediate(() => this.fail(error));
  }

  /** Records the failure and resolves; no-op when already settled. */
  fail(error: string): void {
    if (this.settled) return;
    this.settled = true;
    const durationMs = performance.now() - this.startedAtMs;
    this.client.recorder.request(this.spec.name, durationMs, error);
    this.client.settle(this, this.conn !== undefined);
    this.resolve({ ok: false, error, status: this.status, durationMs });
  }
}

/** The error a reader sees when the connection dropped mid-body. */
function truncatedBody(cause: Error): Error {
  return Object.assign(new Error('response body cut before its end', { cause }), { code: TRUNCATED_BODY });
}
