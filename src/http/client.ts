/**
 * The one HTTP path of the tester. `call` sends a request, hands the response to a reader
 * (which parses and checks it, and may throw CheckFailure), and records the request exactly
 * once: as a success, or as a failure with a stable name. It never throws for request-level
 * problems, so scenarios decide what to do with a failed step.
 *
 * Cost per request matters here (a load tester's own CPU caps the load it can make), so the
 * client talks to undici's dispatcher directly rather than through `request()`:
 *   - one small handler object per request (undici's native handler interface, so undici wraps
 *     nothing), no AbortController, no Readable: the body is a ResponseBody that buffers chunks
 *     for `json()`/`text()`/`bytes()` or hands them out one by one to `for await` (SSE);
 *   - no timer per request: one sweep timer per client aborts requests past their deadline, so
 *     a timeout fires up to one sweep interval late (SWEEP_MAX_MS = 100 ms, or a tenth of the
 *     client's timeout when that is shorter, at least 10 ms); the failure is still named
 *     `timeout after <configured timeout>`;
 *   - one listener on the run signal for the whole client, which aborts every request in flight.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Agent, util as undiciUtil, type Dispatcher } from 'undici';
import type { Recorder } from '../metrics/types.js';
import { type AbortCause, failureName, httpFailureName } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRequestSpec {
  /** metrics name, e.g. `POST /v1/files [upload]` */
  name: string;
  method: HttpMethod;
  /** absolute URL */
  url: string;
  /** build it once and reuse it: the client never mutates it */
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
  /** overrides the client's request timeout */
  timeoutMs?: number;
  /** statuses that count as success; default 200–299 */
  okStatus?: (status: number) => boolean;
  /** when the request was meant to start (open model): latency is measured from here */
  intendedStartMs?: number;
}

export interface HttpResponseView {
  status: number;
  /** every response header, lower-case names (parsed on first access) */
  readonly headers: Record<string, string | string[] | undefined>;
  /** one header by lower-case name (first value), without parsing the others */
  header(name: string): string | undefined;
  body: ResponseBody;
  /** performance.now() when the request was started (or intended to start) */
  startedAtMs: number;
}

export type CallOutcome<T> =
  | { ok: true; value: T; status: number; durationMs: number }
  | { ok: false; error: string; status?: number; durationMs: number };

export interface HttpClientOptions {
  recorder: Recorder;
  requestTimeoutMs: number;
  /** sockets per origin */
  connections: number;
  /** aborting it fails every in-flight request as `aborted (run stopped)` */
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

const isSuccess = (status: number) => status >= 200 && status < 300;
/** How much of an error body we read to name the failure. */
const ERROR_BODY_LIMIT = 4096;
/** Coarsest timeout sweep; a client with a short timeout sweeps at a tenth of it (≥ 10 ms). */
export const SWEEP_MAX_MS = 100;
const SWEEP_MIN_MS = 10;
/** A streaming reader that falls behind pauses the socket above this many buffered bytes. */
const HIGH_WATER = 64 * 1024;

const abortError = (message: string): Error => Object.assign(new Error(message), { name: 'AbortError' });

// ---- response body -------------------------------------------------------------------------

const WANT_BYTES = 1;
const WANT_TEXT = 2;
const WANT_JSON = 3;

/**
 * A response body without a stream: chunks are kept as they arrive. Consume it once, either
 * whole (`json()`, `text()`, `bytes()`: no backpressure, resolved at the end of the body) or
 * chunk by chunk (`for await`, Buffers; the socket pauses while HIGH_WATER bytes wait unread).
 * A body nobody reads is discarded once the reader returns, so it never wedges the socket.
 */
export class ResponseBody implements AsyncIterable<Buffer> {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private error: Error | undefined;
  private consumed = false;
  /** 0 none / streaming, else WANT_*: resolve with the whole body at the end */
  private want = 0;
  private discarding = false;
  private paused = false;
  private resolveWhole: ((v: never) => void) | undefined;
  private rejectWhole: ((e: unknown) => void) | undefined;
  private wakeIterator: (() => void) | undefined;

  /** @param resume undici's resume for a paused response */
  constructor(private readonly resume: () => void) {}

  /** True once the whole body arrived (or failed). */
  get done(): boolean {
    return this.ended || this.error !== undefined;
  }

  json<T = unknown>(): Promise<T> {
    return this.whole(WANT_JSON) as Promise<T>;
  }

  text(): Promise<string> {
    return this.whole(WANT_TEXT) as Promise<string>;
  }

