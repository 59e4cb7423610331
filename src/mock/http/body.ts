import type { IncomingMessage } from 'node:http';
import { HttpError, badRequest } from './errors.js';

export function payloadTooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body too large: the limit is ${limit} bytes.`, 'invalid_request_error', null, 'request_too_large');
}

/** Reads a request body into memory, up to `limit` bytes (the rest is drained, then 413). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(payloadTooLarge(limit));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}

/** Reads and parses a JSON object body; 400 with an OpenAI error when it is not one. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  return parseJsonObject(await readBody(req, limit));
}

/**
 * Hot-path variant: reads the JSON body and calls `onBody(ctx, handle, body)` (or `onError(ctx, err)`:
 * body too large, not a JSON object, request error) exactly once, in the same tick as the last
 * chunk. No promise and no microtask per request (inference routes run at tens of thousands per
 * second); `onBody` / `onError` are shared, so the only per-request closures are the listeners.
 */
export function readJsonObjectThen<C, H>(
  req: IncomingMessage,
  limit: number,
  ctx: C,
  handle: H,
  onBody: (ctx: C, handle: H, body: Record<string, unknown>) => void,
  onError: (ctx: C, err: unknown) => void,
): void {
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  let size = 0;
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) return;
    if (first === null) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    let body: Record<string, unknown>;
    try {
      if (size > limit) throw payloadTooLarge(limit);
      body = parseJsonObject(more !== null ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0)));
    } catch (err) {
      onError(ctx, err);
      return;
    }
    onBody(ctx, handle, body);
  });
  req.on('error', (err) => {
    if (settled) return;
    settled = true;
    onError(ctx, err);
  });
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest(
      'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload.)',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
