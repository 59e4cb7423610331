/**
 * The one HTTP path of the tester. `call` sends a request, hands the response to a reader
 * (which parses and checks it, and may throw CheckFailure), and records the request exactly
 * once: as a success, or as a failure with a stable name. It never throws for request-level
 * problems, so scenarios decide what to do with a failed step.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { Recorder } from '../metrics/types.js';
import { type AbortCause, failureName, httpFailureName } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';
export type ResponseBody = Dispatcher.ResponseData['body'];

export interface HttpRequestSpec {
  /** metrics name, e.g. `POST /v1/files [upload]` */
  name: string;
  method: HttpMethod;
  /** absolute URL */
  url: string;
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
  headers: Record<string, string | string[] | undefined>;
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

export class HttpClient {
  readonly recorder: Recorder;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly runSignal?: AbortSignal;
  private inFlight = 0;

  constructor(opts: HttpClientOptions) {
    this.recorder = opts.recorder;
    this.timeoutMs = opts.requestTimeoutMs;
    this.runSignal = opts.signal;
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher =
      opts.dispatcher ??
      new Agent({
        connections: opts.connections,
        keepAliveTimeout: 10_000,
        // our own timeout (AbortSignal) decides; undici's would fire with less precise names
        headersTimeout: 0,
        bodyTimeout: 0,
      });
  }

  /** Requests started and not yet recorded. */
  get pending(): number {
    return this.inFlight;
  }

  async call<T>(spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>): Promise<CallOutcome<T>> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let abortCause: AbortCause | undefined;
    const onRunAbort = () => {
      abortCause ??= 'stopped';
      controller.abort();
    };
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            abortCause ??= 'timeout';
            controller.abort();
          }, timeoutMs)
        : undefined;
    if (this.runSignal?.aborted) abortCause = 'stopped';
    else this.runSignal?.addEventListener('abort', onRunAbort, { once: true });

    const startedAtMs = spec.intendedStartMs ?? performance.now();
    this.inFlight++;
    let status: number | undefined;
    let body: ResponseBody | undefined;
    try {
      if (abortCause) throw new Error('aborted before start');
      const res = await request(spec.url, {
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        dispatcher: this.dispatcher,
        signal: controller.signal,
      });
      status = res.statusCode;
      body = res.body;
      const ok = (spec.okStatus ?? isSuccess)(status);
      if (!ok) {
        const text = await readLimited(res.body, ERROR_BODY_LIMIT);
        return this.fail(spec.name, startedAtMs, httpFailureName(status, text), status);
      }
      const value = await read({ status, headers: res.headers, body: res.body, startedAtMs });
      // a reader that ignored the body must not leave the socket busy
      if (!res.body.readableEnded) res.body.resume();
      const durationMs = performance.now() - startedAtMs;
      this.recorder.request(spec.name, durationMs);
      return { ok: true, value, status, durationMs };
    } catch (err) {
      // a reader that gave up mid-body must not keep the socket busy
      if (body && !body.readableEnded) body.destroy();
      return this.fail(spec.name, startedAtMs, failureName(err, abortCause, timeoutMs), status);
    } finally {
      this.inFlight--;
      if (timer) clearTimeout(timer);
      this.runSignal?.removeEventListener('abort', onRunAbort);
    }
  }

  private fail(name: string, startedAtMs: number, error: string, status?: number): CallOutcome<never> {
    const durationMs = performance.now() - startedAtMs;
    this.recorder.request(name, durationMs, error);
    return { ok: false, error, status, durationMs };
  }

  /** Closes idle sockets; with `force`, destroys busy ones too (abandoned requests). */
  async close(force = false): Promise<void> {
    if (!this.ownsDispatcher) return;
    if (force) await this.dispatcher.destroy();
    else await this.dispatcher.close();
  }
}

/** Reads at most `limit` bytes of a body as text and discards the rest. */
export async function readLimited(body: ResponseBody, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size < limit) chunks.push(buf.subarray(0, limit - size));
    size += buf.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a whole body as a Buffer. */
export async function readAll(body: ResponseBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a whole body as JSON; a parse failure surfaces as `invalid JSON body`. */
export async function readJson<T = unknown>(body: ResponseBody): Promise<T> {
  return JSON.parse((await readAll(body)).toString('utf8')) as T;
}