  bytes(): Promise<Buffer> {
    return this.whole(WANT_BYTES) as Promise<Buffer>;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    this.take();
    while (true) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.size -= chunk.length;
        if (this.paused && this.size < HIGH_WATER) this.unpause();
        yield chunk;
        continue;
      }
      if (this.error) throw this.error;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wakeIterator = r));
    }
  }

  // -- fed by the request handler --

  /** @internal a chunk arrived; false asks undici to pause the socket */
  push(chunk: Buffer): boolean {
    if (this.discarding) return true;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.wakeIterator) this.wake();
    if (this.want !== 0 || this.size < HIGH_WATER) return true;
    this.paused = true;
    return false;
  }

  /** @internal */
  finish(): void {
    this.ended = true;
    if (this.want !== 0) this.settleWhole();
    else if (this.wakeIterator) this.wake();
  }

  /** @internal */
  fail(err: Error): void {
    if (this.ended || this.error) return;
    this.error = err;
    if (this.want !== 0) this.settleWhole();
    else if (this.wakeIterator) this.wake();
  }

  /** @internal the reader is done: drop what is left and let the socket finish the body */
  discard(): void {
    this.discarding = true;
    this.chunks = [];
    this.size = 0;
    if (this.paused) this.unpause();
  }

  private take(): void {
    if (this.consumed) throw new TypeError('Body is unusable: it has already been read');
    this.consumed = true;
  }

  private whole(want: number): Promise<unknown> {
    if (this.consumed) return Promise.reject(new TypeError('Body is unusable: it has already been read'));
    this.take();
    this.want = want;
    if (this.done) {
      try {
        return Promise.resolve(this.result());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    if (this.paused) this.unpause();
    return new Promise((resolve, reject) => {
      this.resolveWhole = resolve;
      this.rejectWhole = reject;
    });
  }

  private result(): unknown {
    if (this.error) throw this.error;
    const c = this.chunks;
    const buf = c.length === 1 ? c[0]! : Buffer.concat(c, this.size);
    this.chunks = [];
    if (this.want === WANT_BYTES) return buf;
    const text = buf.toString('utf8');
    return this.want === WANT_TEXT ? text : JSON.parse(text);
  }

  private settleWhole(): void {
    const resolve = this.resolveWhole;
    const reject = this.rejectWhole!;
    if (!resolve) return;
    this.resolveWhole = this.rejectWhole = undefined;
    let value: unknown;
    try {
      value = this.result();
    } catch (err) {
      reject(err);
      return;
    }
    resolve(value as never);
  }

  private wake(): void {
    const w = this.wakeIterator!;
    this.wakeIterator = undefined;
    w();
  }

  private unpause(): void {
    this.paused = false;
    this.resume();
  }
}

class ResponseView implements HttpResponseView {
  private parsed: Record<string, string | string[] | undefined> | undefined;

  constructor(
    readonly status: number,
    private readonly raw: (Buffer | string)[],
    readonly body: ResponseBody,
    readonly startedAtMs: number,
  ) {}

  get headers(): Record<string, string | string[] | undefined> {
    this.parsed ??= undiciUtil.parseHeaders(this.raw as Buffer[]) as Record<string, string | string[] | undefined>;
    return this.parsed;
  }

  header(name: string): string | undefined {
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) {
      const k = raw[i]!;
      if (k.length !== name.length) continue;
      const key = typeof k === 'string' ? k : k.toString('latin1');
      if (key === name || key.toLowerCase() === name) {
        const v = raw[i + 1]!;
        return typeof v === 'string' ? v : v.toString('latin1');
      }
    }
    return undefined;
  }
}

/** What the client's sweep and run-stop see of a request in flight. */
interface InFlight {
  readonly deadline: number;
  abort(cause: AbortCause): void;
}

// ---- one request ---------------------------------------------------------------------------

