/**
 * The one HTTP path of the tester. `call` sends a request, hands the response to a reader
 * (which parses and checks it, and may throw CheckFailure), and records the request exactly
 * once: as a success, or as a failure with a stable name. It never throws for request-level
 * problems, so scenarios decide what to do with a failed step.
 *
 * Cost per request matters here (a load tester's own CPU caps the load it can make), so the
 * client talks to undici's dispatcher directly rather than through `request()`:
 *   - one small handler object per request (undici's controller interface: onRequestStart …
 *     onResponseError, pause/resume/abort on the controller), no AbortController, no Readable:
 *     the body is a ResponseBody that buffers chunks for `json()`/`text()`/`bytes()` or hands
 *     them out one by one to `for await` (SSE);
 *   - no timer per request: one sweep timer per client aborts requests past their deadline, so
 *     a timeout fires up to one sweep interval late (SWEEP_MAX_MS = 100 ms, or a tenth of the
 *     client's timeout when that is shorter, at least 10 ms); the failure is still named
 *     `timeout after <configured timeout>`;
 *   - one listener on the run signal for the whole client, which aborts every request in flight.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import type { Recorder } from '../metrics/types.js';
import { failureName } from './errors.js';
import { Exchange, targetOf, type ExchangeOwner, type InFlight } from './exchange.js';
import type { CallOutcome, HttpClientOptions, HttpRequestSpec, HttpResponseView } from './types.js';

export type { CallOutcome, HttpClientOptions, HttpMethod, HttpRequestSpec, HttpResponseView } from './types.js';
export { ResponseBody, readAll, readJson, readLimited } from './response-body.js';

/** Coarsest timeout sweep; a client with a short timeout sweeps at a tenth of it (≥ 10 ms). */
export const SWEEP_MAX_MS = 100;
const SWEEP_MIN_MS = 10;

/** Header objects found valid (scenarios build theirs once and reuse them). */
const validHeaders = new WeakSet<object>();

/**
 * The name of the first header undici would refuse (a value with CR/LF or a character past
 * U+00FF, a name that is no token). undici refuses such a request inside its connection pool,
 * which then takes that connection for busy and never uses it again, so the client checks first.
 */
function invalidHeader(headers: Record<string, string> | undefined): string | undefined {
  if (headers === undefined || validHeaders.has(headers)) return undefined;
  for (const name of Object.keys(headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, headers[name]);
    } catch {
      return name;
    }
  }
  validHeaders.add(headers);
  return undefined;
}

export class HttpClient implements ExchangeOwner {
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
      ex.failSoon(failureName(err));
      return out;
    }
    const badHeader = invalidHeader(spec.headers);
    if (badHeader !== undefined) {
      ex.failSoon(`invalid header: ${badHeader}`);
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
