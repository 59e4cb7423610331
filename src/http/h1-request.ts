/**
 * Request heads: a scenario builds its header object once and reuses it, so each object is
 * checked and serialized once (cached by identity) and a request's head is one string
 * concatenation. A header a server could read two ways (CR/LF in a value, a name that is not a
 * token) or that the transport manages itself (connection, keep-alive, transfer-encoding,
 * upgrade, expect) is refused before anything is sent.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';

/** Headers the connection writes itself: a caller's value would contradict its framing. */
const MANAGED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer']);

export interface HeaderBlock {
  /** `name: value\r\n` per header, `host` and `content-length` left out */
  lines: string;
  /** the name of the first header refused, when one is */
  invalid?: string;
  /** the caller's Host header, when given */
  host?: string;
  /** the caller's Content-Length, when given (a streamed body's length) */
  contentLength?: number;
  /** a value holds characters past U+007F: the head is written as latin1, not with the body */
  latin1: boolean;
}

const EMPTY: HeaderBlock = { lines: '', latin1: false };
const blocks = new WeakMap<object, HeaderBlock>();

/** The checked and serialized form of a header object (cached: build header objects once). */
export function headerBlock(headers: Record<string, string> | undefined): HeaderBlock {
  if (headers === undefined) return EMPTY;
  let block = blocks.get(headers);
  if (block === undefined) {
    block = buildBlock(headers);
    blocks.set(headers, block);
  }
  return block;
}

function buildBlock(headers: Record<string, string>): HeaderBlock {
  let lines = '';
  let latin1 = false;
  let host: string | undefined;
  let contentLength: number | undefined;
  for (const name of Object.keys(headers)) {
    const value = headers[name]!;
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      return { lines: '', invalid: name, latin1: false };
    }
    const lower = name.toLowerCase();
    if (MANAGED.has(lower)) return { lines: '', invalid: name, latin1: false };
    if (lower === 'host') {
      host = value;
      continue;
    }
    if (lower === 'content-length') {
      if (!/^\d{1,15}$/.test(value.trim())) return { lines: '', invalid: name, latin1: false };
      contentLength = Number(value.trim());
      continue;
    }
    // eslint-disable-next-line no-control-regex
    if (!latin1 && /[^\x00-\x7f]/.test(value)) latin1 = true;
    lines += `${name}: ${value}\r\n`;
  }
  return { lines, latin1, ...(host === undefined ? {} : { host }), ...(contentLength === undefined ? {} : { contentLength }) };
}

/** The head of a request: request line, Host, keep-alive, the caller's headers, framing. */
export function requestHead(method: string, path: string, host: string, block: HeaderBlock, framing: string): string {
  return `${method} ${path} HTTP/1.1\r\nhost: ${block.host ?? host}\r\nconnection: keep-alive\r\n${block.lines}${framing}\r\n`;
}
