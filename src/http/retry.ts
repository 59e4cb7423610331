/**
 * `--retry-429 N`: a layer over the HTTP client's `call` that answers a 429 the way the official
 * SDKs do: wait what the server asks (`retry-after-ms`, else `retry-after` in seconds or as an
 * HTTP date; without either, the SDK's backoff min(0.5·2ⁿ, 8) s) and send the request again, at
 * most N times, and never past the run's hard stop. Off by default, so raw behaviour is what a
 * run measures.
 *
 * Every attempt goes through the client and is recorded exactly once:
 *   - a 429 that is retried is an expected answer (as k6's `expected_response` or Locust's
 *     `response.success()` would make it): recorded as a success under its own request name,
 *     `POST /v1/chat/completions [chat, 429 retried]`, so its latency stays out of the request's
 *     own histogram and it neither counts in the error rate nor fails a run whose retries
 *     succeeded. It still counts in the requests (the server answered it: counts reconcile with
 *     the mock's /__stats, route by route). Judge it with `rate_limited`, `retries` or the name:
 *     `--threshold 'rate_limited: count==0'`;
 *   - the last 429 (no retry left, or the wait would end past the run's stop) is a failure under
 *     the request's own name, `HTTP 429 <code>`, like any failure;
 *   - the wait is not in any request's latency: it is the `retry_wait` trend (ms).
 * Counters: `rate_limited` (429 answers), `retries` (requests sent again).
 */
import { performance } from 'node:perf_hooks';
import type { Recorder } from '../metrics/types.js';
import { sleep } from '../engine/sleep.js';
import { CheckFailure, ERROR_BODY_LIMIT, httpFailureName, isSuccess, RUN_STOPPED, TRUNCATED_BODY } from './errors.js';
import { readLimited } from './response-body.js';
import type { CallOutcome, HttpRequestSpec, HttpResponseView } from './types.js';

export const RETRY_METRICS = { rateLimited: 'rate_limited', retries: 'retries', wait: 'retry_wait' } as const;

/** Per call: how to send it again (a streamed body cannot be sent twice). */
export interface RetryOptions {
  /** a fresh spec for the next attempt; without it a streamed (Readable) body is never retried */
  respec?: () => HttpRequestSpec;
}

/** What scenarios call: the client itself, or the client behind this layer. */
export interface HttpCaller {
  call<T>(spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>, retry?: RetryOptions): Promise<CallOutcome<T>>;
}

export interface Retry429Options {
  /** retries per request (≥ 1) */
  maxRetries: number;
  recorder: Recorder;
  /** the hard stop: waits are cut by it */
  signal: AbortSignal;
  /** performance.now() past which no retry is planned (the run's end plus its stop timeout) */
  deadlineMs: () => number;
}

/** What an attempt's reader returns for a 429 that will be retried. */
const RETRY: unique symbol = Symbol('retry after 429');
/** SDK-style backoff when the 429 names no wait: min(0.5·2ⁿ, 8) s. */
const fallbackWaitMs = (retry: number) => Math.min(500 * 2 ** retry, 8000);

/** `POST /v1/x [chat]` → `POST /v1/x [chat, 429 retried]` (same route, its own row). */
export function retriedName(name: string): string {
  return name.endsWith(']') ? `${name.slice(0, -1)}, 429 retried]` : `${name} [429 retried]`;
}

/** The wait a 429 asks for, ms; undefined when it names none. */
export function retryAfterMs(res: Pick<HttpResponseView, 'header'>, nowEpochMs = Date.now()): number | undefined {
  const ms = Number(res.header('retry-after-ms'));
  if (res.header('retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const after = res.header('retry-after');
  if (after === undefined || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  // an HTTP date: the one place a server's clock meets ours, as the header means it to
  const at = Date.parse(after);
  return Number.isFinite(at) ? Math.max(0, at - nowEpochMs) : undefined;
}

export class Retry429 implements HttpCaller {
  constructor(
    private readonly inner: HttpCaller,
    private readonly opts: Retry429Options,
  ) {
    // thresholds on them have a value from the start
    for (const name of [RETRY_METRICS.rateLimited, RETRY_METRICS.retries]) opts.recorder.count(name, 0);
  }

  async call<T>(spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>, retry?: RetryOptions): Promise<CallOutcome<T>> {
    const { recorder, maxRetries, signal } = this.opts;
    const streamed = isStream(spec.body);
    const resendable = !streamed || retry?.respec !== undefined;
    let current = spec;
    for (let attempt = 0; ; attempt++) {
      const canResend = resendable && attempt < maxRetries;
      let waitMs: number | undefined;
      const accepts = current.okStatus ?? isSuccess;
      // a copy per attempt: its name changes when its 429 is retried (the client records the
      // request under its spec's name when it settles; test/http/retry.test.ts holds it to that)
      const attemptSpec: HttpRequestSpec = { ...current, okStatus: (s) => s === 429 || accepts(s) };
      const out = await this.inner.call<T | typeof RETRY>(attemptSpec, async (res) => {
        if (res.status !== 429 || accepts(429)) return read(res);
        recorder.count(RETRY_METRICS.rateLimited);
        const asked = retryAfterMs(res) ?? fallbackWaitMs(attempt);
        // a 429 whose body is cut is still a 429 (named by its status, as without retries);
        // any other error (a timeout, the run's stop) fails the attempt as itself
        const text = await readLimited(res.body, ERROR_BODY_LIMIT).catch((err: unknown) => {
          if ((err as { code?: string }).code === TRUNCATED_BODY) return '';
          throw err;
        });
        if (canResend && !signal.aborted && performance.now() + asked <= this.opts.deadlineMs()) {
          waitMs = asked;
          attemptSpec.name = retriedName(current.name);
          return RETRY;
        }
        throw new CheckFailure(httpFailureName(429, text));
      });
      if (waitMs === undefined) return out as CallOutcome<T>;
      recorder.trend(RETRY_METRICS.wait, waitMs, 'ms');
      await sleep(waitMs, signal);
      if (signal.aborted) {
        // the run was stopped while waiting: nothing more is sent; the row says why it ended
        recorder.failure(current.name, `${RUN_STOPPED} before its retry`);
        return { ok: false, error: RUN_STOPPED, status: 429, durationMs: out.durationMs };
      }
      recorder.count(RETRY_METRICS.retries);
      // a retry is sent when it is sent: no intended start (that is the open model's first try)
      current = { ...(streamed ? retry!.respec!() : current), intendedStartMs: undefined };
    }
  }
}

function isStream(body: HttpRequestSpec['body']): boolean {
  return body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body);
}
