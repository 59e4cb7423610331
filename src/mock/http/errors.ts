/** An OpenAI-style API error: `{"error":{"message","type","param","code"}}` with an HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers as a flat [name, value, ...] list. */
    readonly headers: readonly string[] = [],
  ) {
    super(message);
  }

  toJson(): string {
    return errorBodyJson(this.message, this.type, this.param, this.code);
  }
}

export function errorBodyJson(message: string, type: string, param: string | null, code: string | null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null): HttpError =>
  new HttpError(400, message, 'invalid_request_error', param, code);

export const notFound = (message: string, param: string | null = null): HttpError =>
  new HttpError(404, message, 'invalid_request_error', param, null);

export const serverError = (message = 'The server had an error while processing your request. Sorry about that!'): HttpError =>
  new HttpError(500, message, 'server_error', null, null);

/** Every 429 the mock sends: `rate_limit_exceeded` with `retry-after` and `retry-after-ms`. */
export function rateLimited(retryAfterSeconds: number, reason = 'Rate limit reached for requests.'): HttpError {
  return new HttpError(
    429,
    `${reason} Please try again in ${retryAfterSeconds}s.`,
    'requests',
    null,
    'rate_limit_exceeded',
    ['retry-after', String(retryAfterSeconds), 'retry-after-ms', String(Math.round(retryAfterSeconds * 1000))],
  );
}
