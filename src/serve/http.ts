/** Small node:http helpers: bounded JSON body reading and JSON / text replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, ValidationError } from './errors.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** The parsed JSON body; undefined when the body is empty. */
export async function readJsonBody(req: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new HttpError(413, `Request body over ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ValidationError([{ loc: ['body', 0], msg: `JSON decode error: ${(err as Error).message}`, type: 'json_invalid' }]);
  }
}

/** Last-resort scrub of a serialised body (e.g. removes the bearer token wherever it appears). */
export type Scrub = (text: string) => string;

export function sendJson(res: ServerResponse, status: number, body: unknown, scrub: Scrub, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = scrub(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string, scrub: Scrub): void {
  if (res.headersSent || res.destroyed) return;
  const out = scrub(text);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(out) });
  res.end(out);
}

/** `?async=true` (also 1 / yes). */
export function queryFlag(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  return v !== null && ['true', '1', 'yes', ''].includes(v.toLowerCase());
}
