/**
 * One request in flight (Exchange): undici's dispatch handler plus the client's bookkeeping,
 * and the response view its reader gets.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Recorder } from '../metrics/types.js';
import type { Connection, ConnectionOwner, Dispatchable } from './connections.js';
import { type AbortCause, failureName, httpFailureName, isConnectionLoss, TRUNCATED_BODY } from './errors.js';
import { abortError, ResponseBody } from './response-body.js';
import type { CallOutcome, HttpRequestSpec, HttpResponseView } from './types.js';

type Controller = Dispatcher.DispatchController;

const isSuccess = (status: number) => status >= 200 && status < 300;
/** How much of an error body we read to name the failure. */
const ERROR_BODY_LIMIT = 4096;

/** What an Exchange needs of its client: where to record, and to be told when it settles. */
export interface ExchangeOwner {
  readonly recorder: Recorder;
  settle(exchange: InFlight): void;
}

class ResponseView implements HttpResponseView {
  constructor(
    readonly status: number,
    /** undici gives the handler every header parsed already (lower-case names) */
    readonly headers: IncomingHttpHeaders,
    readonly body: ResponseBody,
    readonly startedAtMs: number,
  ) {}

  header(name: string): string | undefined {
    const v = this.headers[name];
    return v === undefined || typeof v === 'string' ? v : v[0];
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
 * One request in flight: undici's dispatch handler (the controller interface: onRequestStart …
 * onResponseError) plus our bookkeeping. It settles exactly once: `readDone` or `fail` records
 * the request and resolves the caller's promise.
 */
export class Exchange<T> implements Dispatcher.DispatchHandler, InFlight, Dispatchable {
  /** undici's handle on the request once it has a socket: pause/resume/abort */
  private controller: Controller | null = null;
  private abortCause: AbortCause | undefined;
  /** recorded and resolved (a request waiting for a connection is then never sent) */
  settled = false;
  /** the connection it runs on, freed when undici is done with the request */
  private conn: Connection | undefined;
  private connOwner: ConnectionOwner | undefined;
  private status: number | undefined;
  private body: ResponseBody | undefined;
  /** non-success status: the first ERROR_BODY_LIMIT bytes of the body, to name the failure */
  private errChunks: Buffer[] | undefined;
  private errSize = 0;
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

  /** Sends it on `conn` (its owner handed it out; it is given back once undici is done). */
  start(conn: Connection, owner: ConnectionOwner): void {
    this.conn = conn;
    this.connOwner = owner;
    const spec = this.spec;
    conn.client.dispatch({ path: this.path, method: spec.method, headers: spec.headers, body: spec.body ?? null }, this);
  }

  /** undici is done with the request (ended, failed or dropped): its connection is free. */
  private freeConnection(): void {
    const conn = this.conn;
    if (conn === undefined) return;
    this.conn = undefined;
    this.connOwner!.release(conn);
  }

  // -- undici handler --

  onRequestStart(controller: Controller): void {
    if (this.settled) {
      // failed while queued (timeout, run stopped): never send it
      controller.abort(abortError('request abandoned'));
      return;
    }
    this.controller = controller;
  }

  onResponseStart(controller: Controller, status: number, headers: IncomingHttpHeaders): void {
    if (this.settled || status < 200) return;
    this.status = status;
    if (!(this.spec.okStatus ?? isSuccess)(status)) {
      this.errChunks = [];
      return;
    }
    const body = new ResponseBody(controller);
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

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.body !== undefined) {
      if (!this.body.push(chunk)) controller.pause();
      return;
    }
    if (this.errChunks !== undefined && this.errSize < ERROR_BODY_LIMIT) {
      this.errChunks.push(chunk.subarray(0, ERROR_BODY_LIMIT - this.errSize));
      this.errSize += chunk.length;
    }
  }

  onResponseEnd(): void {
    this.freeConnection();
    if (this.body !== undefined) this.body.finish();
    else if (this.errChunks !== undefined) this.failWithStatus();
  }

  onResponseError(_controller: Controller | undefined, err: Error): void {
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

  /** Timeout sweep or run stop. */
  abort(cause: AbortCause): void {
    if (this.settled) return;
    this.abortCause ??= cause;
    const err = abortError(cause === 'timeout' ? 'request timed out' : 'run stopped');
    // undici reports the error back synchronously (onResponseError) when the request is on a socket
    if (this.controller) this.controller.abort(err);
    if (this.settled) return;
    if (this.body !== undefined) this.body.fail(err);
    // queued (no socket yet) or the error was swallowed: fail it now; onRequestStart drops it later
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
    this.client.settle(this);
    this.resolve({ ok: true, value, status: this.status!, durationMs });
  }

  private readFailed(err: unknown): void {
    if (this.settled) return;
    const error = failureName(err, this.abortCause, this.timeoutMs);
    // a reader that gave up mid-body must not keep the socket busy
    if (!this.body!.done && this.controller) this.controller.abort(abortError('reader gave up'));
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
    this.client.settle(this);
    this.resolve({ ok: false, error, status: this.status, durationMs });
  }
}

/** The error a reader sees when the connection dropped mid-body. */
function truncatedBody(cause: Error): Error {
  return Object.assign(new Error('response body cut before its end', { cause }), { code: TRUNCATED_BODY });
}
