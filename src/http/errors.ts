/**
 * Failure names. A failure's name is what the report groups by (Locust's "error" column), so
 * it must be low-cardinality: no ids, no timestamps, no secrets.
 */
import { BAD_RESPONSE } from './h1-parser.js';

/** Thrown by a response reader to fail the request with a named reason. */
export class CheckFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckFailure';
  }
}

/** The failure of a request the run's stop (end of the stop timeout, SIGINT/SIGTERM) cut. */
export const RUN_STOPPED = 'aborted (run stopped)';

/** Why the client's own abort fired. */
export type AbortCause = 'timeout' | 'stopped';

/** Our code for a body cut after its head arrived (see Exchange.onResponseError). */
export const TRUNCATED_BODY = 'BATCH_LOAD_TRUNCATED_BODY';
/** The server closed the connection (FIN) before the response was complete. */
export const PEER_CLOSED = 'BATCH_LOAD_PEER_CLOSED';
/** We closed the connection (the client was closed) while the request ran. */
export const CLIENT_CLOSED = 'BATCH_LOAD_CLIENT_CLOSED';
/** TCP connect (and TLS handshake) took longer than the connect timeout. */
export const CONNECT_TIMEOUT = 'BATCH_LOAD_CONNECT_TIMEOUT';
/** A streamed request body was shorter or longer than its Content-Length. */
export const BODY_LENGTH_MISMATCH = 'BATCH_LOAD_BODY_LENGTH_MISMATCH';

/** An Error with a code (what failureName reads). */
export function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Connection lost (peer closed or reset it): `connection reset` before any response,
 * `truncated body` once the response head has arrived.
 */
const CONNECTION_LOSS = new Set(['ECONNRESET', 'EPIPE', PEER_CLOSED]);
export const isConnectionLoss = (err: Error): boolean => CONNECTION_LOSS.has((err as { code?: string }).code ?? '');

const CODE_NAMES: Record<string, string> = {
  [TRUNCATED_BODY]: 'truncated body',
  [PEER_CLOSED]: 'connection reset',
  [CLIENT_CLOSED]: 'connection closed',
  [CONNECT_TIMEOUT]: 'connect timeout',
  [BODY_LENGTH_MISMATCH]: 'request body length mismatch',
  [BAD_RESPONSE]: 'invalid HTTP response',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'connect timeout',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Maps anything a request can throw to a stable failure name. */
export function failureName(err: unknown, abortCause?: AbortCause, timeoutMs?: number): string {
  if (abortCause === 'timeout') return `timeout after ${formatSeconds(timeoutMs ?? 0)}`;
  if (abortCause === 'stopped') return RUN_STOPPED;
  if (err instanceof CheckFailure) return err.message;
  if (err instanceof SyntaxError) return 'invalid JSON body';
  const e = err as { code?: string; cause?: { code?: string }; name?: string; message?: string };
  const code = e?.code ?? e?.cause?.code;
  if (code && CODE_NAMES[code]) return CODE_NAMES[code];
  if (code) return code;
  if (e?.name === 'AbortError') return 'aborted';
  return e?.name && e.name !== 'Error' ? e.name : 'request error';
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** The statuses that count as success when a request names no `okStatus`: 200–299. */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** How much of an error body is read to name the failure (httpFailureName). */
export const ERROR_BODY_LIMIT = 4096;

/** `HTTP 429 rate_limit_exceeded` from a status and an OpenAI error body (if any). */
export function httpFailureName(status: number, bodyText: string): string {
  let detail = '';
  try {
    const parsed = JSON.parse(bodyText) as { error?: { code?: unknown; type?: unknown } };
    const code = parsed?.error?.code ?? parsed?.error?.type;
    if (typeof code === 'string' && /^[\w.-]{1,64}$/.test(code)) detail = ` ${code}`;
  } catch {
    // not JSON: the status alone names it
  }
  return `HTTP ${status}${detail}`;
}
