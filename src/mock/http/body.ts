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
 * Hot-path variant: reads the JSON body and hands it to `handle` in the same tick as the last
 * chunk, with a single promise per request (inference routes run at tens of thousands per second).
 */
export function withJsonObject<T>(req: IncomingMessage, limit: number, handle: (body: Record<string, unknown>) => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return;
      if (first === null) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    req.on('end', () => {
      try {
        if (size > limit) throw payloadTooLarge(limit);
        const raw = more !== null ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0));
        resolve(handle(parseJsonObject(raw)));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
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
