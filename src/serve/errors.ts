/**
 * Errors a route answers with. Validation errors use FastAPI's shape, as the FastAPI orchestrator
 * is FastAPI: `422 {"detail":[{"loc":["body",...],"msg":"...","type":"..."}]}`.
 */
export interface FieldError {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
    /** fields added next to `detail` in the body */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.name = 'HttpError';
  }
}

export class ValidationError extends HttpError {
  constructor(readonly errors: FieldError[]) {
    super(422, errors);
    this.name = 'ValidationError';
  }
}

/** The JSON body of an error reply: `{detail, ...extra}`. */
export function errorBody(err: HttpError): Record<string, unknown> {
  return { detail: err.detail, ...err.extra };
}