/** origin + path of an absolute URL; URLs repeat (one per scenario variant), so cache them. */
const targets = new Map<string, { origin: string; path: string }>();
function targetOf(url: string): { origin: string; path: string } {
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
 * One request in flight: undici's (legacy, native) dispatch handler plus our bookkeeping. It
 * settles exactly once: `finish` records the request and resolves the caller's promise.
 */
class Exchange<T> implements Dispatcher.DispatchHandler, InFlight {
  private abortFn: ((err?: Error) => void) | null = null;
  private abortCause: AbortCause | undefined;
  private settled = false;
  private status: number | undefined;
  private body: ResponseBody | undefined;
  /** non-success status: the first ERROR_BODY_LIMIT bytes of the body, to name the failure */
  private errChunks: Buffer[] | undefined;
  private errSize = 0;
  resolve!: (outcome: CallOutcome<T>) => void;

  constructor(
    private readonly client: HttpClient,
    private readonly spec: HttpRequestSpec,
    private readonly read: (res: HttpResponseView) => Promise<T>,
    private readonly startedAtMs: number,
    readonly timeoutMs: number,
    /** performance.now() past which the sweep aborts it */
    readonly deadline: number,
  ) {}

  // -- undici handler --

  onConnect(abort: (err?: Error) => void): void {
    if (this.settled) {
      // failed while queued (timeout, run stopped): never send it
      abort(abortError('request abandoned'));
      return;
    }
    this.abortFn = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (this.settled) return true;
    if (status < 200) return true;
    this.status = status;
    if (!(this.spec.okStatus ?? isSuccess)(status)) {
      this.errChunks = [];
      return true;
    }
    const body = new ResponseBody(resume);
    this.body = body;
    let p: Promise<T>;
    try {
      p = this.read(new ResponseView(status, rawHeaders, body, this.startedAtMs));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (value) => this.readDone(value),
      (err) => this.readFailed(err),
    );
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.body !== undefined) return this.body.push(chunk);
    if (this.errChunks !== undefined && this.errSize < ERROR_BODY_LIMIT) {
      this.errChunks.push(chunk.subarray(0, ERROR_BODY_LIMIT - this.errSize));
      this.errSize += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    if (this.body !== undefined) this.body.finish();
    else if (this.errChunks !== undefined && !this.settled) {
      const text = Buffer.concat(this.errChunks).toString('utf8');
      this.fail(httpFailureName(this.status!, text));
    }
  }

  onError(err: Error): void {
    // with a body, the reader sees the error (or has finished and ignores it)
    if (this.body !== undefined) this.body.fail(err);
    else if (!this.settled) this.fail(failureName(err, this.abortCause, this.timeoutMs));
  }

  // -- ours --

  /** Timeout sweep or run stop. */
  abort(cause: AbortCause): void {
    if (this.settled) return;
    this.abortCause ??= cause;
    const err = abortError(cause === 'timeout' ? 'request timed out' : 'run stopped');
    // undici reports the error back synchronously (onError) when the request is on a socket
    if (this.abortFn) this.abortFn(err);
    if (this.settled) return;
    if (this.body !== undefined) this.body.fail(err);
    // queued (no socket yet) or the error was swallowed: fail it now; onConnect drops it later
    else this.fail(failureName(err, this.abortCause, this.timeoutMs));
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
    if (!this.body!.done && this.abortFn) this.abortFn(abortError('reader gave up'));
    this.fail(error);
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

// ---- the client ----------------------------------------------------------------------------

export class HttpClient {
  readonly recorder: Recorder;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly runSignal?: AbortSignal;
  private readonly inFlight = new Set<InFlight>();
  private readonly sweepMs: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly onRunAbort = () => {
    for (const ex of [...this.inFlight]) ex.abort('stopped');
  };
  private readonly sweep = () => {
    if (this.inFlight.size === 0) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
      return;
    }
    const now = performance.now();
    for (const ex of this.inFlight) if (ex.deadline <= now) ex.abort('timeout');
  };

  constructor(opts: HttpClientOptions) {
    this.recorder = opts.recorder;
    this.timeoutMs = opts.requestTimeoutMs;
    this.sweepMs = Math.min(SWEEP_MAX_MS, Math.max(SWEEP_MIN_MS, Math.floor(this.timeoutMs / 10)));
    this.runSignal = opts.signal;
    this.runSignal?.addEventListener('abort', this.onRunAbort, { once: true });
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher =
      opts.dispatcher ??
      new Agent({
        connections: opts.connections,
        keepAliveTimeout: 10_000,
        // our own timeout sweep decides; undici's would fire with less precise names
        headersTimeout: 0,
        bodyTimeout: 0,
      });
  }

  /** Requests started and not yet recorded. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** How late a timeout may fire (the sweep interval), ms. */
  get timeoutResolutionMs(): number {
    return this.sweepMs;
  }

  call<T>(spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>): Promise<CallOutcome<T>> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const now = performance.now();
    const startedAtMs = spec.intendedStartMs ?? now;
    const ex = new Exchange<T>(this, spec, read, startedAtMs, timeoutMs, timeoutMs > 0 ? now + timeoutMs : Number.POSITIVE_INFINITY);
    const out = new Promise<CallOutcome<T>>((resolve) => (ex.resolve = resolve));
    this.inFlight.add(ex);
    if (this.runSignal?.aborted) {
      ex.abort('stopped');
      return out;
    }
    if (timeoutMs > 0 && this.sweepTimer === undefined) {
      this.sweepTimer = setInterval(this.sweep, this.sweepMs);
      this.sweepTimer.unref();
    }
    let t;
    try {
      t = targetOf(spec.url);
    } catch (err) {
      ex.fail(failureName(err));
      return out;
    }
    this.dispatcher.dispatch(
      { origin: t.origin, path: t.path, method: spec.method, headers: spec.headers, body: spec.body ?? null },
      ex,
    );
    return out;
  }

  /** @internal an exchange settled */
  settle(ex: InFlight): void {
    this.inFlight.delete(ex);
  }

  /** Closes idle sockets; with `force`, destroys busy ones too (abandoned requests). */
  async close(force = false): Promise<void> {
    this.runSignal?.removeEventListener('abort', this.onRunAbort);
    if (!this.ownsDispatcher) return;
    if (force) await this.dispatcher.destroy();
    else await this.dispatcher.close();
    if (this.inFlight.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }
}

/** Reads at most `limit` bytes of a body as text and discards the rest. */
export async function readLimited(body: ResponseBody, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const buf of body) {
    if (size < limit) chunks.push(buf.subarray(0, limit - size));
    size += buf.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a whole body as a Buffer. */
export function readAll(body: ResponseBody): Promise<Buffer> {
  return body.bytes();
}

/** Reads a whole body as JSON; a parse failure surfaces as `invalid JSON body`. */
export function readJson<T = unknown>(body: ResponseBody): Promise<T> {
  return body.json<T>();
}
