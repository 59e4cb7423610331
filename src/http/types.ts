/** The HTTP client's request/response shapes, shared by the client and its request handler. */
import type { Readable } from 'node:stream';
import type { Recorder } from '../metrics/types.js';
import type { ResponseBody } from './response-body.js';

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
  /** the shared pool's connections per origin (open model; closed-model users own theirs) */
  connections: number;
  /** aborting it fails every in-flight request as `aborted (run stopped)` */
  signal?: AbortSignal;
}
