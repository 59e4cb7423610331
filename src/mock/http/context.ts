import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from '../faults/faults.js';

/** One request as the handlers see it. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** "POST /v1/files", "GET /ai/v1/batches/{batch_id}", "unknown", ... */
  readonly routeKey: string;
  /** Base path the request came in on ("/v1", "/ai/v1"), "" for routes outside a base path. */
  readonly basePath: string;
  /** The {file_id} / {batch_id} path segment, "" when the route has none. */
  readonly param: string;
  /** Raw query string without "?". */
  readonly query: string;
  readonly requestId: string;
  /** A body fault (truncated / malformed) to apply to a successful reply. */
  readonly fault: FaultKind | null;
}
