/**
 * Failure names. A failure's name is what the report groups by (Locust's "error" column), so
 * it must be low-cardinality: no ids, no timestamps, no secrets.
 */

/** Thrown by a response reader to fail the request with a named reason. */
export class CheckFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckFailure';
  }
}

/** Why the client's own abort fired. */
export type AbortCause = 'timeout' | 'stopped';

/** Our code for a body cut after its head arrived (see Exchange.onResponseError). */
export const TRUNCATED_BODY = 'BATCH_LOAD_TRUNCATED_BODY';

/**
 * Connection lost (peer closed or reset it): `connection reset` before any response,
 * `truncated body` once the response head has arrived.
 */
const CONNECTION_LOSS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
export const isConnectionLoss = (err: Error): boolean => CONNECTION_LOSS.has((err as { code?: string }).code ?? '');

const CODE_NAMES: Record<string, string> = {
  [TRUNCATED_BODY]: 'truncated body',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'connect timeout',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_SOCKET: 'connection reset',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_DESTROYED: 'connection closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'truncated body',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'request body length mismatch',
};

/** Maps anything a request can throw to a stable failure name. */
export function failureName(err: unknown, abortCause?: AbortCause, timeoutMs?: number): string {
  if (abortCause === 'timeout') return `timeout after ${formatSeconds(timeoutMs ?? 0)}`;
  if (abortCause === 'stopped') return 'aborted (run stopped)';
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
